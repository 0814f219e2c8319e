/**
 * One table of authentication cases that drives both adapters (`@keyward/express` and
 * `@keyward/hono`), so they cannot drift apart: each adapter's test mounts {@link ROUTES}
 * with its own middleware, sends every case of {@link ADAPTER_CASES} and checks the answer
 * with {@link expectCase}. Not a test file itself.
 */
import {
  type AuthenticateOptions,
  createKeyward,
  defineScopes,
  type GuardFactories,
  generateToken,
  type Keyward,
  type KeywardErrorCode,
  type TokenStore,
} from '@keyward/core'
import { expect } from 'vitest'
import { rawHeadersRequest } from './support/raw-http.js'

export const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'api_keys:manage': 'Manage API keys',
})
export type Scope = (typeof scopes.names)[number]

/** A route every adapter mounts; its handler answers 200 `{ apiKey }` (`null` when anonymous). */
export interface RouteSpec {
  path: string
  /** `apiKeyAuth` options; absent = no `apiKeyAuth` on the route. */
  auth?: AuthenticateOptions<Scope>
  /** Authenticate against the instance whose store rejects everything. */
  down?: true
  /** `requireScopes(...)`, built with `createGuards(keyward)` unless `plainGuard`. */
  requireScopes?: [Scope, ...Scope[]]
  /** `requireAnyScope(...)`. */
  requireAnyScope?: [Scope, ...Scope[]]
  /** Use the plain `requireScopes` export instead of the keyward-bound one. */
  plainGuard?: true
}

export const ROUTES: readonly RouteSpec[] = [
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

/** What each adapter exports for authentication, over its own middleware type `M`. */
export interface AdapterExports<M> extends GuardFactories<M> {
  apiKeyAuth(keyward: Keyward<Scope>, options: AuthenticateOptions<Scope>): M
}

/** The middleware chain of one route of {@link ROUTES}, built from an adapter's exports. */
export function routeChain<M>(
  adapter: AdapterExports<M>,
  fixture: AdapterFixture,
  route: RouteSpec,
): M[] {
  const guards = route.plainGuard ? adapter : adapter.createGuards(fixture.keyward)
  const chain: M[] = []
  if (route.auth)
    chain.push(adapter.apiKeyAuth(route.down ? fixture.down : fixture.keyward, route.auth))
  if (route.requireScopes) chain.push(guards.requireScopes(...route.requireScopes))
  if (route.requireAnyScope) chain.push(guards.requireAnyScope(...route.requireAnyScope))
  return chain
}

/** The credentials a case can name in its headers as `{name}`. */
export type CredentialName =
  | 'reader'
  | 'writer'
  | 'manager'
  | 'expired'
  | 'revoked'
  | 'unknown'
  | 'malformed'
export type Credentials = Record<CredentialName, string>

export interface AdapterFixture {
  /** The instance the routes authenticate against, on an injected clock. */
  keyward: Keyward<Scope>
  /** An instance whose store rejects every call (a backend that is down). */
  down: Keyward<Scope>
  credentials: Credentials
  /** Key id of each credential that has one. */
  keyIds: Partial<Record<CredentialName, string>>
}

const T0 = Date.UTC(2030, 0, 1)

/** A store whose every method rejects, as a store whose backend is unreachable does. */
function unreachableStore(): TokenStore {
  const down = async (): Promise<never> => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:1')
  }
  return {
    findByHash: down,
    get: down,
    listByOwner: down,
    insert: down,
    update: down,
    delete: down,
    touch: down,
  }
}

/** Builds both instances and one key per case: valid, wildcard, expired (clock moved past it), revoked. */
export async function createAdapterFixture(): Promise<AdapterFixture> {
  let clock = T0
  const now = () => clock
  const keyward = createKeyward({ prefix: 'kw_test', scopes, now, onError: () => {} })
  const down = createKeyward({
    prefix: 'kw_test',
    scopes,
    now,
    store: unreachableStore(),
    singleInstance: true,
    onError: () => {},
  })
  const issue = (
    name: string,
    granted: Array<Scope | 'projects:*'>,
    expiresIn: number | string = '30d',
  ) => keyward.keys.create({ name, ownerId: 'org_1', scopes: granted, expiresIn })
  const reader = await issue('reader', ['projects:read'])
  const writer = await issue('writer', ['projects:*'])
  const manager = await issue('manager', ['api_keys:manage'])
  const expired = await issue('expired', ['projects:read'], 60)
  const revoked = await issue('revoked', ['projects:read'])
  await keyward.keys.revoke(revoked.key.id)
  clock += 120_000
  return {
    keyward,
    down,
    credentials: {
      reader: reader.token,
      writer: writer.token,
      manager: manager.token,
      expired: expired.token,
      revoked: revoked.token,
      unknown: generateToken('kw_test'),
      malformed: 'kw_test_notAValidToken',
    },
    keyIds: {
      reader: reader.key.id,
      writer: writer.key.id,
      manager: manager.key.id,
    },
  }
}

