import { createKeyward, defineScopes } from '@keyward/core'
import { managementConformance, type ServedApp } from '@keyward/core/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { responseChecker } from '../../../test/support/openapi-check.js'
import { apiKeyAuth } from './api-key-auth.js'
import { apiKeysRouter } from './management.js'

/** Listens on 127.0.0.1, port 0; resolves once it accepts connections. */
async function listen(app: FastifyInstance): Promise<ServedApp> {
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url, close: () => app.close() }
}

managementConformance({
  name: 'Fastify',
  // Every answer of the cases must be one the OpenAPI document the app serves describes.
  checkResponse: responseChecker(),
  serve(keyward, options, { authenticateFirst }) {
    const app = Fastify()
    if (authenticateFirst) app.addHook('onRequest', apiKeyAuth(keyward))
    app.register(apiKeysRouter(keyward, options), { prefix: '/api-keys' })
    return listen(app)
  },
  serveWithPrincipal(keyward, resolve) {
    const app = Fastify()
    app.register(
      apiKeysRouter(keyward, { principal: (request) => resolve(request.headers.cookie) }),
      { prefix: '/api-keys' },
    )
    return listen(app)
  },
})

const scopes = defineScopes({
  'api_keys:manage': 'Manage API keys',
  'projects:read': 'Read projects',
})

describe('apiKeysRouter in an app with its own parsers and error handler', () => {
  const opened: FastifyInstance[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((app) => app.close()))
  })

  it('reads its own body under a parametric prefix; the app’s routes keep Fastify’s JSON parser', async () => {
    const keyward = createKeyward({ scopes })
    const app = Fastify()
    opened.push(app)
    app.post('/echo', async (request) => ({ echoed: request.body }))
    app.register(apiKeysRouter(keyward), { prefix: '/orgs/:org/api-keys' })
    const admin = await keyward.keys.create({
      name: 'admin',
      ownerId: 'o',
      scopes: ['*'],
      expiresIn: '1d',
    })
    const created = await app.inject({
      method: 'POST',
      url: '/orgs/acme/api-keys',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/plain' },
      payload: JSON.stringify({ name: 'plain text', scopes: ['projects:read'], expiresIn: '1d' }),
    })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ key: { name: 'plain text', ownerId: 'o' } })
    const listed = await app.inject({
      url: '/orgs/acme/api-keys/',
      headers: { authorization: `Bearer ${admin.token}` },
    })
    expect(listed.json().keys).toHaveLength(2)
    const echoed = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } })
    expect(echoed.json()).toEqual({ echoed: { a: 1 } })
  })

  it('serves the OpenAPI document at GET /api-keys/openapi.json, public', async () => {
    const app = Fastify()
    opened.push(app)
    app.register(apiKeysRouter(createKeyward({ scopes })), { prefix: '/api-keys' })
    const answer = await app.inject({ url: '/api-keys/openapi.json' })
    expect(answer.statusCode).toBe(200)
    expect(answer.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1\./) })
  })

  it('hands what the principal resolver throws, and a malformed principal, to the error handler', async () => {
    const keyward = createKeyward({ scopes })
    const seen: unknown[] = []
    const app = Fastify()
    opened.push(app)
    app.register(
      apiKeysRouter(keyward, {
        principal: (request) => {
          if (request.headers['x-case'] === 'throws') throw new Error('session store down')
          return { ownerId: '', scopes: [], actor: 'person:x' }
        },
      }),
      { prefix: '/api-keys' },
    )
    app.setErrorHandler((error, _request, reply) => {
      seen.push(error)
      reply.code(500).send()
    })
    for (const header of ['throws', 'malformed']) {
      const answer = await app.inject({ url: '/api-keys', headers: { 'x-case': header } })
      expect(answer.statusCode).toBe(500)
    }
    expect(seen).toEqual([
      expect.objectContaining({ message: 'session store down' }),
      expect.any(TypeError),
    ])
  })

  it('throws TypeError at once on bad options', () => {
    const keyward = createKeyward({ scopes: defineScopes({ 'projects:read': 'Read projects' }) })
    expect(() => apiKeysRouter(keyward)).toThrow(/^manageScope must be/)
    expect(() =>
      apiKeysRouter(keyward, { manageScope: 'projects:read', principal: 'ada' as never }),
    ).toThrow(/^principal must be a function/)
    expect(apiKeysRouter(keyward, { manageScope: 'projects:read' })).toBeTypeOf('function')
  })
})
