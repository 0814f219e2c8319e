import { createKeyward, defineScopes, type Keyward } from '@keyward/core'
import { expect } from 'vitest'

/**
 * The rate-limit and credit cases both adapters must answer alike: an app with `apiKeyAuth`
 * everywhere, `GET /cheap` (no guard), `GET /reports` (`requireScopes('reports:run', { cost: 5 })`)
 * and `GET /admin` (`requireScopes('projects:write')`), on a fixed clock 15 s into a minute.
 */
export const LIMIT_ROUTES = ['/cheap', '/reports', '/admin'] as const

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Change projects',
  'reports:run': 'Run reports',
})

export interface LimitFixture {
  keyward: Keyward<string>
  metered: string
  strict: string
  unlimited: string
}

export async function createLimitFixture(): Promise<LimitFixture> {
  const at = Date.UTC(2026, 10, 26) + 15_000
  const keyward = createKeyward<string>({ prefix: 'kw_test', scopes, now: () => at })
  const base = { ownerId: 'org_1', scopes: ['projects:read', 'reports:run'], expiresIn: '1d' }
  const metered = await keyward.keys.create({
    ...base,
    name: 'metered',
    rateLimits: [{ name: 'default', limit: 20, window: '1m' }],
    credits: { remaining: 7 },
  })
  const strict = await keyward.keys.create({
    ...base,
    name: 'strict',
    rateLimits: [{ name: 'default', limit: 1, window: '1m' }],
  })
  const unlimited = await keyward.keys.create({ ...base, name: 'unlimited' })
  return { keyward, metered: metered.token, strict: strict.token, unlimited: unlimited.token }
}

/** What a test client sees of an answer. */
export interface Answer {
  status: number
  headers: Headers
  body: Record<string, unknown>
}

/** What {@link expectLimitCases} and {@link expectLimitRemovalCases} read of a `fetch` answer. */
export async function answerOf(response: Response): Promise<Answer> {
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  }
}

/** A request with `token` as its Bearer credential, and `body` (if any) as JSON. */
export function requestInit(method: string, token: string, body?: unknown): RequestInit {
  return {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }
}

const POLICY = '"default";q=20;w=60, "credits";q=7'

/** Runs every case through `request(path, token)`. */
export async function expectLimitCases(
  fixture: LimitFixture,
  request: (path: string, token: string) => Promise<Answer>,
): Promise<void> {
  const { metered, strict, unlimited } = fixture
  let answer = await request('/cheap', metered)
  expect(answer.status).toBe(200)
  expect(answer.headers.get('ratelimit-policy')).toBe(POLICY)
  expect(answer.headers.get('ratelimit')).toBe('"default";r=19;t=45, "credits";r=6')

  // Refused for its scope: costs nothing, still says the policy.
  answer = await request('/admin', metered)
  expect(answer.status).toBe(403)
  expect(answer.headers.get('ratelimit-policy')).toBe(POLICY)

  // The route's cost (5) is charged once, after its scope check.
  answer = await request('/reports', metered)
  expect(answer.status).toBe(200)
  expect(answer.headers.get('ratelimit')).toBe('"default";r=14;t=45, "credits";r=1')

  // Not enough credits for the route: 429, its own code, and nothing charged.
  answer = await request('/reports', metered)
  expect(answer.status).toBe(429)
  expect(answer.body.code).toBe('usage_exceeded')
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  expect(answer.headers.get('retry-after')).toBeNull()
  expect(answer.headers.get('ratelimit-policy')).toBe(POLICY)

  answer = await request('/cheap', metered)
  expect(answer.status).toBe(200)
  expect(answer.headers.get('ratelimit')).toBe('"default";r=13;t=45, "credits";r=0')

  answer = await request('/cheap', strict)
  expect(answer.status).toBe(200)
  answer = await request('/cheap', strict)
  expect(answer.status).toBe(429)
  expect(answer.body).toMatchObject({ code: 'rate_limited', status: 429 })
  expect(answer.headers.get('retry-after')).toBe('45')
  expect(answer.headers.get('ratelimit-policy')).toBe('"default";q=1;w=60')
  expect(answer.headers.get('ratelimit')).toBe('"default";r=0;t=45')
  expect(answer.headers.get('www-authenticate')).toBeNull()

  answer = await request('/cheap', unlimited)
  expect(answer.status).toBe(200)
  expect(answer.headers.get('ratelimit-policy')).toBeNull()
  expect(answer.headers.get('ratelimit')).toBeNull()
}

