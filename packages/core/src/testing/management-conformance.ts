import type { ManagementApiOptions, Principal } from '../http/management/api.js'
import type { Keyward } from '../keyward.js'
import { managementCases } from './lib/management-cases.js'
import { principalCases } from './lib/principal-cases.js'
import type { ServedApp } from './served.js'

/** How the app a {@link ServeManagement} builds is put together, besides the API's own options. */
export interface ManagementApp {
  /**
   * Mount the adapter's `apiKeyAuth(keyward)` app-wide, in front of the management API, as an
   * app that protects all its routes does: the caller is then verified as soon as its headers
   * arrive, the API reuses that key and must re-check it once the body has arrived (DESIGN.md,
   * "Guarantees of revocation"). The cases whose caller changes between its headers and its
   * body ask for it, and fail unless the caller was verified before its body was sent.
   * `false`: the management API alone, authenticating the caller itself.
   */
  authenticateFirst: boolean
}

/**
 * Serves `keyward`'s management API, built by the adapter with `options`, at `/api-keys`
 * over real HTTP on a loopback address (port 0), and resolves once it accepts connections;
 * `app` says what else the app mounts. The app must hand the request on as its body streams
 * in, not after buffering it: the cases change the caller between its headers and its body.
 * Called once per test; the kit closes the app after the test.
 */
export type ServeManagement = (
  keyward: Keyward<string>,
  options: ManagementApiOptions,
  app: ManagementApp,
) => Promise<ServedApp>

/**
 * Like {@link ServeManagement}, with the adapter's `principal` option resolving the caller
 * from the request's `Cookie` header through `resolve` (`undefined` when the request has
 * none), as an app's own login would from its session cookie.
 */
export type ServeManagementWithPrincipal = (
  keyward: Keyward<string>,
  resolve: (cookie: string | undefined) => Principal | undefined,
) => Promise<ServedApp>

/** Options of {@link managementConformance}. */
export interface ManagementConformanceOptions {
  /** The adapter's name, in every test title. */
  name: string
  /** Serves the management API for the API-key cases, behind `apiKeyAuth` when they ask. */
  serve: ServeManagement
  /** Serves it with a `principal` resolver, for the signed-in-person (and CSRF) cases. */
  serveWithPrincipal: ServeManagementWithPrincipal
}

/**
 * Registers vitest `describe` blocks checking that an adapter's management REST API answers
 * as Keyward's own adapters do, over real HTTP: authentication and the manage scope, every
 * route (create, list, get, update, rotate, revoke, revoke-all, `POST /token`), the problem
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
  const { name, serve, serveWithPrincipal } = options
  if (typeof name !== 'string' || name === '')
    throw new TypeError('name must be a non-empty string')
  if (typeof serve !== 'function') throw new TypeError('serve must be a function')
  if (typeof serveWithPrincipal !== 'function') {
    throw new TypeError('serveWithPrincipal must be a function')
  }
  managementCases(name, serve)
  principalCases(name, serveWithPrincipal)
}