export interface AdapterCase {
  name: string
  /** Default `GET`. */
  method?: string
  path: string
  /** Request headers; `{reader}` and the like are replaced by that credential. */
  headers?: Record<string, string>
  status: number
  /** For a 2xx: the credential whose key the handler saw, or `null` for anonymous. */
  apiKey?: CredentialName | null
  /** For an error: the problem's `code`. */
  code?: KeywardErrorCode
  /**
   * The `WWW-Authenticate` answer: `'bare'` is `Bearer realm="api"` and nothing else;
   * `'none'` is no header; else the RFC 6750 `error` (and `scope`) it must carry.
   */
  challenge?:
    | 'bare'
    | 'none'
    | { error: 'invalid_request' | 'invalid_token' | 'insufficient_scope'; scope?: string }
}

const invalidToken = { error: 'invalid_token' } as const
const invalidRequest = { error: 'invalid_request' } as const

export const ADAPTER_CASES: readonly AdapterCase[] = [
  // Which credential, if any
  {
    name: 'no credential → 401, bare challenge',
    path: '/whoami',
    status: 401,
    code: 'missing_token',
    challenge: 'bare',
  },
  {
    name: 'a valid key reaches the handler',
    path: '/whoami',
    headers: { authorization: 'Bearer {reader}' },
    status: 200,
    apiKey: 'reader',
  },
  {
    name: 'the scheme is case-insensitive (bearer)',
    path: '/whoami',
    headers: { authorization: 'bearer {reader}' },
    status: 200,
    apiKey: 'reader',
  },
  {
    name: 'the scheme is case-insensitive (BEARER)',
    path: '/whoami',
    headers: { authorization: 'BEARER {reader}' },
    status: 200,
    apiKey: 'reader',
  },
  {
    name: 'several spaces after the scheme are allowed',
    path: '/whoami',
    headers: { authorization: 'Bearer   {reader}' },
    status: 200,
    apiKey: 'reader',
  },
  {
    name: 'another scheme counts as no credential (RFC 6750 §3.1)',
    path: '/whoami',
    headers: { authorization: 'Basic dXNlcjpwYXNz' },
    status: 401,
    code: 'missing_token',
    challenge: 'bare',
  },
  {
    name: 'Bearer with an empty token → 400',
    path: '/whoami',
    headers: { authorization: 'Bearer' },
    status: 400,
    code: 'invalid_request',
    challenge: invalidRequest,
  },
  {
    name: 'Bearer with characters outside b64token → 400',
    path: '/whoami',
    headers: { authorization: 'Bearer {reader}!' },
    status: 400,
    code: 'invalid_request',
    challenge: invalidRequest,
  },
  {
    name: 'Bearer with two tokens → 400',
    path: '/whoami',
    headers: { authorization: 'Bearer {reader} {writer}' },
    status: 400,
    code: 'invalid_request',
    challenge: invalidRequest,
  },
  {
    name: 'X-API-Key is ignored unless enabled',
    path: '/whoami',
    headers: { 'x-api-key': '{reader}' },
    status: 401,
    code: 'missing_token',
    challenge: 'bare',
  },
  {
    name: 'X-API-Key when enabled',
    path: '/x-api-key',
    headers: { 'x-api-key': '{reader}' },
    status: 200,
    apiKey: 'reader',
  },
  {
    name: 'the same key in both headers',
    path: '/x-api-key',
    headers: { authorization: 'Bearer {reader}', 'x-api-key': '{reader}' },
    status: 200,
    apiKey: 'reader',
  },
  {
    name: 'two different credentials → 400',
    path: '/x-api-key',
    headers: { authorization: 'Bearer {reader}', 'x-api-key': '{writer}' },
    status: 400,
    code: 'invalid_request',
    challenge: invalidRequest,
  },
  {
    name: 'X-API-Key with characters outside b64token → 400',
    path: '/x-api-key',
    headers: { 'x-api-key': '{reader}, {writer}' },
    status: 400,
    code: 'invalid_request',
    challenge: invalidRequest,
  },

  // What the verifier says of the token
  {
    name: 'malformed token → 401 invalid_token',
    path: '/whoami',
    headers: { authorization: 'Bearer {malformed}' },
    status: 401,
    code: 'malformed_token',
    challenge: invalidToken,
  },
  {
    name: 'unknown token → 401 invalid_token',
    path: '/whoami',
    headers: { authorization: 'Bearer {unknown}' },
    status: 401,
    code: 'unknown_token',
    challenge: invalidToken,
  },
  {
    name: 'expired key → 401 invalid_token',
    path: '/whoami',
    headers: { authorization: 'Bearer {expired}' },
    status: 401,
    code: 'expired_token',
    challenge: invalidToken,
  },
  {
    name: 'revoked key → 401 invalid_token',
    path: '/whoami',
    headers: { authorization: 'Bearer {revoked}' },
    status: 401,
    code: 'revoked_token',
    challenge: invalidToken,
  },
  {
    name: 'store unavailable → 503 with Retry-After, no challenge',
    path: '/down',
    headers: { authorization: 'Bearer {unknown}' },
    status: 503,
    code: 'unavailable',
    challenge: 'none',
  },

  // Scopes
  {
    name: 'requireScopes passes with the scope',
    path: '/projects',
    headers: { authorization: 'Bearer {reader}' },
    status: 200,
    apiKey: 'reader',
  },
  {
    name: 'requireScopes lacking one scope → 403 naming all required',
    path: '/projects/edit',
    headers: { authorization: 'Bearer {reader}' },
    status: 403,
    code: 'insufficient_scope',
    challenge: { error: 'insufficient_scope', scope: 'projects:read projects:write' },
  },
  {
    name: 'a wildcard grant satisfies requireScopes',
    path: '/projects/edit',
    headers: { authorization: 'Bearer {writer}' },
    status: 200,
    apiKey: 'writer',
  },
  {
    name: 'requireAnyScope with none of them → 403',
    path: '/projects/any',
    headers: { authorization: 'Bearer {reader}' },
    status: 403,
    code: 'insufficient_scope',
    challenge: { error: 'insufficient_scope', scope: 'projects:write api_keys:manage' },
  },
  {
    name: 'requireAnyScope with one of them',
    path: '/projects/any',
    headers: { authorization: 'Bearer {manager}' },
    status: 200,
    apiKey: 'manager',
  },
  {
    name: 'the scopes option of apiKeyAuth → 403',
    path: '/inline-scopes',
    headers: { authorization: 'Bearer {reader}' },
    status: 403,
    code: 'insufficient_scope',
    challenge: { error: 'insufficient_scope', scope: 'projects:write' },
  },
  {
    name: 'the plain requireScopes export refuses too',
    path: '/plain-guard',
    headers: { authorization: 'Bearer {manager}' },
    status: 403,
    code: 'insufficient_scope',
    challenge: { error: 'insufficient_scope', scope: 'projects:read' },
  },
  {
    name: 'a guard without apiKeyAuth → 401, never a pass',
    path: '/guard-only',
    headers: { authorization: 'Bearer {reader}' },
    status: 401,
    code: 'missing_token',
    challenge: 'bare',
  },

  // Anonymous access
  { name: 'optional: no credential → anonymous', path: '/optional', status: 200, apiKey: null },
  {
    name: 'optional: a valid key is still set',
    path: '/optional',
    headers: { authorization: 'Bearer {reader}' },
    status: 200,
    apiKey: 'reader',
  },
  {
    name: 'optional: a bad key is still refused',
    path: '/optional',
    headers: { authorization: 'Bearer {revoked}' },
    status: 401,
    code: 'revoked_token',
    challenge: invalidToken,
  },
  {
    name: 'optional: a guard refuses the anonymous',
    path: '/optional/guarded',
    status: 401,
    code: 'missing_token',
    challenge: 'bare',
  },
  {
    name: 'a CORS preflight passes without credential',
    method: 'OPTIONS',
    path: '/whoami',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    status: 200,
    apiKey: null,
  },
  {
    name: 'OPTIONS that is not a preflight is authenticated',
    method: 'OPTIONS',
    path: '/whoami',
    status: 401,
    code: 'missing_token',
    challenge: 'bare',
  },
  {
    name: 'passPreflight: false authenticates preflights',
    method: 'OPTIONS',
    path: '/strict-preflight',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    status: 401,
    code: 'missing_token',
    challenge: 'bare',
  },
]

