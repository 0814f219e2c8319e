import { afterAll, beforeAll, describe, it } from 'vitest'
import type { AuthenticateOptions } from '../http/authenticate.js'
import type { GuardFactories } from '../http/guards.js'
import type { Keyward } from '../keyward.js'
import {
  ADAPTER_CASES,
  type AdapterFixture,
  adapterCaseInit,
  type ConformanceScope,
  type CredentialName,
  type Credentials,
  createAdapterFixture,
  expectAdapterCase,
  LOOPBACK_CASES,
  REPEATED_HEADER_CASES,
  type RepeatedHeaderCase,
} from './adapter-cases.js'
import { answerAsResponse, rawHttpRequest } from './lib/raw-http.js'
import type { ServedApp } from './served.js'

/**
 * What a framework adapter exports for authentication, over its middleware type `M`: the
 * names `@keyward/express` and `@keyward/hono` export, so an app switches adapters by its
 * import line.
 */
export interface ConformanceAdapter<M> extends GuardFactories<M> {
  /**
   * The authentication middleware: reads the request's credential, calls core's
   * authenticator (`createAuthenticator(keyward, options)`), attaches the verified key to
   * the request for the handler and the guards, and answers a failure with the error's
   * status, headers and problem+json body (`errorResponse`).
   */
  apiKeyAuth(keyward: Keyward<ConformanceScope>, options: AuthenticateOptions<ConformanceScope>): M
}

/** A route the app under test mounts for {@link adapterConformance}. */
export interface ConformanceRoute<M> {
  /** The route's path, e.g. `/projects/edit`. */
  path: string
  /** The adapter's middleware for the route, to run in this order before its handler. */
  middleware: readonly M[]
}

/** Every route the app under test mounts, as `serve` or `handle` of {@link AdapterConformanceOptions} receive them. */
export type ConformanceRoutes<M> = readonly ConformanceRoute<M>[]

/**
 * Options of {@link adapterConformance}. Give `serve` or `handle`, not both.
 *
 * The app both build mounts every route it is given, for `GET` and `OPTIONS`: the route's
 * middleware in order, then a handler answering 200 with the JSON body `{ apiKey }`, the
 * verified key the adapter attached to the request (or `null` when there is none).
 */
export interface AdapterConformanceOptions<M> {
  /** The adapter's name, in every test title. */
  name: string
  /** The adapter's exports. */
  adapter: ConformanceAdapter<M>
  /**
   * Builds the app, listens over real HTTP on a loopback address (port 0) and resolves once
   * it accepts connections. Runs every case, the raw-socket ones included (these reach
   * `node:net` through `process.getBuiltinModule`: Node ≥ 20.16, Bun, Deno). Called once;
   * the app is closed after the cases.
   */
  serve?: (routes: ConformanceRoutes<M>) => Promise<ServedApp>
  /**
   * Builds the app and returns its fetch handler (Hono's `app.fetch`), called in process
   * with `http://localhost` URLs: for runtimes and frameworks without a server. The
   * {@link REPEATED_HEADER_CASES}, which need a socket, are then left out.
   */
  handle?: (routes: ConformanceRoutes<M>) => (request: Request) => Response | Promise<Response>
}

/** What each route of the app does, as {@link ADAPTER_CASES} expect it. */
interface RouteSpec {
  path: string
  /** `apiKeyAuth` options; absent = no `apiKeyAuth` on the route. */
  auth?: AuthenticateOptions<ConformanceScope>
  /** Authenticate against the instance whose store rejects everything. */
  down?: true
  /** `requireScopes(...)`, built with `createGuards(keyward)` unless `plainGuard`. */
  requireScopes?: [ConformanceScope, ...ConformanceScope[]]
  /** `requireAnyScope(...)`. */
  requireAnyScope?: [ConformanceScope, ...ConformanceScope[]]
  /** Use the plain `requireScopes` export instead of the keyward-bound one. */
  plainGuard?: true
}

const ROUTES: readonly RouteSpec[] = [
  { path: '/whoami', auth: {} },
  { path: '/projects', auth: {}, requireScopes: ['projects:read'] },
  { path: '/projects/edit', auth: {}, requireScopes: ['projects:read', 'projects:write'] },
  { path: '/projects/any', auth: {}, requireAnyScope: ['projects:write', 'api_keys:manage'] },
  { path: '/inline-scopes', auth: { scopes: ['projects:write'] } },
  { path: '/optional', auth: { optional: true } },
  { path: '/optional/guarded', auth: { optional: true }, requireScopes: ['projects:read'] },
  { path: '/x-api-key', auth: { apiKeyHeader: true } },
  { path: '/guard-only', requireScopes: ['projects:read'], plainGuard: true },
  { path: '/plain-guard', auth: {}, requireScopes: ['projects:read'], plainGuard: true },
  { path: '/strict-preflight', auth: { passPreflight: false } },
  { path: '/down', auth: {}, down: true },
]

