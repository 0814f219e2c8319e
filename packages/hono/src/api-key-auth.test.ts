import {
  type AdapterFixture,
  adapterConformance,
  type ConformanceAdapter,
  type ConformanceRoutes,
  createAdapterFixture,
} from '@keyward/core/testing'
import { Hono, type MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveFetch } from '../../../test/support/serve-fetch.js'
import {
  type ApiKeyVariables,
  apiKeyAuth,
  createGuards,
  KeywardError,
  requireAnyScope,
  requireScopes,
} from './index.js'

function buildApp(routes: ConformanceRoutes<MiddlewareHandler>) {
  const app = new Hono<{ Variables: Partial<ApiKeyVariables> }>()
  for (const { path, middleware } of routes) {
    for (const handler of middleware) app.on(['GET', 'OPTIONS'], path, handler)
    app.on(['GET', 'OPTIONS'], path, (c) => c.json({ apiKey: c.var.apiKey ?? null }))
  }
  return app
}

const adapter: ConformanceAdapter<MiddlewareHandler> = {
  apiKeyAuth,
  requireScopes,
  requireAnyScope,
  createGuards,
}

adapterConformance({
  name: 'Hono apiKeyAuth through app.request()',
  adapter,
  handle: (routes) => {
    const app = buildApp(routes)
    return (request) => app.request(request)
  },
})

adapterConformance({
  name: 'Hono apiKeyAuth via @hono/node-server',
  adapter,
  serve: (routes) => serveFetch(buildApp(routes).fetch),
})

let fixture: AdapterFixture

beforeAll(async () => {
  fixture = await createAdapterFixture()
})
afterAll(async () => {
  await fixture.keyward.close()
  await fixture.down.close()
})

describe('failures are HTTPExceptions', () => {
  it('carry the ready response and the KeywardError as cause, for onError to use', async () => {
    const seen: unknown[] = []
    const custom = new Hono()
    custom.use(apiKeyAuth(fixture.keyward))
    custom.get('/', (c) => c.text('ok'))
    custom.onError((error, c) => {
      seen.push(error)
      if (error instanceof HTTPException && error.cause instanceof KeywardError) {
        return c.json({ mine: error.cause.code }, error.status)
      }
      return c.text('unexpected', 500)
    })
    const response = await custom.request('/', {
      headers: { authorization: `Bearer ${fixture.credentials.expired}` },
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ mine: 'expired_token' })
    const [error] = seen as [HTTPException]
    const ready = error.getResponse()
    expect(ready.status).toBe(401)
    expect(ready.headers.get('www-authenticate')).toContain('error="invalid_token"')
    expect(await ready.json()).toMatchObject({ code: 'expired_token', status: 401 })
  })

  it('lets errors that are not Keyward’s through untouched', async () => {
    const broken = {
      ...fixture.keyward,
      check: () => {
        throw new RangeError('bug')
      },
    }
    const custom = new Hono()
    custom.use(apiKeyAuth(broken))
    custom.get('/', (c) => c.text('ok'))
    custom.onError((error, c) => c.text(error instanceof RangeError ? 'range' : 'other', 500))
    const response = await custom.request('/', {
      headers: { authorization: `Bearer ${fixture.credentials.reader}` },
    })
    expect(await response.text()).toBe('range')
  })
})

describe('apiKeyAuth configuration', () => {
  it('throws TypeError when built with bad options, not on a request', () => {
    const { keyward } = fixture
    expect(() => apiKeyAuth({} as never)).toThrow(TypeError)
    expect(() => apiKeyAuth(keyward, { passPreflight: 'no' as never })).toThrow(
      /passPreflight must be a boolean/,
    )
    expect(() => apiKeyAuth(keyward, { apiKeyHeader: 'bad header' })).toThrow(/apiKeyHeader/)
    expect(() => apiKeyAuth(keyward, { anyScopes: ['projects:delete' as never] })).toThrow(
      /catalog/,
    )
    expect(() => createGuards(keyward).requireAnyScope('projects:delete' as never)).toThrow(
      /catalog/,
    )
    expect(() => requireScopes('*')).toThrow(/without wildcards/)
  })

  it('reads a custom key header when apiKeyHeader names one', async () => {
    const custom = new Hono<{ Variables: ApiKeyVariables }>()
    custom.get('/', apiKeyAuth(fixture.keyward, { apiKeyHeader: 'X-Acme-Key' }), (c) =>
      c.text(c.var.apiKey.id),
    )
    const response = await custom.request('/', {
      headers: { 'x-acme-key': fixture.credentials.writer },
    })
    expect(await response.text()).toBe(fixture.keyIds.writer)
  })
})