/**
 * Cases whose header lines repeat a name. Fetch and Node's client would merge or refuse them,
 * and Node's server keeps only the first `Authorization` in `req.headers`, so they are sent
 * over a raw socket ({@link rawCase}) to every adapter that serves real HTTP.
 */
export const REPEATED_HEADER_CASES: readonly (AdapterCase & {
  lines: readonly (readonly [string, string])[]
})[] = [
  {
    name: 'two Authorization headers, different keys → 400',
    path: '/whoami',
    lines: [
      ['authorization', 'Bearer {reader}'],
      ['authorization', 'Bearer {writer}'],
    ],
    status: 400,
    code: 'invalid_request',
    challenge: invalidRequest,
  },
  {
    name: 'the same Authorization header twice → 400',
    path: '/whoami',
    lines: [
      ['authorization', 'Bearer {reader}'],
      ['authorization', 'Bearer {reader}'],
    ],
    status: 400,
    code: 'invalid_request',
    challenge: invalidRequest,
  },
  {
    name: 'a valid Authorization after an invalid one → 400',
    path: '/whoami',
    lines: [
      ['authorization', 'Bearer {unknown}'],
      ['authorization', 'Bearer {reader}'],
    ],
    status: 400,
    code: 'invalid_request',
    challenge: invalidRequest,
  },
  {
    name: 'two X-API-Key headers → 400',
    path: '/x-api-key',
    lines: [
      ['x-api-key', '{reader}'],
      ['x-api-key', '{writer}'],
    ],
    status: 400,
    code: 'invalid_request',
    challenge: invalidRequest,
  },
]

