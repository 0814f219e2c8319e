import {
  createManagementApi,
  type Keyward,
  type ManagementApiOptions,
  type ManagementBody,
} from '@keyward/core'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ApiKeyVariables } from './api-key-auth.js'

/** Options of {@link apiKeyRoutes}: see `ManagementApiOptions` in `@keyward/core`. */
export type ApiKeyRoutesOptions = ManagementApiOptions

type ManagementEnv = { Variables: Partial<ApiKeyVariables> }

/**
 * The management REST API as a Hono sub-app: `app.route('/api-keys', apiKeyRoutes(keyward))`.
 * It reads its own body up to `maxBodyBytes` as JSON whatever the `Content-Type`, and core
 * authenticates the request from its headers (an earlier `apiKeyAuth`'s `c.var.apiKey` is
 * reused, and re-checked), so mounting it alone is safe. Every decision is core's
 * `createManagementApi`; this only translates. Edge-safe.
 */
export function apiKeyRoutes<S extends string>(
  keyward: Keyward<S>,
  options: ApiKeyRoutesOptions = {},
): Hono<ManagementEnv> {
  const api = createManagementApi(keyward, options)

  const answer = async (c: Context<ManagementEnv>, body: ManagementBody): Promise<Response> => {
    const id = c.req.param('id')
    const action = c.req.param('action')
    const path = id === undefined ? '/' : action === undefined ? `/${id}` : `/${id}/${action}`
    const apiKey = c.get('apiKey')
    const response = await api.handle({
      method: c.req.method,
      path,
      header: (name) => c.req.header(name),
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
    return answer(c, c.req.raw.body === null ? undefined : await c.req.text())
  }

  return new Hono<ManagementEnv>()
    .use(limited)
    .all('/', route)
    .all('/:id', route)
    .all('/:id/:action', route)
}
