import { managementAuditCases } from './lib/management-audit-cases.js'
import { managementCases } from './lib/management-cases.js'
import { managementPageCases } from './lib/management-page-cases.js'
import { managementUsageCases } from './lib/management-usage-cases.js'
import { principalCases } from './lib/principal-cases.js'
import { selfRotationCases } from './lib/self-rotation-cases.js'
import { suspensionCases } from './lib/suspension-cases.js'
import type { CheckResponse, ServeManagement, ServeManagementWithPrincipal } from './served.js'

export type {
  CheckedExchange,
  CheckResponse,
  ManagementApp,
  ServeManagement,
  ServeManagementWithPrincipal,
} from './served.js'

/** Options of {@link managementConformance}. */
export interface ManagementConformanceOptions {
  /** The adapter's name, in every test title. */
  name: string
  /** Serves the management API for the API-key cases, behind `apiKeyAuth` when they ask. */
  serve: ServeManagement
  /** Serves it with a `principal` resolver, for the signed-in-person (and CSRF) cases. */
  serveWithPrincipal: ServeManagementWithPrincipal
  /**
   * Checks every answer the cases receive on a route's own path (requests sent with Fetch,
   * and raw ones whose path is already canonical): for example against the API's OpenAPI
   * document, so that the document is proven by the same cases. What it throws fails the case.
   * Default: none.
   */
  checkResponse?: CheckResponse
}

/**
 * Registers vitest `describe` blocks checking that an adapter's management REST API answers
 * as Keyward's own adapters do, over real HTTP: authentication and the manage scope, every
 * route (create, list, get, update, rotate, self-rotate, suspend, resume, revoke, revoke-all, `POST
 * /token`), network rules judged on the socket peer's address, the problem
 * answers (400, 403, 404, 409, 413, 422) and `Cache-Control: no-store`, bodies in odd
 * encodings, raw paths routed as core routes them, repeated `Authorization` lines, a caller
 * that an app-wide `apiKeyAuth` verified on its headers and that is revoked or expired
 * before its body arrives (401, nothing done), keys that ended, a key changing itself, and
 * people signed in through the app's login with the cross-site request forgery rule.
 *
 * Call it at the top level of a test file. `vitest` must be installed (it is an optional
 * peer dependency of `@keyward/core`). Requests that Fetch cannot send (a path sent as
 * given, repeated header lines, a body sent late) go over a socket from `node:net`, reached
 * through `process.getBuiltinModule` (Node ≥ 20.16, Bun, Deno). Throws `TypeError` at once
 * for options it cannot use.
 *
 * @example
 * ```ts
 * import { managementConformance } from '@keyward/core/testing'
 * import { apiKeyAuth, apiKeysRouter } from 'my-adapter'
 *
 * managementConformance({
 *   name: 'my-adapter',
 *   serve(keyward, options, { authenticateFirst }) {
 *     const app = createApp()
 *     if (authenticateFirst) app.use(apiKeyAuth(keyward))
 *     return listen(app.mount('/api-keys', apiKeysRouter(keyward, options)))
 *   },
 *   serveWithPrincipal: (keyward, resolve) =>
 *     listen(createApp().mount('/api-keys', apiKeysRouter(keyward, {
 *       principal: (req) => resolve(req.headers.cookie),
 *     }))),
 * })
 * ```
 */
export function managementConformance(options: ManagementConformanceOptions): void {
  const { name, serve, serveWithPrincipal, checkResponse } = options
  if (typeof name !== 'string' || name === '')
    throw new TypeError('name must be a non-empty string')
  if (typeof serve !== 'function') throw new TypeError('serve must be a function')
  if (typeof serveWithPrincipal !== 'function') {
    throw new TypeError('serveWithPrincipal must be a function')
  }
  if (checkResponse !== undefined && typeof checkResponse !== 'function') {
    throw new TypeError('checkResponse must be a function')
  }
  managementCases(name, serve, checkResponse)
  suspensionCases(name, serve, checkResponse)
  managementPageCases(name, serve, checkResponse)
  managementAuditCases(name, serve, checkResponse)
  managementUsageCases(name, serve, checkResponse)
  selfRotationCases(name, serve, checkResponse)
  principalCases(name, serveWithPrincipal, checkResponse)
}
