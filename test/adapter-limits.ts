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
