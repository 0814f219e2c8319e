import {
  createOAuthServer,
  type Keyward,
  type ManagementBody,
  type OAuthServerOptions,
} from '@keyward/core'
import express, { type Request, type Router } from 'express'
import { headerOf } from './lib/headers.js'

/** Options of {@link oauthRouter}: `OAuthServerOptions` of `@keyward/core`. */
export type OAuthRouterOptions = OAuthServerOptions

/**
 * OAuth discovery and introspection as an Express router, mounted at the app's root:
 * `GET /.well-known/oauth-authorization-server` (RFC 8414 metadata) and, with
 * `introspectionScope`, `POST /oauth/introspect` (RFC 7662). The token endpoint itself is
 * the management router's `POST /api-keys/token`. Every decision is core's
 * `createOAuthServer`; this only translates.
 *
 * @example
 * app.use(oauthRouter(keyward, { accessTokens, introspectionScope: 'api_keys:manage' }))
 * app.use('/api-keys', apiKeysRouter(keyward, { accessTokens }))
 */
export function oauthRouter<S extends string>(
  keyward: Keyward<S>,
  options: OAuthRouterOptions = {},
): Router {
  const server = createOAuthServer(keyward, options)
  const readText = express.text({ type: () => true, limit: server.maxBodyBytes })
  const router = express.Router()

  const answer: express.RequestHandler = function oauthRoute(req, res, next) {
    readText(req, res, (error?: unknown) => {
      server
        .handle({
          method: req.method,
          path: req.path,
          header: (name) => headerOf(req, name),
          ...(req.apiKey === undefined ? {} : { apiKey: req.apiKey }),
          body: error === undefined ? formBodyOf(req) : bodyFailure(error),
        })
        .then(({ status, headers, body }) => {
          res.status(status).set(headers).json(body)
        }, next)
    })
  }
  router.get(server.metadataPath, answer)
  if (server.introspectionPath !== undefined) router.post(server.introspectionPath, answer)
  return router
}

/** The body text; a form an earlier `express.urlencoded()` consumed is passed on re-encoded. */
function formBodyOf(req: Request): ManagementBody {
  const body: unknown = req.body
  if (body === undefined || typeof body === 'string') return body
  return new URLSearchParams(body as Record<string, string>).toString()
}

function bodyFailure(error: unknown): ManagementBody {
  const type = (error as { type?: unknown } | null)?.type
  return { failure: type === 'entity.too.large' ? 'too_large' : 'unreadable' }
}
