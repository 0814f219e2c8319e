import type { AddressInfo } from 'node:net'
import express from 'express'
import { describe, it } from 'vitest'
import {
  createLimitFixture,
  createLimitRemovalFixture,
  expectLimitCases,
  expectLimitRemovalCases,
} from '../../../test/adapter-limits.js'
import { apiKeyAuth, apiKeysRouter, requireScopes } from './index.js'

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
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    const { port } = server.address() as AddressInfo
    try {
      await expectLimitCases(fixture, async (path, token) => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, {
          headers: { authorization: `Bearer ${token}` },
        })
        return {
          status: response.status,
          headers: response.headers,
          body: (await response.json()) as Record<string, unknown>,
        }
      })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('PATCH /api-keys/:id with credits or rateLimits null removes them; the defaults apply again', async () => {
    const fixture = await createLimitRemovalFixture()
    const app = express()
    app.use('/api-keys', apiKeysRouter(fixture.keyward))
    app.use(apiKeyAuth(fixture.keyward))
    app.get('/cheap', (_req, res) => {
      res.json({ ok: true })
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    const { port } = server.address() as AddressInfo
    try {
      await expectLimitRemovalCases(fixture, async (method, path, token, body) => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
        return {
          status: response.status,
          headers: response.headers,
          body: (await response.json()) as Record<string, unknown>,
        }
      })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
