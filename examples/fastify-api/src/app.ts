import { type Keyward, readiness } from '@keyward/core'
import {
  type Answer,
  type AppOptions,
  createProjects,
  PROJECT_BODY_LIMIT,
  problems,
  type Scope,
} from '@keyward/example-shared/app'
import { apiKeyAuth, apiKeysRouter, createGuards, oauthRouter } from '@keyward/fastify'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { mountSettings } from './settings.js'

// The scope catalog and options are shared with the other frameworks' examples; a Keyward
// instance for this app is built with these `scopes`.
export { type AppOptions, type Scope, scopes } from '@keyward/example-shared/app'

/** What the `/v1` JSON parser fails with on a body that is not JSON (answered 400). */
const MALFORMED_JSON = 'EXAMPLE_MALFORMED_JSON'

/**
 * The example API: `GET /health` (public), `/v1/*` behind an API key, each route guarded by
 * its scope, and the management API at `/api-keys`. Projects live in memory, per owner.
 * With `settings`, also the demo sign-in and the "Settings → API Keys" page, whose session
 * is a principal of the management API.
 */
export function createApp(keyward: Keyward<Scope>, options: AppOptions = {}): FastifyInstance {
  const { accessTokens } = options
  const { requireScopes } = createGuards(keyward)
  const projects = createProjects(() => keyward.now())
  // Stopping closes kept-alive connections too, as the other examples' servers do.
  // `trustProxy`: whom to believe about the client address (`request.ip`, which a key's
  // `allowedIps` are checked against), and about the scheme and host (the settings page's
  // origin). Unset, the connection's peer is the client.
  const app = Fastify({
    forceCloseConnections: true,
    ...(options.trustProxy !== undefined && { trustProxy: fastifyTrust(options.trustProxy) }),
  })

  app.get('/health', async () => ({ status: 'ok' }))
  // Readiness as core judges it: 503 only once verifications fail closed (see the README).
  app.get('/ready', async (_request, reply) => send(reply, readiness(keyward)))
  if (accessTokens) {
    app.get('/.well-known/jwks.json', async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=300').send(await accessTokens.jwks()),
    )
    // RFC 8414 discovery and RFC 7662 introspection for OAuth clients and resource servers.
    app.register(oauthRouter(keyward, { accessTokens, introspectionScope: 'api_keys:manage' }))
  }

  const principal = options.settings && mountSettings(app, options.settings)
  app.register(
    apiKeysRouter(keyward, {
      manageScope: 'api_keys:manage',
      ...(accessTokens && { accessTokens }),
      ...(principal && { principal }),
    }),
    { prefix: '/api-keys' },
  )

  app.register(
    async (v1) => {
      v1.addHook('onRequest', apiKeyAuth(keyward))
      // Any JSON value, as Express's express.json({ strict: false }) and Hono's JSON.parse take
      // it; only a JSON content type is read, an empty body is no body.
      v1.removeAllContentTypeParsers()
      v1.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined))
      v1.addContentTypeParser(
        'application/json',
        { parseAs: 'string', bodyLimit: PROJECT_BODY_LIMIT },
        (_request, text, done) => {
          try {
            done(null, text === '' ? undefined : JSON.parse(text as string))
          } catch {
            done(
              Object.assign(new Error('The request body is not valid JSON.'), {
                code: MALFORMED_JSON,
              }),
            )
          }
        },
      )
      // Unknown paths under /v1 are authenticated too (401 before 404), as on Express and Hono:
      // a not-found handler of this context runs its `onRequest` hooks.
      v1.setNotFoundHandler(async (request, reply) =>
        reply.code(404).send({
          message: `Route ${request.method}:${request.url} not found`,
          error: 'Not Found',
          statusCode: 404,
        }),
      )
      v1.get('/whoami', async (request) => request.apiKey)
      // The guards run as `onRequest` hooks: a request lacking the scope is refused before its
      // body is read, as on Express and Hono.
      v1.get('/projects', { onRequest: requireScopes('projects:read') }, async (request) => ({
        projects: projects.list(request.apiKey!.ownerId),
      }))
      v1.post('/projects', { onRequest: requireScopes('projects:write') }, async (request, reply) =>
        reply.code(201).send(projects.add(request.apiKey!.ownerId, request.body)),
      )
    },
    { prefix: '/v1' },
  )

  app.setErrorHandler(answerErrors)
  return app
}

/**
 * `TRUST_PROXY` as Fastify's `trustProxy` option, meaning what it means on Express and Hono.
 * A list (addresses, CIDR ranges, `loopback`…) is taken as it is. A hop count becomes a
 * function trusting that many hops from the socket: Fastify 5 takes a bare number as "trust
 * no proxy" (its docs: a hop count cannot vouch for the peer), which would ignore the proxy's
 * `X-Forwarded-For` in silence. Counting hops is the operator's choice, as with Express's
 * `trust proxy`; a list is safer when the app can be reached without the proxy.
 */
function fastifyTrust(
  trust: number | string[],
): string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust
}

function send(reply: FastifyReply, { status, headers, body }: Answer): FastifyReply {
  // Bytes, not a string: Fastify would add `; charset=utf-8` to the content type of a string.
  return reply
    .code(status)
    .headers(headers)
    .send(Buffer.from(JSON.stringify(body)))
}

/**
 * The app's error handler: a body the JSON parser refused is 400 (413 when too large)
 * problem+json and is not logged, since its message can quote the body; anything else is
 * logged here and answered 500 without a stack. Fastify's own handler would answer its
 * parser's message and status, and Keyward's answers never reach here (the hooks send them).
 */
function answerErrors(error: { code?: unknown }, _request: unknown, reply: FastifyReply) {
  const code = typeof error.code === 'string' ? error.code : ''
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, problems.tooLarge())
  if (code === MALFORMED_JSON || code.startsWith('FST_ERR_CTP_')) {
    return send(reply, problems.malformedJson())
  }
  console.error('Unhandled error:', error)
  return send(reply, problems.internal())
}
