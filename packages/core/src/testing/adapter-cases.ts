/**
 * The adapter case table: requests and the answers every framework adapter of Keyward gives
 * alike, the keys they are sent with, and the check of an answer. {@link adapterConformance}
 * runs them all against an adapter; they are exported to run a subset elsewhere (another
 * runtime, a hand-built app).
 */

import { expect } from 'vitest'
import type { KeywardErrorCode } from '../errors.js'
import { createKeyward, type Keyward } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import { generateToken } from '../token/token.js'
import type { TokenStore } from '../types.js'

/** The scope catalog of the fixture's instances. */
export const conformanceScopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'api_keys:manage': 'Manage API keys',
})
/** A scope of {@link conformanceScopes}. */
export type ConformanceScope = (typeof conformanceScopes.names)[number]

/** The credentials a case can name in its headers as `{name}`; see {@link AdapterFixture}. */
export type CredentialName =
  | 'reader'
  | 'writer'
  | 'manager'
  | 'expired'
  | 'revoked'
  | 'suspended'
  | 'nearby'
  | 'faraway'
  | 'unknown'
  | 'malformed'
/** Each credential of an {@link AdapterFixture}: a token, or a string that is not one. */
export type Credentials = Record<CredentialName, string>

/**
 * The instances and keys the adapter cases run against: `reader` holds `projects:read`,
 * `writer` the wildcard `projects:*`, `manager` `api_keys:manage`; `expired` is past its
 * expiry on the fixture's clock, `revoked` is revoked, `suspended` is suspended, `nearby` may
 * be used from loopback addresses only (`127.0.0.0/8`, `::1`) and `faraway` from `10.0.0.0/8`
 * only (so never from a test on this machine), `unknown` is a well-formed token of
 * no key and `malformed` fails the checksum.
 */
export interface AdapterFixture {
  /** The instance the routes authenticate against, on an injected clock. */
  keyward: Keyward<ConformanceScope>
  /** An instance whose store rejects every call (a backend that is down). */
  down: Keyward<ConformanceScope>
  /** Each credential's token (or non-token). */
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

/**
 * Builds both instances and one key per credential: valid, wildcard, expired (the injected
 * clock moved past it), revoked. Close `keyward` and `down` when done.
 */
export async function createAdapterFixture(): Promise<AdapterFixture> {
  let clock = T0
  const now = () => clock
  const keyward = createKeyward({
    prefix: 'kw_test',
    scopes: conformanceScopes,
    now,
    onError: () => {},
  })
  const down = createKeyward({
    prefix: 'kw_test',
    scopes: conformanceScopes,
    now,
    store: unreachableStore(),
    singleInstance: true,
    onError: () => {},
  })
  const issue = (
    name: string,
    granted: Array<ConformanceScope | 'projects:*'>,
    expiresIn: number | string = '30d',
  ) => keyward.keys.create({ name, ownerId: 'org_1', scopes: granted, expiresIn })
  const reader = await issue('reader', ['projects:read'])
  const writer = await issue('writer', ['projects:*'])
  const manager = await issue('manager', ['api_keys:manage'])
  const expired = await issue('expired', ['projects:read'], 60)
  const revoked = await issue('revoked', ['projects:read'])
  await keyward.keys.revoke(revoked.key.id)
  const suspended = await issue('suspended', ['projects:read'])
  await keyward.keys.suspend(suspended.key.id, { reason: 'Conformance' })
  const within = (name: string, allowedIps: string[]) =>
    keyward.keys.create({
      name,
      ownerId: 'org_1',
      scopes: ['projects:read'],
      expiresIn: '30d',
      allowedIps,
    })
  const nearby = await within('nearby', ['127.0.0.0/8', '::1'])
  const faraway = await within('faraway', ['10.0.0.0/8'])
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
      suspended: suspended.token,
      nearby: nearby.token,
      faraway: faraway.token,
      unknown: generateToken('kw_test'),
      malformed: 'kw_test_notAValidToken',
    },
    keyIds: {
      reader: reader.key.id,
      writer: writer.key.id,
      manager: manager.key.id,
      nearby: nearby.key.id,
    },
  }
}

