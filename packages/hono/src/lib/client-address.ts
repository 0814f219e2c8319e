import {
  type AuthenticationRequest,
  clientAddress,
  functionOption,
  rawHeaderValue,
  type TrustProxy,
  trustProxyOption,
} from '@keyward/core/adapter'
import type { Context } from 'hono'

/**
 * Where the client address of a request comes from, on `apiKeyAuth`, `apiKeyRoutes` and
 * `oauthRoutes`: what a key's `allowedIps` are checked against.
 */
export interface ClientAddressOptions {
  /**
   * Which proxies in front of the app are believed about the client's address, through
   * `X-Forwarded-For` or RFC 7239 `Forwarded` (as Express's `trust proxy`): `false` (the
   * default: the headers are ignored, the connection's peer is the client), a hop count (`1`:
   * the one proxy in front), `'loopback'`, `'linklocal'`, `'uniquelocal'`, an address or CIDR
   * range, a list of them (or one comma-separated string), `true` (every hop: only behind a
   * proxy that overwrites the headers, since a client can write them too), or a function
   * `(address, hop) => boolean`. Checked when the middleware is built (`TypeError`).
   */
  trustProxy?: TrustProxy
  /**
   * The connection's peer address where Keyward cannot find it (another runtime or platform):
   * a function of the context returning it, or `undefined` when unknown (a key with
   * `allowedIps` is then refused). `trustProxy` still decides whether forwarded headers are
   * read on top of it. Default: the runtime's own — `@hono/node-server` (the socket), Bun
   * (`server.requestIP`), Deno (`info.remoteAddr`), and on Cloudflare Workers (workerd) the
   * `CF-Connecting-IP` header Cloudflare sets.
   */
  clientIp?: (c: Context) => string | undefined
}

/** Node's request as `@hono/node-server` passes it (`HttpBindings.incoming`). */
interface NodeIncoming {
  headers?: Record<string, string | string[] | undefined>
  rawHeaders?: readonly string[]
  socket?: { remoteAddress?: string }
}

/**
 * What the runtime hands the app beside the request (`c.env`): `@hono/node-server`'s
 * bindings, Bun's `Server` (fetch's second argument), Deno's `ServeHandlerInfo`, or a
 * platform's bindings.
 */
interface RuntimeEnv {
  incoming?: NodeIncoming
  server?: RuntimeEnv
  requestIP?: (request: Request) => { address?: string } | null
  remoteAddr?: { hostname?: unknown }
}

/** Cloudflare Workers' (and workerd's) documented `navigator.userAgent`. */
const ON_WORKERD =
  (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent ===
  'Cloudflare-Workers'

function runtimeEnv(c: Context): RuntimeEnv | undefined {
  const env = c.env as unknown
  return env !== null && typeof env === 'object' ? (env as RuntimeEnv) : undefined
}

/**
 * The connection's peer address as the runtime knows it, as Hono's `getConnInfo` helpers read
 * it: `undefined` when this runtime gives none.
 */
function runtimePeer(c: Context): string | undefined {
  const env = runtimeEnv(c)
  if (env !== undefined) {
    const bindings = env.server ?? env
    const socket = bindings.incoming?.socket
    if (socket !== undefined) return socket.remoteAddress
    if (typeof bindings.requestIP === 'function') {
      return bindings.requestIP(c.req.raw)?.address ?? undefined
    }
    const hostname = env.remoteAddr?.hostname
    if (typeof hostname === 'string') return hostname
  }
  // Set by Cloudflare's edge on every request (a client's own is overwritten).
  if (ON_WORKERD) return c.req.header('cf-connecting-ip')
  return undefined
}

/**
 * The request as core's authenticator reads it. On `@hono/node-server`, headers are read from
 * Node's own (already parsed, lower-cased) object, because `c.req.header()` would first build a
 * Fetch `Headers` from them on every request; everywhere else, `c.req` as it is.
 */
export function requestOf(c: Context): AuthenticationRequest {
  const incoming = runtimeEnv(c)?.incoming
  const headers = incoming?.headers
  if (headers === undefined || typeof headers !== 'object') return c.req
  const raw = incoming?.rawHeaders ?? []
  return {
    method: c.req.method,
    header(name) {
      // Node keeps only the first of repeated Authorization lines in `headers`.
      if (name === 'authorization') return rawHeaderValue(raw, name)
      const value = headers[name]
      return Array.isArray(value) ? value.join(', ') : value
    },
  }
}

const noHeaders = (): undefined => undefined

/**
 * Builds, once, what gives a request's client address from the options: `TypeError` for a
 * bad `trustProxy` or `clientIp`. The answer is canonical, or `undefined` when unknown.
 */
export function clientAddressOf(options: ClientAddressOptions): (c: Context) => string | undefined {
  const trust = trustProxyOption(options.trustProxy)
  const peerOf =
    functionOption<(c: Context) => string | undefined>(
      options.clientIp,
      'clientIp',
      undefined,
      'of the context returning the peer address',
    ) ?? runtimePeer
  if (trust === undefined) return (c) => clientAddress(peerOf(c), noHeaders, undefined)
  return (c) => {
    const request = requestOf(c)
    return clientAddress(peerOf(c), (name) => request.header(name), trust)
  }
}

/** `{ clientIp }` for core's request shapes, nothing when the address is unknown. */
export function clientIpField(address: string | undefined): { clientIp?: string } {
  return address === undefined ? {} : { clientIp: address }
}
