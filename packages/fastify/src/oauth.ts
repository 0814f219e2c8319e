import type { Keyward } from '@keyward/core'
import { createOAuthServer, type OAuthServerOptions } from '@keyward/core/adapter'
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify'
import { bodyOf, readBodiesAsCore } from './lib/body.js'
import { clientIpField, headerOf } from './lib/headers.js'
import { sendAnswer } from './lib/respond.js'

/** Options of {@link oauthRouter}: `OAuthServerOptions` of `@keyward/core`. */
export type OAuthRouterOptions = OAuthServerOptions

/**
 * OAuth discovery and introspection as a Fastify plugin, registered at the app's root with
 * `app.register(oauthRouter(keyward, options))`: `GET /.well-known/oauth-authorization-server`
 * (RFC 8414 metadata) and, with `introspectionScope`, `POST /oauth/introspect` (RFC 7662).
 * The token endpoint itself is the management plugin's `POST /api-keys/token`. It reads its
 * own bodies (the app's parsers do not apply inside it). Every decision is core's
 * `createOAuthServer`; this only translates.
 *
 * @example
 * app.register(oauthRouter(keyward, { accessTokens, introspectionScope: 'api_keys:manage' }))
 * app.register(apiKeysRouter(keyward, { accessTokens }), { prefix: '/api-keys' })
 */
export function oauthRouter<S extends string>(
  keyward: Keyward<S>,
  options: OAuthRouterOptions = {},
): FastifyPluginCallback {
  const server = createOAuthServer(keyward, options)

  const routeTo = (path: string) =>
    async function oauthRoute(request: FastifyRequest, reply: FastifyReply) {
      const answer = await server.handle({
        method: request.method,
        path,
        header: (name) => headerOf(request, name),
        ...clientIpField(request),
        ...(request.apiKey === undefined ? {} : { apiKey: request.apiKey }),
        body: bodyOf(request),
      })
      return sendAnswer(reply, answer)
    }

  return function oauthRoutes(instance, _options, done) {
    readBodiesAsCore(instance, server.maxBodyBytes)
    instance.get(server.metadataPath, routeTo(server.metadataPath))
    if (server.introspectionPath !== undefined) {
      instance.post(server.introspectionPath, routeTo(server.introspectionPath))
    }
    done()
  }
}
