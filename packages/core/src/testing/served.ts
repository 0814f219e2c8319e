import type { ManagementApiOptions } from '../http/management/api.js'
import type { Principal } from '../http/principal.js'
import type { Keyward } from '../keyward.js'

/**
 * An app the conformance kit's `serve` functions started: listening over real HTTP on a
 * loopback address, on a port of its own.
 */
export interface ServedApp {
  /** The origin it listens on, e.g. `http://127.0.0.1:53107` (no trailing slash). */
  url: string
  /** Stops listening. The kit calls it after the cases that used the app. */
  close(): Promise<void>
}

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

/** One request of the management conformance cases and its answer, for `checkResponse`. */
export interface CheckedExchange {
  /** The origin of the app that answered, `http://127.0.0.1:<port>` (its `ServedApp.url`). */
  readonly origin: string
  /** The request's method, upper case. */
  readonly method: string
  /** The request's path from the app's root, without query: `/api-keys/key_…/rotate`. */
  readonly path: string
  /** The answer: a copy, so that reading its body takes nothing from the case. */
  readonly response: Response
  /** The options the app's management API was built with (what its document depends on). */
  readonly options: ManagementApiOptions
}

/**
 * Checks one answer of the management conformance cases (against an OpenAPI document, say)
 * and throws, failing the case, when it is wrong.
 */
export type CheckResponse = (exchange: CheckedExchange) => void | Promise<void>
