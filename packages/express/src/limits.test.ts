import type { AddressInfo } from 'node:net'
import express, { type Express } from 'express'
import { describe, it } from 'vitest'
import {
  answerOf,
  createLimitFixture,
  createLimitRemovalFixture,
  expectLimitCases,
  expectLimitRemovalCases,
  requestInit,
} from '../../../test/adapter-limits.js'
import { apiKeyAuth, apiKeysRouter, requireScopes } from './index.js'

/** Serves `app` on 127.0.0.1 while `run` uses its base URL. */
async function served(app: Express, run: (base: string) => Promise<void>): Promise<void> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  try {
    await run(`http://127.0.0.1:${port}`)
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
}

describe('Express: rate limits and credits', () => {
  it('answers 429 with Retry-After and RateLimit headers, and sets them on every answer of a limited key', async () => {
    const fixture = await createLimitFixture()
    const app = express()
    app.use(apiKeyAuth(fixture.keyward))
    app.get('/cheap', (_req, res) => {
      res.json({ ok: true })
    })
    app.get('/reports', requireScopes('reports:run', { cost: 5 }), (_req, res) => {
      res.json({ ok: true })
    })
    app.get('/admin', requireScopes('projects:write'), (_req, res) => {
      res.json({ ok: true })
    })
    await served(app, (base) =>
      expectLimitCases(fixture, async (path, token) =>
        answerOf(await fetch(`${base}${path}`, requestInit('GET', token))),
      ),
    )
  })

  it('PATCH /api-keys/:id with credits or rateLimits null removes them; the defaults apply again', async () => {
    const fixture = await createLimitRemovalFixture()
    const app = express()
    app.use('/api-keys', apiKeysRouter(fixture.keyward))
    app.use(apiKeyAuth(fixture.keyward))
    app.get('/cheap', (_req, res) => {
      res.json({ ok: true })
    })
    await served(app, (base) =>
      expectLimitRemovalCases(fixture, async (method, path, token, body) =>
        answerOf(await fetch(`${base}${path}`, requestInit(method, token, body))),
      ),
    )
  })
})