/** One request of the adapter table and the answer a conforming adapter gives. */
export interface AdapterCase {
  /** The test's title. */
  name: string
  /** Default `GET`. */
  method?: string
  /** One of the paths {@link adapterConformance} mounts. */
  path: string
  /** Request headers; `{reader}` and the like are replaced by that credential. */
  headers?: Record<string, string>
  /** The answer's status. */
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

/**
 * The authentication cases every adapter answers alike: which credential is read and how
 * (schemes, `X-API-Key`, conflicts), what the verifier says of it, scope guards, anonymous
 * access and CORS preflights, and a backend that is down.
 */
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
    name: 'suspended key → 401 suspended_token, invalid_token challenge',
    path: '/whoami',
    headers: { authorization: 'Bearer {suspended}' },
    status: 401,
    code: 'suspended_token',
    challenge: invalidToken,
  },
  {
    name: 'a key used from outside its allowedIps → 403 ip_not_allowed, no challenge',
    path: '/whoami',
    headers: { authorization: 'Bearer {faraway}' },
    status: 403,
    code: 'ip_not_allowed',
    challenge: 'none',
  },
  {
    name: 'a key outside its allowedIps is refused before its scopes are judged',
    path: '/inline-scopes',
    headers: { authorization: 'Bearer {faraway}' },
    status: 403,
    code: 'ip_not_allowed',
    challenge: 'none',
  },
  {
    name: 'a suspended key is refused before its scopes are judged',
    path: '/inline-scopes',
    headers: { authorization: 'Bearer {suspended}' },
    status: 401,
    code: 'suspended_token',
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

/** An {@link AdapterCase} whose header lines are written to the socket as given. */
export interface RepeatedHeaderCase extends AdapterCase {
  /** Header lines in order, a name repeated; `{reader}` and the like are replaced by that credential. */
  lines: readonly (readonly [string, string])[]
}

/**
 * Cases whose header lines repeat a name. Fetch and Node's client would merge or refuse them,
 * and Node's server keeps only the first `Authorization` in `req.headers`, so they are sent
 * over a raw socket to every adapter that serves real HTTP.
 */
export const REPEATED_HEADER_CASES: readonly RepeatedHeaderCase[] = [
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

/**
 * Cases that need the request to come from a socket on this machine (so over HTTP only):
 * the adapter gives core the peer's loopback address (`127.0.0.1`, `::ffff:127.0.0.1` or
 * `::1`) as the client address, with no proxy trusted.
 */
export const LOOPBACK_CASES: readonly AdapterCase[] = [
  {
    name: 'a key allowed loopback addresses reaches the handler from a loopback peer',
    path: '/whoami',
    headers: { authorization: 'Bearer {nearby}' },
    status: 200,
    apiKey: 'nearby',
  },
  {
    name: 'X-Forwarded-For naming an allowed network changes nothing without a trusted proxy',
    path: '/whoami',
    headers: { authorization: 'Bearer {faraway}', 'x-forwarded-for': '10.1.2.3' },
    status: 403,
    code: 'ip_not_allowed',
    challenge: 'none',
  },
  {
    name: 'Forwarded naming an allowed network changes nothing without a trusted proxy',
    path: '/whoami',
    headers: { authorization: 'Bearer {faraway}', forwarded: 'for=10.1.2.3' },
    status: 403,
    code: 'ip_not_allowed',
    challenge: 'none',
  },
]

/** The `fetch` init of `testCase`, its `{credential}` placeholders filled in from `credentials`. */
export function adapterCaseInit(testCase: AdapterCase, credentials: Credentials): RequestInit {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(testCase.headers ?? {})) {
    headers[name] = value.replace(
      /\{(\w+)\}/g,
      (_, credential: CredentialName) => credentials[credential],
    )
  }
  return { method: testCase.method ?? 'GET', headers }
}

/**
 * Asserts what a user of the adapter sees for `testCase` in `response` (through vitest's
 * `expect`): the status; no token echoed in the body or `WWW-Authenticate`; for a success,
 * the JSON body `{ apiKey }` naming the expected key (or `null`); for a failure, a
 * problem+json body with the case's `code`, the RFC 6750 challenge the case names, and
 * `Retry-After` on a 503 only.
 */
export async function expectAdapterCase(
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
