import type { Keyward } from '@keyward/core'
import {
  createOAuthServer,
  type ManagementBody,
  type OAuthServerOptions,
} from '@keyward/core/adapter'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ApiKeyVariables } from './api-key-auth.js'
import { bodyOf } from './lib/body.js'
import { type ClientAddressOptions, clientAddressOf, clientIpField } from './lib/client-address.js'

/**
 * Options of {@link oauthRoutes}: `OAuthServerOptions` of `@keyward/core`, and where the client
 * address of the key introspecting is taken from (`trustProxy`, `clientIp`, as on `apiKeyAuth`).
 */
export type OAuthRoutesOptions = OAuthServerOptions & ClientAddressOptions

type OAuthEnv = { Variables: Partial<ApiKeyVariables> }

/**
 * OAuth discovery and introspection as a Hono sub-app, mounted at the app's root with
 * `app.route('/', oauthRoutes(keyward, options))`: `GET /.well-known/oauth-authorization-server`
 * (RFC 8414 metadata) and, with `introspectionScope`, `POST /oauth/introspect` (RFC 7662).
 * The token endpoint itself is `apiKeyRoutes`' `POST /api-keys/token`. Every decision is
 * core's `createOAuthServer`; this only translates. Edge-safe.
 */
export function oauthRoutes<S extends string>(
  keyward: Keyward<S>,
  options: OAuthRoutesOptions = {},
): Hono<OAuthEnv> {
  const server = createOAuthServer(keyward, options)
  const addressOf = clientAddressOf(options)

  const answer = async (c: Context<OAuthEnv>, body: ManagementBody): Promise<Response> => {
    const apiKey = c.get('apiKey')
    const response = await server.handle({
      method: c.req.method,
      path: c.req.path,
      header: (name) => c.req.header(name),
      ...clientIpField(addressOf(c)),
      ...(apiKey === undefined ? {} : { apiKey }),
      body,
    })
    return new Response(JSON.stringify(response.body), {
      status: response.status,
      headers: response.headers,
    })
  }

  const app = new Hono<OAuthEnv>().get(server.metadataPath, (c) => answer(c, undefined))
  if (server.introspectionPath !== undefined) {
    app.post(
      server.introspectionPath,
      bodyLimit({
        maxSize: server.maxBodyBytes,
        onError: (c) => answer(c as Context<OAuthEnv>, { failure: 'too_large' }),
      }),
      async function oauthRoute(c) {
        return answer(c, await bodyOf(c, server.maxBodyBytes))
      },
    )
  }
  return app
}
