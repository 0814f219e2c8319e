import type { Keyward, Principal } from '@keyward/core'
import {
  createManagementApi,
  functionOption,
  type ManagementApiOptions,
} from '@keyward/core/adapter'
import express, { type Request, type Router } from 'express'
import { bodyFailure, bodyOf } from './lib/body.js'
import { clientIpField, headerOf } from './lib/headers.js'

/** Options of {@link apiKeysRouter}: `ManagementApiOptions` of `@keyward/core`, and `principal`. */
export interface ApiKeysRouterOptions extends ManagementApiOptions {
  /**
   * Resolves the caller from the app's own login (its session, Passport's `req.user`…): a
   * `Principal` `{ ownerId, scopes, actor }`, or nothing (`undefined`, `null`) to fall back
   * to API-key authentication. Called once per request, after the body was read. A
   * principal is the caller whatever API key the request carries; its state-changing
   * requests need `Content-Type: application/json` and a same-origin `Origin` (or
   * `Sec-Fetch-Site: same-origin`), else 403; the request's own origin is `req.protocol`
   * and `req.host` (set Express's `trust proxy` behind a TLS-terminating proxy). What it
   * throws, and a malformed principal (`TypeError`), go to `next(err)`. Default: none, API
   * keys only.
   */
  principal?: (req: Request) => Principal | null | undefined | Promise<Principal | null | undefined>
}

/**
 * The management REST API as an Express router: mount it at `/api-keys`. It reads its own
 * body up to `maxBodyBytes` as JSON whatever the `Content-Type`, and core authenticates the
 * request from its headers (an earlier `apiKeyAuth`'s `req.apiKey` is reused, and
 * re-checked), so mounting it alone is safe. Every decision is core's
 * `createManagementApi`; this only translates. With `principal`, people signed in to the app
 * manage their keys too (a settings page), protected against cross-site request forgery.
 * The calling key's `allowedIps` are checked against `req.ip` (Express's `trust proxy`).
 *
 * @example
 * app.use('/api-keys', apiKeysRouter(keyward, { manageScope: 'api_keys:manage' }))
 * @example
 * app.use('/api-keys', apiKeysRouter(keyward, {
 *   principal: (req) => req.session?.user && { ownerId: req.session.user.orgId, scopes: req.session.user.scopes, actor: `user:${req.session.user.id}` },
 * }))
 */
export function apiKeysRouter<S extends string>(
  keyward: Keyward<S>,
  options: ApiKeysRouterOptions = {},
): Router {
  const api = createManagementApi(keyward, options)
  const resolve = functionOption<NonNullable<ApiKeysRouterOptions['principal']>>(
    options.principal,
    'principal',
    undefined,
    'of the request resolving to a Principal',
  )
  const principalOf = async (req: Request) => (await resolve?.(req)) ?? undefined
  // Raw bytes, not inflated: core decides what a body may be (UTF-8, no Content-Encoding).
  const readBytes = express.raw({ type: () => true, limit: api.maxBodyBytes, inflate: false })
  const router = express.Router()

  router.use(function apiKeysRoute(req, res, next) {
    readBytes(req, res, (error?: unknown) => {
      principalOf(req)
        .then((principal) =>
          api.handle({
            method: req.method,
            path: mountRelativePath(req),
            query: queryOf(req),
            header: (name) => headerOf(req, name),
            ...ownOrigin(req),
            ...clientIpField(req),
            ...(principal === undefined ? {} : { principal }),
            // An app-wide `apiKeyAuth` already verified it; core re-checks it all the same.
            ...(req.apiKey === undefined ? {} : { apiKey: req.apiKey }),
            body: error === undefined ? bodyOf(req, api.maxBodyBytes) : bodyFailure(error),
          }),
        )
        .then(({ status, headers, body }) => {
          res.status(status).set(headers)
          if (body === undefined) res.end()
          else res.json(body)
        }, next)
    })
  })
  return router
}

/** The query string as it came on the wire, without its `?`. */
function queryOf(req: Request): string {
  const at = req.originalUrl.indexOf('?')
  return at === -1 ? '' : req.originalUrl.slice(at + 1)
}

/**
 * The path below the mount as Hono sees it: dot segments resolved by the URL standard
 * (`%2e` too), nothing decoded; core does the rest of the routing. A path whose `..` climbs
 * out of the mount is `/..`, which core answers 404.
 */
function mountRelativePath(req: Request): string {
  const pathname = new URL(req.originalUrl, 'http://localhost').pathname
  return pathname.startsWith(req.baseUrl) ? pathname.slice(req.baseUrl.length) || '/' : '/..'
}

/** The request's own origin as the client reached it (`trust proxy` decides whom to believe). */
function ownOrigin(req: Request): { origin?: string } {
  const host: string | undefined = req.host
  return host === undefined ? {} : { origin: `${req.protocol}://${host}` }
}
