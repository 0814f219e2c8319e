import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  errorResponse,
  isKeywardError,
  type Keyward,
  type Principal,
  type VerifiedKey,
} from '@keyward/core'
import {
  type AuthenticateOptions,
  bodyText,
  createAuthenticator,
  createGuardFactories,
  createManagementApi,
  type ManagementApiOptions,
  type ManagementBody,
  rawHeaderValue,
} from '@keyward/core/adapter'
import { adapterConformance, managementConformance, type ServedApp } from '@keyward/core/testing'

// ---- The adapter: Keyward for a plain node:http server. It translates; core decides. ----

/** A request once `apiKeyAuth` has run: `req.apiKey` is the verified key. */
type KeywardRequest = IncomingMessage & { apiKey?: VerifiedKey }
/** Middleware: resolves `true` when it has answered, `false` to go on. */
type Middleware = (req: KeywardRequest, res: ServerResponse) => Promise<boolean>

function send(res: ServerResponse, answer: { status: number; headers: object; body?: unknown }) {
  res.writeHead(answer.status, { ...answer.headers })
  res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body))
  return true
}

/** Answers what core threw as core renders it; anything else is a bug and propagates. */
function refuse(res: ServerResponse, error: unknown) {
  if (!isKeywardError(error)) throw error
  return send(res, errorResponse(error))
}

/** Headers from the raw lines: `req.headers` keeps only the first of two Authorization lines. */
const headerOf = (req: IncomingMessage) => (name: string) => rawHeaderValue(req.rawHeaders, name)

function apiKeyAuth<S extends string>(
  keyward: Keyward<S>,
  options: AuthenticateOptions<NoInfer<S>> = {},
): Middleware {
  const authenticate = createAuthenticator(keyward, options)
  return async (req, res) => {
    try {
      // The client address is the socket's peer: this adapter trusts no proxy.
      const key = await authenticate(
        { method: req.method ?? 'GET', header: headerOf(req) },
        req.socket.remoteAddress,
      )
      if (key !== undefined) req.apiKey = key
      return false
    } catch (error) {
      return refuse(res, error)
    }
  }
}

const { requireScopes, requireAnyScope, createGuards } = createGuardFactories<Middleware>(
  (guard) => async (req, res) => {
    try {
      req.apiKey = await guard(req.apiKey)
      return false
    } catch (error) {
      return refuse(res, error)
    }
  },
)

/** Reads at most `max` bytes of body; core decodes them (UTF-8 only) or answers 413. */
async function bodyOf(req: IncomingMessage, max: number): Promise<ManagementBody> {
  if (req.headers['content-length'] === undefined && !req.headers['transfer-encoding']) return
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > max) return { failure: 'too_large' }
    chunks.push(chunk)
  }
  const { 'content-type': contentType, 'content-encoding': contentEncoding } = req.headers
  return bodyText(Buffer.concat(chunks), { contentType, contentEncoding }, max)
}

/** The management API for requests under `mount`, e.g. `/api-keys`. */
function apiKeyRoutes<S extends string>(
  keyward: Keyward<S>,
  mount: string,
  options: ManagementApiOptions & {
    principal?: (req: IncomingMessage) => Principal | undefined
  } = {},
) {
  const api = createManagementApi(keyward, options)
  return async (req: KeywardRequest, res: ServerResponse) => {
    // Read before the body: a body over the limit ends the connection.
    const clientIp = req.socket.remoteAddress
    const body = await bodyOf(req, api.maxBodyBytes)
    // Dot segments resolved as the URL standard does; core routes the rest.
    const { pathname, search } = new URL(req.url ?? '/', 'http://localhost')
    const principal = options.principal?.(req)
    send(
      res,
      await api.handle({
        method: req.method ?? 'GET',
        path: pathname.startsWith(mount) ? pathname.slice(mount.length) || '/' : '/..',
        query: search.slice(1),
        header: headerOf(req),
        origin: `http://${req.headers.host}`,
        body,
        ...(principal && { principal }),
        ...(req.apiKey && { apiKey: req.apiKey }),
        ...(clientIp && { clientIp }),
      }),
    )
  }
}

// ---- Its conformance test: the cases @keyward/express and @keyward/hono pass. ----

/** Listens on 127.0.0.1, port 0; a bug in a handler answers 500. */
function listen(handler: (req: KeywardRequest, res: ServerResponse) => Promise<unknown>) {
  const server = createServer((req, res) => {
    handler(req, res).catch(() => send(res, { status: 500, headers: {} }))
  })
  return new Promise<ServedApp>((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    )
  })
}

adapterConformance({
  name: 'node:http',
  adapter: { apiKeyAuth, requireScopes, requireAnyScope, createGuards },
  serve: (routes) =>
    listen(async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname
      const route = routes.find((candidate) => candidate.path === path)
      if (route === undefined) return send(res, { status: 404, headers: {} })
      for (const middleware of route.middleware) if (await middleware(req, res)) return true
      const headers = { 'content-type': 'application/json' }
      return send(res, { status: 200, headers, body: { apiKey: req.apiKey ?? null } })
    }),
})

managementConformance({
  name: 'node:http',
  serve(keyward, options, { authenticateFirst }) {
    const authenticate = apiKeyAuth(keyward)
    const routes = apiKeyRoutes(keyward, '/api-keys', options)
    // An app protecting every route: the key is verified on the headers, the API re-checks it.
    return listen(async (req, res) => {
      if (!(authenticateFirst && (await authenticate(req, res)))) await routes(req, res)
    })
  },
  serveWithPrincipal: (keyward, resolve) =>
    listen(apiKeyRoutes(keyward, '/api-keys', { principal: (req) => resolve(req.headers.cookie) })),
})
