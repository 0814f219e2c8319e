import {
  type AdapterFixture,
  adapterConformance,
  type ConformanceRoutes,
  createAdapterFixture,
} from '@keyward/core/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiKeyAuth,
  apiKeyAuthPlugin,
  createGuards,
  type KeywardHook,
  requireAnyScope,
  requireScopes,
} from './index.js'

function buildApp(routes: ConformanceRoutes<KeywardHook>): FastifyInstance {
  const app = Fastify()
  for (const { path, middleware } of routes) {
    app.route({
      method: ['GET', 'OPTIONS'],
      url: path,
      // In order, before the body is read: the guards run as well in `onRequest` as in `preHandler`.
      onRequest: [...middleware],
      handler: async (request) => ({ apiKey: request.apiKey ?? null }),
    })
  }
  return app
}

/** Listens on 127.0.0.1, port 0; resolves once it accepts connections. */
async function listen(app: FastifyInstance): Promise<{ url: string; close: () => Promise<void> }> {
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}

adapterConformance({
  name: 'Fastify apiKeyAuth',
  adapter: { apiKeyAuth, requireScopes, requireAnyScope, createGuards },
  serve: async (routes) => listen(buildApp(routes)),
})

adapterConformance({
  name: 'Fastify apiKeyAuth through app.inject()',
  adapter: { apiKeyAuth, requireScopes, requireAnyScope, createGuards },
  handle: (routes) => {
    const app = buildApp(routes)
    return async (request) => {
      const url = new URL(request.url)
      const answer = await app.inject({
        method: request.method as 'GET',
        url: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
      })
      return new Response(
        answer.rawPayload.length === 0 ? null : new Uint8Array(answer.rawPayload),
        {
          status: answer.statusCode,
          headers: Object.entries(answer.headers).flatMap(([name, value]) =>
            value === undefined ? [] : [[name, String(value)] as [string, string]],
          ),
        },
      )
    }
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

describe('apiKeyAuthPlugin', () => {
  it('authenticates every route of the context it is registered in, guards as preHandlers', async () => {
    const app = Fastify()
    await app.register(apiKeyAuthPlugin, { keyward: fixture.keyward })
    const { requireScopes: guard } = createGuards(fixture.keyward)
    app.get('/projects', { preHandler: guard('projects:read') }, async (request) => ({
      id: request.apiKey?.id,
    }))
    app.get('/admin', { preHandler: guard('projects:write') }, async () => ({ ok: true }))
    try {
      const missing = await app.inject({ url: '/projects' })
      expect(missing.statusCode).toBe(401)
      expect(missing.headers['www-authenticate']).toBe('Bearer realm="api"')
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(missing.json()).toMatchObject({ code: 'missing_token', status: 401 })

      const reader = { authorization: `Bearer ${fixture.credentials.reader}` }
      const read = await app.inject({ url: '/projects', headers: reader })
      expect(read.statusCode).toBe(200)
      expect(read.json()).toEqual({ id: fixture.keyIds.reader })

      const lacking = await app.inject({ url: '/admin', headers: reader })
      expect(lacking.statusCode).toBe(403)
      expect(lacking.json()).toMatchObject({
        code: 'insufficient_scope',
        missingScopes: ['projects:write'],
      })
    } finally {
      await app.close()
    }
  })

  it('fails register with a TypeError on bad options, not a request', async () => {
    const app = Fastify()
    app.register(apiKeyAuthPlugin, { keyward: fixture.keyward, optional: 'yes' as never })
    await expect(app.ready()).rejects.toThrow(/optional must be a boolean/)
  })
})

describe('apiKeyAuth errors that are not Keyward’s', () => {
  it('go to the app’s error handler', async () => {
    const broken = {
      ...fixture.keyward,
      check: () => {
        throw new RangeError('bug')
      },
    }
    const app = Fastify()
    app.setErrorHandler((error, _request, reply) => {
      reply.code(500).send({ handledBy: error instanceof RangeError ? 'app' : 'other' })
    })
    app.get('/', { onRequest: apiKeyAuth(broken) }, async () => ({ ok: true }))
    try {
      const answer = await app.inject({
        url: '/',
        headers: { authorization: `Bearer ${fixture.credentials.reader}` },
      })
      expect(answer.statusCode).toBe(500)
      expect(answer.json()).toEqual({ handledBy: 'app' })
    } finally {
      await app.close()
    }
  })
})

describe('apiKeyAuth configuration', () => {
  it('throws TypeError when built with bad options, not on a request', () => {
    const { keyward } = fixture
    expect(() => apiKeyAuth({} as never)).toThrow(TypeError)
    expect(() => apiKeyAuth(keyward, { optional: 1 as never })).toThrow(
      /optional must be a boolean/,
    )
    expect(() => apiKeyAuth(keyward, { apiKeyHeader: 'Authorization' })).toThrow(/apiKeyHeader/)
    expect(() => apiKeyAuth(keyward, { scopes: ['projects:delete' as never] })).toThrow(/catalog/)
    expect(() => createGuards(keyward).requireScopes('projects:delete' as never)).toThrow(/catalog/)
    expect(() => requireScopes('projects:*')).toThrow(/without wildcards/)
    expect(() => (requireAnyScope as () => unknown)()).toThrow(/at least one scope/)
  })

  it('answers a cached key synchronously, before the hook returns', async () => {
    const hook = apiKeyAuth(fixture.keyward)
    const request = {
      method: 'GET',
      headers: {},
      raw: { rawHeaders: ['Authorization', `Bearer ${fixture.credentials.reader}`] },
    } as never as Parameters<KeywardHook>[0]
    const reply = { header: () => reply } as never as Parameters<KeywardHook>[1]
    const run = (done: () => void) => hook.call(undefined as never, request, reply, done)
    // First call fills the cache through the store.
    await new Promise<void>((resolve) => run(resolve))
    let calledSynchronously = false
    run(() => {
      calledSynchronously = true
    })
    expect(calledSynchronously).toBe(true)
    expect(request.apiKey?.id).toBe(fixture.keyIds.reader)
  })
})
