import Fastify, { type FastifyInstance } from 'fastify'
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
async function served(app: FastifyInstance, run: (base: string) => Promise<void>): Promise<void> {
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  try {
    await run(base)
  } finally {
    await app.close()
  }
}

describe('Fastify: rate limits and credits', () => {
  it('answers 429 with Retry-After and RateLimit headers, and sets them on every answer of a limited key', async () => {
    const fixture = await createLimitFixture()
    const app = Fastify()
    app.addHook('onRequest', apiKeyAuth(fixture.keyward))
    app.get('/cheap', async () => ({ ok: true }))
    app.get('/reports', { preHandler: requireScopes('reports:run', { cost: 5 }) }, async () => ({
      ok: true,
    }))
    app.get('/admin', { preHandler: requireScopes('projects:write') }, async () => ({ ok: true }))
    await served(app, (base) =>
      expectLimitCases(fixture, async (path, token) =>
        answerOf(await fetch(`${base}${path}`, requestInit('GET', token))),
      ),
    )
  })

  it('PATCH /api-keys/:id with credits or rateLimits null removes them; the defaults apply again', async () => {
    const fixture = await createLimitRemovalFixture()
    const app = Fastify()
    app.register(apiKeysRouter(fixture.keyward), { prefix: '/api-keys' })
    app.register(async (api) => {
      api.addHook('onRequest', apiKeyAuth(fixture.keyward))
      api.get('/cheap', async () => ({ ok: true }))
    })
    await served(app, (base) =>
      expectLimitRemovalCases(fixture, async (method, path, token, body) =>
        answerOf(await fetch(`${base}${path}`, requestInit(method, token, body))),
      ),
    )
  })
})
