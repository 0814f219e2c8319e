import {
  createManagementApi,
  type Keyward,
  type ManagementApiOptions,
  type ManagementBody,
} from '@keyward/core'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { type ApiKeyVariables, apiKeyAuth } from './api-key-auth.js'

/** Options of {@link apiKeyRoutes}: see `ManagementApiOptions` in `@keyward/core`. */
export type ApiKeyRoutesOptions = ManagementApiOptions

type ManagementEnv = { Variables: ApiKeyVariables }

/**
 * The management REST API as a Hono sub-app: `app.route('/api-keys', apiKeyRoutes(keyward))`.
 * It authenticates each request itself (an earlier `apiKeyAuth`'s `c.var.apiKey` is reused)
 * and reads its own body up to `maxBodyBytes` as JSON whatever the `Content-Type`, so
 * mounting it alone is safe. Every decision is core's `createManagementApi`; this only
 * translates. Edge-safe.
 */
export function apiKeyRoutes<S extends string>(
  keyward: Keyward<S>,
  options: ApiKeyRoutesOptions = {},
): Hono<ManagementEnv> {
  const api = createManagementApi(keyward, options)
  const authenticate = apiKeyAuth(keyward)

  const answer = async (c: Context<ManagementEnv>, body: ManagementBody): Promise<Response> => {
    const id = c.req.param('id')
    const action = c.req.param('action')
    const path = id === undefined ? '/' : action === undefined ? `/${id}` : `/${id}/${action}`
    const response = await api.handle({ method: c.req.method, path, apiKey: c.var.apiKey, body })
    return new Response(response.body === undefined ? null : JSON.stringify(response.body), {
      status: response.status,
      headers: response.headers,
    })
  }

  const authenticated: MiddlewareHandler<ManagementEnv> = async function apiKeysAuth(c, next) {
    if (c.get('apiKey') === undefined) {
      try {
        await authenticate(c, async () => {})
      } catch (error) {
        // Every answer about credentials, a refused one too, must stay out of caches.
        if (error instanceof HTTPException) error.res?.headers.set('cache-control', 'no-store')
        throw error
      }
    }
    await next()
  }
  const limited = bodyLimit({
    maxSize: api.maxBodyBytes,
    onError: (c) => answer(c as Context<ManagementEnv>, { failure: 'too_large' }),
  })
  const route = async function apiKeysRoute(c: Context<ManagementEnv>) {
    return answer(c, c.req.raw.body === null ? undefined : await c.req.text())
  }

  return new Hono<ManagementEnv>()
    .use(authenticated, limited)
    .all('/', route)
    .all('/:id', route)
    .all('/:id/:action', route)
}
