import { Hono } from 'hono'
import { describe, it } from 'vitest'
import {
  answerOf,
  createLimitFixture,
  createLimitRemovalFixture,
  expectLimitCases,
  expectLimitRemovalCases,
  requestInit,
} from '../../../test/adapter-limits.js'
import { type ApiKeyVariables, apiKeyAuth, apiKeyRoutes, requireScopes } from './index.js'

describe('Hono: rate limits and credits', () => {
  it('answers 429 with Retry-After and RateLimit headers, and sets them on every answer of a limited key', async () => {
    const fixture = await createLimitFixture()
    const app = new Hono<{ Variables: ApiKeyVariables }>()
    app.use('*', apiKeyAuth(fixture.keyward))
    app.get('/cheap', (c) => c.json({ ok: true }))
    app.get('/reports', requireScopes('reports:run', { cost: 5 }), (c) => c.json({ ok: true }))
    app.get('/admin', requireScopes('projects:write'), (c) => c.json({ ok: true }))
    await expectLimitCases(fixture, async (path, token) =>
      answerOf(await app.request(path, requestInit('GET', token))),
    )
  })

  it('PATCH /api-keys/:id with credits or rateLimits null removes them; the defaults apply again', async () => {
    const fixture = await createLimitRemovalFixture()
    const app = new Hono<{ Variables: ApiKeyVariables }>()
    app.route('/api-keys', apiKeyRoutes(fixture.keyward))
    app.use('*', apiKeyAuth(fixture.keyward))
    app.get('/cheap', (c) => c.json({ ok: true }))
    await expectLimitRemovalCases(fixture, async (method, path, token, body) =>
      answerOf(await app.request(path, requestInit(method, token, body))),
    )
  })
})
