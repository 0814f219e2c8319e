import {
  createManagementApi,
  type Keyward,
  type ManagementApiOptions,
  type ManagementBody,
} from '@keyward/core'
import express, { type Request, type Router } from 'express'

/** Options of {@link apiKeysRouter}: see `ManagementApiOptions` in `@keyward/core`. */
export type ApiKeysRouterOptions = ManagementApiOptions

/**
 * The management REST API as an Express router: mount it at `/api-keys`. It reads its own
 * body up to `maxBodyBytes` as JSON whatever the `Content-Type`, and core authenticates the
 * request from its headers (an earlier `apiKeyAuth`'s `req.apiKey` is reused, and
 * re-checked), so mounting it alone is safe. Every decision is core's
 * `createManagementApi`; this only translates.
 *
 * @example
 * app.use('/api-keys', apiKeysRouter(keyward, { manageScope: 'api_keys:manage' }))
 */
export function apiKeysRouter<S extends string>(
  keyward: Keyward<S>,
  options: ApiKeysRouterOptions = {},
): Router {
  const api = createManagementApi(keyward, options)
  const readText = express.text({ type: () => true, limit: api.maxBodyBytes })
  const router = express.Router()

  router.use(function apiKeysRoute(req, res, next) {
    readText(req, res, (error?: unknown) => {
      api
        .handle({
          method: req.method,
          path: req.path,
          header: (name) => req.get(name),
          // An app-wide `apiKeyAuth` already verified it; core re-checks it all the same.
          ...(req.apiKey === undefined ? {} : { apiKey: req.apiKey }),
          body: error === undefined ? bodyOf(req) : bodyFailure(error),
        })
        .then(({ status, headers, body }) => {
          res.status(status).set(headers)
          if (body === undefined) res.end()
          else res.json(body)
        }, next)
    })
  })
  return router
}

/** The body text; a body an earlier parser (`express.json()`) consumed is passed on re-serialised. */
function bodyOf(req: Request): ManagementBody {
  const body: unknown = req.body
  if (body === undefined || typeof body === 'string') return body
  return JSON.stringify(body)
}

function bodyFailure(error: unknown): ManagementBody {
  const type = (error as { type?: unknown } | null)?.type
  return { failure: type === 'entity.too.large' ? 'too_large' : 'unreadable' }
}