/** Sends a {@link REPEATED_HEADER_CASES} case over a raw socket; answers like `fetch` does. */
export async function rawCase(
  base: string,
  testCase: (typeof REPEATED_HEADER_CASES)[number],
  credentials: Credentials,
): Promise<Response> {
  const fill = (value: string) =>
    value.replace(/\{(\w+)\}/g, (_, credential: CredentialName) => credentials[credential])
  const answer = await rawHeadersRequest(
    base,
    testCase.method ?? 'GET',
    testCase.path,
    testCase.lines.map(([name, value]) => [name, fill(value)] as const),
  )
  const headers = new Headers()
  for (const [name, value] of Object.entries(answer.headers)) headers.set(name, value)
  return new Response(answer.text, { status: answer.status, headers })
}

/** The `fetch` init of a case, credentials filled in. */
export function requestInit(testCase: AdapterCase, credentials: Credentials): RequestInit {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(testCase.headers ?? {})) {
    headers[name] = value.replace(
      /\{(\w+)\}/g,
      (_, credential: CredentialName) => credentials[credential],
    )
  }
  return { method: testCase.method ?? 'GET', headers }
}

/** Asserts what a user of the adapter would see for `testCase`. */
export async function expectCase(
  testCase: AdapterCase,
  response: Response,
  fixture: AdapterFixture,
): Promise<void> {
  const text = await response.text()
  expect(response.status, text).toBe(testCase.status)
  // A token is never echoed back, in a header or the body.
  for (const token of Object.values(fixture.credentials)) {
    expect(text).not.toContain(token)
    expect(response.headers.get('www-authenticate') ?? '').not.toContain(token)
  }
  if (testCase.status < 300) {
    const { apiKey } = JSON.parse(text) as { apiKey: { id: string; scopes: string[] } | null }
    if (testCase.apiKey === null) expect(apiKey).toBeNull()
    else expect(apiKey?.id).toBe(fixture.keyIds[testCase.apiKey!])
    return
  }
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json\b/)
  const problem = JSON.parse(text) as Record<string, unknown>
  expect(problem).toMatchObject({ status: testCase.status, code: testCase.code })
  expect(problem.type).toEqual(expect.any(String))
  expect(problem.title).toEqual(expect.any(String))
  expect(problem.detail).toEqual(expect.any(String))

  const challenge = response.headers.get('www-authenticate')
  if (testCase.challenge === 'none') expect(challenge).toBeNull()
  else if (testCase.challenge === 'bare') expect(challenge).toBe('Bearer realm="api"')
  else if (testCase.challenge !== undefined) {
    expect(challenge).toMatch(/^Bearer realm="api", /)
    expect(challenge).toContain(`error="${testCase.challenge.error}"`)
    if (testCase.challenge.error !== 'insufficient_scope')
      expect(challenge).toMatch(/error_description="[^"]+"/)
    if (testCase.challenge.scope !== undefined)
      expect(challenge).toContain(`scope="${testCase.challenge.scope}"`)
  }
  if (testCase.status === 503) expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
  else expect(response.headers.get('retry-after')).toBeNull()
}

/**
 * Serves a fetch handler (a Hono app's `app.fetch`) over real HTTP on 127.0.0.1 through
 * `@hono/node-server`, on a free port. Kept here because that server is a dependency of the
 * integration workspace, not of the adapters.
 */
export async function serveFetch(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const { serve } = await import('@hono/node-server')
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) =>
            server.close((error) => (error ? fail(error) : done())),
          ),
      })
    })
  })
}
