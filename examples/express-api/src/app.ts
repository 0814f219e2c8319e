import { type Keyward, readiness } from '@keyward/core'
import {
  type Answer,
  type AppOptions,
  createProjects,
  PROJECT_BODY_LIMIT,
  problems,
  type Scope,
} from '@keyward/example-shared/app'
import { apiKeyAuth, apiKeysRouter, createGuards, oauthRouter } from '@keyward/express'
import express, { type ErrorRequestHandler } from 'express'
import { mountSettings } from './settings.js'

// The scope catalog and options are shared with the other framework's example; a Keyward
// instance for this app is built with these `scopes`.
export { type AppOptions, type Scope, scopes } from '@keyward/example-shared/app'

/**
 * The example API: `GET /health` (public), `/v1/*` behind an API key, each route guarded by
 * its scope, and the management API at `/api-keys`. Projects live in memory, per owner.
 * With `settings`, also the demo sign-in and the "Settings → API Keys" page, whose session
 * is a principal of the management API.
 */
export function createApp(keyward: Keyward<Scope>, options: AppOptions = {}): express.Express {
  const { accessTokens } = options
  const { requireScopes } = createGuards(keyward)
  const projects = createProjects(() => keyward.now())
  const app = express()
  // Whom to believe about the client address (`req.ip`, which a key's `allowedIps` are
  // checked against), and about the scheme and host (the settings page's origin).
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy)

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' })
  })
  // Readiness as core judges it: 503 only once verifications fail closed (see the README).
  app.get('/ready', (_req, res) => {
    send(res, readiness(keyward))
  })
  if (accessTokens) {
    app.get('/.well-known/jwks.json', async (_req, res) => {
      res.set('cache-control', 'public, max-age=300').json(await accessTokens.jwks())
    })
  }

  if (accessTokens) {
    // RFC 8414 discovery and RFC 7662 introspection for OAuth clients and resource servers.
    app.use(oauthRouter(keyward, { accessTokens, introspectionScope: 'api_keys:manage' }))
  }

  const principal = options.settings && mountSettings(app, options.settings)
  app.use(
    '/api-keys',
    apiKeysRouter(keyward, {
      manageScope: 'api_keys:manage',
      ...(accessTokens && { accessTokens }),
      ...(principal && { principal }),
      ...(options.edge && { edge: options.edge }),
    }),
  )

  app.use('/v1', apiKeyAuth(keyward))
  app.get('/v1/whoami', (req, res) => {
    res.json(req.apiKey)
  })
  app.get('/v1/projects', requireScopes('projects:read'), (req, res) => {
    res.json({ projects: projects.list(req.apiKey!.ownerId) })
  })
  app.post(
    '/v1/projects',
    requireScopes('projects:write'),
    // Any JSON value, as Hono's JSON.parse takes it; `add` names the project from an object only.
    express.json({ limit: PROJECT_BODY_LIMIT, strict: false }),
    (req, res) => {
      res.status(201).json(projects.add(req.apiKey!.ownerId, req.body))
    },
  )
  app.use(answerErrors)
  return app
}

function send(res: express.Response, { status, headers, body }: Answer): void {
  res.status(status).set(headers).end(JSON.stringify(body))
}

/**
 * The last handler: a body the JSON parser refused is 400 (413 when too large) problem+json
 * and is not logged, since its message can quote the body; anything else is logged here and
 * answered 500 without a stack. Express's own handler would send the stack and file paths as
 * HTML and log the parser's error, raw body included.
 */
const answerErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error)
    return
  }
  const type = (error as { type?: unknown } | null)?.type
  if (type === 'entity.too.large') send(res, problems.tooLarge())
  else if (typeof type === 'string') send(res, problems.malformedJson())
  else {
    console.error('Unhandled error:', error)
    send(res, problems.internal())
  }
}
