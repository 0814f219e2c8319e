import type { Keyward } from '@keyward/core'
import { createOAuthServer, type OAuthServerOptions } from '@keyward/core/adapter'
import express, { type Router } from 'express'
import { bodyFailure, bodyOf } from './lib/body.js'
import { clientIpField, headerOf } from './lib/headers.js'

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
  const readBytes = express.raw({ type: () => true, limit: server.maxBodyBytes, inflate: false })
  const router = express.Router()

  const answer: express.RequestHandler = function oauthRoute(req, res, next) {
    readBytes(req, res, (error?: unknown) => {
      server
        .handle({
          method: req.method,
          path: req.path,
          header: (name) => headerOf(req, name),
          ...clientIpField(req),
          ...(req.apiKey === undefined ? {} : { apiKey: req.apiKey }),
          body: error === undefined ? bodyOf(req, server.maxBodyBytes) : bodyFailure(error),
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
