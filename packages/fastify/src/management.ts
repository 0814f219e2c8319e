import type { Keyward, Principal } from '@keyward/core'
import {
  createManagementApi,
  functionOption,
  type ManagementApiOptions,
} from '@keyward/core/adapter'
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify'
import { bodyOf, readBodiesAsCore } from './lib/body.js'
import { clientIpField, headerOf, queryOf } from './lib/headers.js'
import { sendAnswer } from './lib/respond.js'

/** Options of {@link apiKeysRouter}: `ManagementApiOptions` of `@keyward/core`, and `principal`. */
export interface ApiKeysRouterOptions extends ManagementApiOptions {
  /**
   * Resolves the caller from the app's own login (its session, `@fastify/secure-session`…): a
   * `Principal` `{ ownerId, scopes, actor }`, or nothing (`undefined`, `null`) to fall back
   * to API-key authentication. Called once per request, after the body was read. A
   * principal is the caller whatever API key the request carries; its state-changing
   * requests need `Content-Type: application/json` and a same-origin `Origin` (or
   * `Sec-Fetch-Site: same-origin`), else 403; the request's own origin is
   * `request.protocol` and `request.host` (set Fastify's `trustProxy` behind a
   * TLS-terminating proxy). What it throws, and a malformed principal (`TypeError`), go to
   * the app's error handler. Default: none, API keys only.
   */
  principal?: (
    request: FastifyRequest,
  ) => Principal | null | undefined | Promise<Principal | null | undefined>
}

/**
 * The management REST API as a Fastify plugin: register it under a prefix,
 * `app.register(apiKeysRouter(keyward), { prefix: '/api-keys' })`. It reads its own body up
 * to `maxBodyBytes` as JSON whatever the `Content-Type` (the app's parsers do not apply
 * inside it), and core authenticates the request from its headers (an earlier `apiKeyAuth`'s
 * `request.apiKey` is reused, and re-checked), so registering it alone is safe. Every
 * decision is core's `createManagementApi`; this only translates. With `principal`, people
 * signed in to the app manage their keys too (a settings page), protected against
 * cross-site request forgery.
 *
 * @example
 * app.register(apiKeysRouter(keyward, { manageScope: 'api_keys:manage' }), { prefix: '/api-keys' })
 */
export function apiKeysRouter<S extends string>(
  keyward: Keyward<S>,
  options: ApiKeysRouterOptions = {},
): FastifyPluginCallback {
  const api = createManagementApi(keyward, options)
  const resolve = functionOption<NonNullable<ApiKeysRouterOptions['principal']>>(
    options.principal,
    'principal',
    undefined,
    'of the request resolving to a Principal',
  )

  return function apiKeysRoutes(instance, _options, done) {
    readBodiesAsCore(instance, api.maxBodyBytes)
    const route = async function apiKeysRoute(request: FastifyRequest, reply: FastifyReply) {
      const principal = (await resolve?.(request)) ?? undefined
      const answer = await api.handle({
        method: request.method,
        path: mountRelativePath(request),
        header: (name) => headerOf(request, name),
        query: queryOf(request),
        ...clientIpField(request),
        origin: `${request.protocol}://${request.host}`,
        ...(principal === undefined ? {} : { principal }),
        // An app-wide `apiKeyAuth` already verified it; core re-checks it all the same.
        ...(request.apiKey === undefined ? {} : { apiKey: request.apiKey }),
        body: bodyOf(request),
      })
      return sendAnswer(reply, answer)
    }
    // Every sub-path goes to core, which does all the routing (404s included).
    instance.all('/', route)
    instance.all('/*', route)
    done()
  }
}

/**
 * The path below the mount as Express and Hono see it: dot segments resolved by the URL
 * standard (`%2e` too), nothing decoded; core does the rest of the routing. The mount is the
 * matched route's prefix (`/api-keys`, `/orgs/:org/api-keys`); a path whose `..` climbs out
 * of it is `/..`, which core answers 404.
 */
function mountRelativePath(request: FastifyRequest): string {
  const mount = (request.routeOptions.url ?? '')
    .replace(/\/\*?$/, '')
    .split('/')
    .slice(1)
  const segments = new URL(request.url, 'http://localhost').pathname.split('/').slice(1)
  for (let i = 0; i < mount.length; i++) {
    const part = mount[i]!
    if (segments[i] === undefined || (!part.startsWith(':') && segments[i] !== part)) return '/..'
  }
  return `/${segments.slice(mount.length).join('/')}`
}
