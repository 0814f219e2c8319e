import { type Keyward, readiness } from '@keyward/core'
import {
  type Answer,
  type AppOptions,
  createProjects,
  isJsonContentType,
  PROJECT_BODY_LIMIT,
  problems,
  type Scope,
} from '@keyward/example-shared/app'
import {
  type ApiKeyVariables,
  apiKeyAuth,
  apiKeyRoutes,
  createGuards,
  oauthRoutes,
} from '@keyward/hono'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { mountSettings } from './settings.js'

// The scope catalog and options are shared with the other framework's example; a Keyward
// instance for this app is built with these `scopes`.
export { type AppOptions, type Scope, scopes } from '@keyward/example-shared/app'

/**
 * The example API: `GET /health` (public), `/v1/*` behind an API key, each route guarded by
 * its scope, and the management API at `/api-keys`. Projects live in memory, per owner.
 * With `settings`, also the demo sign-in and the "Settings → API Keys" page, whose session
 * is a principal of the management API.
 * Web-standard APIs only, so it runs on edge runtimes too; `main.ts` serves it on Node.
 */
export function createApp(keyward: Keyward<Scope>, options: AppOptions = {}) {
  const { accessTokens } = options
  const { requireScopes } = createGuards(keyward)
  const projects = createProjects(() => keyward.now())
  const app = new Hono<{ Variables: ApiKeyVariables }>()
  // Whom to believe about the client address, which a key's `allowedIps` are checked against.
  const trust = options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }

  app.get('/health', (c) => c.json({ status: 'ok' }))
  // Readiness as core judges it: 503 only once verifications fail closed (see the README).
  app.get('/ready', (c) => send(c, readiness(keyward)))
  if (accessTokens) {
    app.get('/.well-known/jwks.json', async (c) => {
      c.header('cache-control', 'public, max-age=300')
      return c.json(await accessTokens.jwks())
    })
  }

  if (accessTokens) {
    // RFC 8414 discovery and RFC 7662 introspection for OAuth clients and resource servers.
    app.route(
      '/',
      oauthRoutes(keyward, { accessTokens, introspectionScope: 'api_keys:manage', ...trust }),
    )
  }

  const principal = options.settings && mountSettings(app, options.settings)
  app.route(
    '/api-keys',
    apiKeyRoutes(keyward, {
      manageScope: 'api_keys:manage',
      ...trust,
      ...(accessTokens && { accessTokens }),
      ...(principal && { principal }),
      ...(options.edge && { edge: options.edge }),
    }),
  )

  app.use('/v1/*', apiKeyAuth(keyward, trust))
  app.get('/v1/whoami', (c) => c.json(c.var.apiKey))
  app.get('/v1/projects', requireScopes('projects:read'), (c) =>
    c.json({ projects: projects.list(c.var.apiKey.ownerId) }),
  )
  app.post(
    '/v1/projects',
    requireScopes('projects:write'),
    bodyLimit({ maxSize: PROJECT_BODY_LIMIT, onError: (c) => send(c, problems.tooLarge()) }),
    async (c) => {
      // As express.json(): only a JSON content type is read, an empty body is no body.
      const text = isJsonContentType(c.req.header('content-type')) ? await c.req.text() : ''
      let body: unknown
      try {
        body = text === '' ? undefined : JSON.parse(text)
      } catch {
        return send(c, problems.malformedJson())
      }
      return c.json(projects.add(c.var.apiKey.ownerId, body), 201)
    },
  )
  // Keyward's answers (401, 403, 503) travel as HTTPExceptions carrying their response.
  // Anything else: Hono's default logs it and answers text; this keeps every answer problem+json.
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse()
    console.error('Unhandled error:', error)
    return send(c, problems.internal())
  })
  return app
}

function send(c: Context, { status, headers, body }: Answer): Response {
  return c.body(JSON.stringify(body), status as 400, headers)
}