/**
 * For the cases of removing limits through the management API: a deployment default of 10
 * per hour, a manager key, and a key with its own limit (3 per minute) and 5 credits. The
 * app serves the management API at `/api-keys` and `GET /cheap` behind `apiKeyAuth`.
 */
export interface LimitRemovalFixture {
  keyward: Keyward<string>
  manager: string
  limited: { id: string; token: string }
}

export async function createLimitRemovalFixture(): Promise<LimitRemovalFixture> {
  const at = Date.UTC(2026, 10, 26) + 15_000
  const keyward = createKeyward<string>({
    prefix: 'kw_test',
    scopes: manageScopes,
    now: () => at,
    rateLimits: [{ name: 'hourly', limit: 10, window: '1h' }],
  })
  const base = { ownerId: 'org_1', expiresIn: '1d' }
  const manager = await keyward.keys.create({
    ...base,
    name: 'manager',
    scopes: ['api_keys:manage', 'projects:read'],
    rateLimits: [],
  })
  const limited = await keyward.keys.create({
    ...base,
    name: 'limited',
    scopes: ['api_keys:manage', 'projects:read'],
    rateLimits: [{ name: 'own', limit: 3, window: '1m' }],
    credits: { remaining: 5 },
  })
  return {
    keyward,
    manager: manager.token,
    limited: { id: limited.key.id, token: limited.token },
  }
}

const manageScopes = defineScopes({
  'projects:read': 'Read projects',
  'api_keys:manage': 'Manage API keys',
})

/**
 * Runs the removal cases through `request`, which sends `body` (if any) as JSON with the
 * token as a Bearer credential.
 */
export async function expectLimitRemovalCases(
  fixture: LimitRemovalFixture,
  request: (method: string, path: string, token: string, body?: unknown) => Promise<Answer>,
): Promise<void> {
  const { manager, limited } = fixture
  const patch = (body: unknown, token = manager) =>
    request('PATCH', `/api-keys/${limited.id}`, token, body)
  const policyOf = async () =>
    (await request('GET', '/cheap', limited.token)).headers.get('ratelimit-policy')

  expect(await policyOf()).toBe('"own";q=3;w=60, "credits";q=5')

  // A key never changes its own limits, taking them away included.
  let answer = await patch({ credits: null }, limited.token)
  expect(answer.status).toBe(403)
  expect(answer.body.code).toBe('forbidden')
  expect(await policyOf()).toBe('"own";q=3;w=60, "credits";q=5')

  for (const [field, value] of [
    ['credits', 'none'],
    ['rateLimits', {}],
    ['rateLimits', false],
  ] as const) {
    answer = await patch({ [field]: value })
    expect(answer.status).toBe(422)
    expect(answer.body).toMatchObject({ code: 'invalid_argument', field })
  }

  answer = await patch({ credits: null })
  expect(answer.status).toBe(200)
  expect(answer.body).not.toHaveProperty('credits')
  expect(answer.body.rateLimits).toEqual([{ name: 'own', limit: 3, window: 60 }])
  expect(await policyOf()).toBe('"own";q=3;w=60')

  // Back to the deployment defaults.
  answer = await patch({ rateLimits: null })
  expect(answer.status).toBe(200)
  expect(answer.body).not.toHaveProperty('rateLimits')
  expect(answer.body).not.toHaveProperty('credits')
  expect(await policyOf()).toBe('"hourly";q=10;w=3600')

  // An empty array is not the same: no limits at all, whatever the defaults.
  answer = await patch({ rateLimits: [] })
  expect(answer.status).toBe(200)
  expect(answer.body.rateLimits).toEqual([])
  expect(await policyOf()).toBeNull()

  answer = await request('GET', `/api-keys/${limited.id}`, manager)
  expect(answer.status).toBe(200)
  expect(answer.body.rateLimits).toEqual([])
  expect(answer.body).not.toHaveProperty('credits')
}
