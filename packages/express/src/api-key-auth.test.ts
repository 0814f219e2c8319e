import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type AdapterFixture,
  adapterConformance,
  type ConformanceRoutes,
  createAdapterFixture,
} from '@keyward/core/testing'
import express, { type RequestHandler } from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiKeyAuth,
  createGuards,
  keywardErrorHandler,
  requireAnyScope,
  requireScopes,
} from './index.js'

function buildApp(routes: ConformanceRoutes<RequestHandler>): express.Express {
  const app = express()
  for (const { path, middleware } of routes) {
    app.all(path, ...middleware, (req, res) => {
      res.json({ apiKey: req.apiKey ?? null })
    })
  }
  return app
}

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

adapterConformance({
  name: 'Express apiKeyAuth',
  adapter: { apiKeyAuth, requireScopes, requireAnyScope, createGuards },
  serve: async (routes) => {
    const { url, server } = await listen(buildApp(routes))
    return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
  },
})

let fixture: AdapterFixture

beforeAll(async () => {
  fixture = await createAdapterFixture()
})
afterAll(async () => {
  await fixture.keyward.close()
  await fixture.down.close()
})

describe('apiKeyAuth({ passErrors: true })', () => {
  it('hands KeywardErrors to next(err); keywardErrorHandler renders them and passes others on', async () => {
    const app = express()
    const seen: string[] = []
    app.get('/boom', (_req, _res, next) => next(new Error('not ours')))
    app.use(apiKeyAuth(fixture.keyward, { passErrors: true }), requireScopes('projects:write'))
    app.get('/projects', (req, res) => {
      res.json({ apiKey: req.apiKey ?? null })
    })
    app.use(((error, _req, _res, next) => {
      seen.push(error.code ?? error.message)
      next(error)
    }) as express.ErrorRequestHandler)
    app.use(keywardErrorHandler())
    app.use(((_error, _req, res, _next) => {
      res.status(500).json({ handledBy: 'app' })
    }) as express.ErrorRequestHandler)
    const served = await listen(app)
    try {
      const missing = await fetch(`${served.url}/projects`)
      expect(missing.status).toBe(401)
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"')
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/)

      const lacking = await fetch(`${served.url}/projects`, {
        headers: { authorization: `Bearer ${fixture.credentials.reader}` },
      })
      expect(lacking.status).toBe(403)
      expect(await lacking.json()).toMatchObject({
        code: 'insufficient_scope',
        missingScopes: ['projects:write'],
      })

      const other = await fetch(`${served.url}/boom`)
      expect(other.status).toBe(500)
      expect(await other.json()).toEqual({ handledBy: 'app' })
      // The guard's failure went through next(err) too, not only the middleware's.
      expect(seen).toEqual(['missing_token', 'insufficient_scope', 'not ours'])
    } finally {
      await new Promise((resolve) => served.server.close(resolve))
    }
  })
})

describe('apiKeyAuth configuration', () => {
  it('throws TypeError when built with bad options, not on a request', () => {
    const { keyward } = fixture
    expect(() => apiKeyAuth({} as never)).toThrow(TypeError)
    expect(() => apiKeyAuth(keyward, { passErrors: 'yes' as never })).toThrow(
      /passErrors must be a boolean/,
    )
    expect(() => apiKeyAuth(keyward, { optional: 1 as never })).toThrow(
      /optional must be a boolean/,
    )
    expect(() => apiKeyAuth(keyward, { apiKeyHeader: 'Authorization' })).toThrow(/apiKeyHeader/)
    expect(() => apiKeyAuth(keyward, { scopes: ['projects:delete' as never] })).toThrow(/catalog/)
    expect(() => createGuards(keyward).requireScopes('projects:delete' as never)).toThrow(/catalog/)
    expect(() => requireScopes('projects:*')).toThrow(/without wildcards/)
    expect(() => (requireAnyScope as () => unknown)()).toThrow(/at least one scope/)
  })

  it('answers a cached key synchronously, before the request handler yields', async () => {
    const middleware = apiKeyAuth(fixture.keyward)
    const req = {
      method: 'GET',
      rawHeaders: ['Authorization', `Bearer ${fixture.credentials.reader}`],
      get: () => undefined,
    } as unknown as express.Request
    // First call fills the cache through the store.
    await new Promise<void>((resolve) => middleware(req, {} as express.Response, () => resolve()))
    let calledSynchronously = false
    middleware(req, {} as express.Response, () => {
      calledSynchronously = true
    })
    expect(calledSynchronously).toBe(true)
    expect(req.apiKey?.id).toBe(fixture.keyIds.reader)
  })
})
