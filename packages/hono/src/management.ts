import type { Keyward, Principal } from '@keyward/core'
import {
  createManagementApi,
  functionOption,
  type ManagementApiOptions,
  type ManagementBody,
} from '@keyward/core/adapter'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ApiKeyVariables } from './api-key-auth.js'
import { bodyOf } from './lib/body.js'
import { type ClientAddressOptions, clientAddressOf, clientIpField } from './lib/client-address.js'

/**
 * Options of {@link apiKeyRoutes}: `ManagementApiOptions` of `@keyward/core`, `principal`, and
 * where the client address a calling key's `allowedIps` are checked against comes from
 * (`trustProxy`, `clientIp`, as on `apiKeyAuth`).
 */
export interface ApiKeyRoutesOptions extends ManagementApiOptions, ClientAddressOptions {
  /**
   * Resolves the caller from the app's own login (a session cookie, better-auth, Auth.js…;
   * `c.var` holds what the app's middleware set): a `Principal` `{ ownerId, scopes, actor }`,
   * or nothing (`undefined`, `null`) to fall back to API-key authentication. Called once per
   * request, after the body was read. A principal is the caller whatever API key the request
   * carries; its state-changing requests need `Content-Type: application/json` and a
   * same-origin `Origin` (or `Sec-Fetch-Site: same-origin`), else 403; the request's own
   * origin is the scheme of `c.req.url` and the `Host` header. What it throws, and a
   * malformed principal (`TypeError`), reach the app's `onError`. Default: none, API keys only.
   */
  principal?: (c: Context) => Principal | null | undefined | Promise<Principal | null | undefined>
}

type ManagementEnv = { Variables: Partial<ApiKeyVariables> }

/**
 * The management REST API as a Hono sub-app: `app.route('/api-keys', apiKeyRoutes(keyward))`.
 * It reads its own body up to `maxBodyBytes` as JSON whatever the `Content-Type`, and core
 * authenticates the request from its headers (an earlier `apiKeyAuth`'s `c.var.apiKey` is
 * reused, and re-checked), so mounting it alone is safe. Every decision is core's
 * `createManagementApi`; this only translates. Edge-safe. With `principal`, people signed
 * in to the app manage their keys too (a settings page), protected against cross-site
 * request forgery.
 */
export function apiKeyRoutes<S extends string>(
  keyward: Keyward<S>,
  options: ApiKeyRoutesOptions = {},
): Hono<ManagementEnv> {
  const api = createManagementApi(keyward, options)
  const resolve = functionOption<NonNullable<ApiKeyRoutesOptions['principal']>>(
    options.principal,
    'principal',
    undefined,
    'of the context resolving to a Principal',
  )
  const addressOf = clientAddressOf(options)

  const answer = async (c: Context<ManagementEnv>, body: ManagementBody): Promise<Response> => {
    const apiKey = c.get('apiKey')
    const principal = (await resolve?.(c)) ?? undefined
    const url = new URL(c.req.url)
    const response = await api.handle({
      method: c.req.method,
      path: mountRelativePath(c),
      query: url.search.slice(1),
      header: (name) => c.req.header(name),
      origin: `${url.protocol}//${c.req.header('host') ?? url.host}`,
      ...clientIpField(addressOf(c)),
      ...(principal === undefined ? {} : { principal }),
      // An app-wide `apiKeyAuth` already verified it; core re-checks it all the same.
      ...(apiKey === undefined ? {} : { apiKey }),
      body,
    })
    return new Response(response.body === undefined ? null : JSON.stringify(response.body), {
      status: response.status,
      headers: response.headers,
    })
  }

  const limited = bodyLimit({
    maxSize: api.maxBodyBytes,
    onError: (c) => answer(c as Context<ManagementEnv>, { failure: 'too_large' }),
  })
  const route = async function apiKeysRoute(c: Context<ManagementEnv>) {
    return answer(c, await bodyOf(c, api.maxBodyBytes))
  }

  // Every sub-path goes to core, which does all the routing (404s included).
  return new Hono<ManagementEnv>().use(limited).all('*', route)
}

/**
 * The request's path below the mount, as it came on the wire (not decoded): what Express's
 * `req.path` is, so core routes both the same. The mount's depth comes from the matched
 * route (`/api-keys/*`, `/orgs/:org/api-keys/*`).
 */
function mountRelativePath(c: Context): string {
  const depth = c.req.routePath.split('/').filter((part) => part !== '' && part !== '*').length
  return `/${new URL(c.req.url).pathname
    .split('/')
    .slice(depth + 1)
    .join('/')}`
}