/** The middleware chain of one route, built from the adapter's exports. */
function routeOf<M>(
  adapter: ConformanceAdapter<M>,
  fixture: AdapterFixture,
  route: RouteSpec,
): ConformanceRoute<M> {
  const guards = route.plainGuard ? adapter : adapter.createGuards(fixture.keyward)
  const middleware: M[] = []
  if (route.auth) {
    middleware.push(adapter.apiKeyAuth(route.down ? fixture.down : fixture.keyward, route.auth))
  }
  if (route.requireScopes) middleware.push(guards.requireScopes(...route.requireScopes))
  if (route.requireAnyScope) middleware.push(guards.requireAnyScope(...route.requireAnyScope))
  return { path: route.path, middleware }
}

/** Sends a {@link REPEATED_HEADER_CASES} case over a raw socket; answers like `fetch` does. */
async function rawCase(
  origin: string,
  testCase: RepeatedHeaderCase,
  credentials: Credentials,
): Promise<Response> {
  const fill = (value: string) =>
    value.replace(/\{(\w+)\}/g, (_, credential: CredentialName) => credentials[credential])
  const answer = await rawHttpRequest({
    origin,
    method: testCase.method ?? 'GET',
    path: testCase.path,
    headers: testCase.lines.map(([name, value]) => [name, fill(value)] as const),
  })
  return answerAsResponse(answer)
}

/**
 * Registers vitest `describe` blocks checking that a framework adapter authenticates as
 * Keyward's own adapters do: one test per case of {@link ADAPTER_CASES} (credentials and
 * their conflicts, the verifier's refusals, scope guards, anonymous access, preflights, a
 * backend that is down, suspended keys and network rules) and, when served over HTTP, of
 * {@link LOOPBACK_CASES} (the adapter must give core the socket peer's address as the client
 * address) and {@link REPEATED_HEADER_CASES}. Each
 * answer is checked by {@link expectAdapterCase}.
 *
 * Call it at the top level of a test file. `vitest` must be installed (it is an optional
 * peer dependency of `@keyward/core`). The instances and keys are
 * {@link createAdapterFixture}'s, built once before the cases and closed after them.
 * Throws `TypeError` at once for options it cannot use.
 *
 * @example
 * ```ts
 * import { adapterConformance } from '@keyward/core/testing'
 * import { apiKeyAuth, createGuards, requireAnyScope, requireScopes } from 'my-adapter'
 *
 * adapterConformance({
 *   name: 'my-adapter',
 *   adapter: { apiKeyAuth, requireScopes, requireAnyScope, createGuards },
 *   serve: async (routes) => {
 *     const app = createApp()
 *     for (const { path, middleware } of routes)
 *       app.on(['GET', 'OPTIONS'], path, ...middleware, (req) => ({ apiKey: req.apiKey ?? null }))
 *     return listen(app) // { url: 'http://127.0.0.1:<port>', close }
 *   },
 * })
 * ```
 */
export function adapterConformance<M>(options: AdapterConformanceOptions<M>): void {
  const { name, adapter, serve, handle } = options
  if (typeof name !== 'string' || name === '')
    throw new TypeError('name must be a non-empty string')
  for (const method of ['apiKeyAuth', 'requireScopes', 'requireAnyScope', 'createGuards']) {
    if (
      typeof (adapter as unknown as Record<string, unknown> | undefined)?.[method] !== 'function'
    ) {
      throw new TypeError(`adapter must have a ${method} function`)
    }
  }
  if ((typeof serve === 'function') === (typeof handle === 'function')) {
    throw new TypeError('serve or handle must be a function, and not both')
  }

  let fixture: AdapterFixture
  let served: ServedApp | undefined
  let fetchCase: (path: string, init: RequestInit) => Promise<Response>
  beforeAll(async () => {
    fixture = await createAdapterFixture()
    const routes = ROUTES.map((route) => routeOf(adapter, fixture, route))
    if (serve) {
      const app = await serve(routes)
      served = app
      fetchCase = (path, init) => fetch(app.url + path, init)
    } else {
      const handler = handle!(routes)
      fetchCase = async (path, init) =>
        handler(new Request(new URL(path, 'http://localhost'), init))
    }
  })
  afterAll(async () => {
    await served?.close()
    await fixture?.keyward.close()
    await fixture?.down.close()
  })

  const over = serve ? 'over HTTP' : 'in process'
  describe(`${name}: adapter conformance ${over}`, () => {
    it.each(ADAPTER_CASES)('$name', async (testCase) => {
      const response = await fetchCase(
        testCase.path,
        adapterCaseInit(testCase, fixture.credentials),
      )
      await expectAdapterCase(testCase, response, fixture)
    })
  })

  if (serve) {
    describe(`${name}: adapter conformance over HTTP, from a loopback peer`, () => {
      it.each(LOOPBACK_CASES)('$name', async (testCase) => {
        const response = await fetchCase(
          testCase.path,
          adapterCaseInit(testCase, fixture.credentials),
        )
        await expectAdapterCase(testCase, response, fixture)
      })
    })
    describe(`${name}: adapter conformance over HTTP, repeated header lines`, () => {
      it.each(REPEATED_HEADER_CASES)('$name', async (testCase) => {
        const response = await rawCase(served!.url, testCase, fixture.credentials)
        await expectAdapterCase(testCase, response, fixture)
      })
    })
  }
}
