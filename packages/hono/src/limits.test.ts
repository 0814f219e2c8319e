import { Hono } from 'hono'
import { describe, it } from 'vitest'
import { createLimitFixture, expectLimitCases } from '../../../test/adapter-limits.js'
import { type ApiKeyVariables, apiKeyAuth, requireScopes } from './index.js'

describe('Hono: rate limits and credits', () => {
  it('answers 429 with Retry-After and RateLimit headers, and sets them on every answer of a limited key', async () => {
    const fixture = await createLimitFixture()
    const app = new Hono<{ Variables: ApiKeyVariables }>()
    app.use('*', apiKeyAuth(fixture.keyward))
    app.get('/cheap', (c) => c.json({ ok: true }))
    app.get('/reports', requireScopes('reports:run', { cost: 5 }), (c) => c.json({ ok: true }))
    app.get('/admin', requireScopes('projects:write'), (c) => c.json({ ok: true }))
    await expectLimitCases(fixture, async (path, token) => {
      const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } })
      return {
        status: response.status,
        headers: response.headers,
        body: (await response.json()) as Record<string, unknown>,
      }
    })
  })
})
