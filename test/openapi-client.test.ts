import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createKeyward, defineScopes, type Keyward } from '@keyward/core'
import type { ManagementApiOptions } from '@keyward/core/adapter'
import type { ServedApp } from '@keyward/core/testing'
import { apiKeysRouter } from '@keyward/express'
import { apiKeyRoutes } from '@keyward/hono'
import express from 'express'
import { Hono } from 'hono'
import createClient from 'openapi-fetch'
import { afterEach, describe, expect, it } from 'vitest'
import type { paths } from '../packages/core/openapi.js'
import { responseChecker, type Seen } from './support/openapi-check.js'
import { serveFetch } from './support/serve-fetch.js'

// A client generated from the written OpenAPI document (openapi-typescript's types in
// packages/core/openapi.d.ts, kept equal to the code by test/openapi.test.ts; openapi-fetch)
// drives a key's life through each adapter over real HTTP on 127.0.0.1, and every answer it
// gets is checked against the document the app serves.

/** Serves `keyward`'s management API at `/api-keys` with `options`. */
type ServeAdapter = (keyward: Keyward<string>, options: ManagementApiOptions) => Promise<ServedApp>

const serveExpress: ServeAdapter = (keyward, options) => {
  const app = express()
  app.use('/api-keys', apiKeysRouter(keyward, options))
  return listenOn(createServer(app))
}

const serveHono: ServeAdapter = (keyward, options) =>
  serveFetch(new Hono().route('/api-keys', apiKeyRoutes(keyward, options)).fetch)

/**
 * Fastify, when its adapter is in the workspace: `fastify` is its dependency, not this
 * workspace's, so it is loaded from where `@keyward/fastify` resolves it.
 */
const serveFastify: ServeAdapter = async (keyward, options) => {
  const from = fileURLToPath(new URL('../packages/fastify/package.json', import.meta.url))
  const url = pathToFileURL(createRequire(from).resolve('fastify')).href
  const { default: Fastify } = (await import(url)) as {
    default: () => {
      register(plugin: unknown, options: { prefix: string }): void
      listen(options: { port: number; host: string }): Promise<string>
      close(): Promise<void>
    }
  }
  const { apiKeysRouter: fastifyRouter } = await import('@keyward/fastify')
  const app = Fastify()
  app.register(fastifyRouter(keyward, options), { prefix: '/api-keys' })
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url: origin, close: () => app.close() }
}

/** Every adapter the flow runs on: one line each. */
const ADAPTERS: [string, ServeAdapter][] = [
  ['Express', serveExpress],
  ['Hono', serveHono],
  ...(existsSync(new URL('../packages/fastify/package.json', import.meta.url))
    ? [['Fastify', serveFastify] as [string, ServeAdapter]]
    : []),
]

function listenOn(server: ReturnType<typeof createServer>): Promise<ServedApp> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      })
    })
  })
}

const scopes = defineScopes({
  'api_keys:manage': 'Manage API keys',
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})

/** An issuer standing in for `@keyward/jwt`. */
const accessTokens: NonNullable<ManagementApiOptions['accessTokens']> = {
  async issueAccessToken(key, options = {}) {
    return { accessToken: `at.${key.id}`, expiresIn: 300, scopes: options.scopes ?? key.scopes }
  },
}

const opened: ServedApp[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((served) => served.close()))
})

/** A generated client of `served`, authenticated by `token`, checking every answer. */
function clientOf(served: ServedApp, token: string, options: ManagementApiOptions, seen: Seen) {
  const check = responseChecker({ seen })
  const client = createClient<paths>({
    baseUrl: served.url,
    headers: { authorization: `Bearer ${token}` },
  })
  client.use({
    async onResponse({ request, response }) {
      const path = new URL(request.url).pathname
      await check({
        origin: served.url,
        options,
        method: request.method,
        path,
        response: response.clone(),
      })
    },
  })
  return client
}

describe.each(ADAPTERS)('a client generated from the OpenAPI document, on %s', (_, serve) => {
  it('creates, lists, rotates and revokes a key, mints a token, and reads the catalog', async () => {
    const keyward = createKeyward<string>({ prefix: 'kw_test', scopes })
    const options: ManagementApiOptions = { accessTokens }
    const served = await serve(keyward, options)
    opened.push(served)
    const admin = await keyward.keys.create({
      name: 'admin',
      ownerId: 'org_1',
      scopes: ['*'],
      expiresIn: '30d',
    })
    const seen: Seen = new Set()
    const client = clientOf(served, admin.token, options, seen)

    const created = await client.POST('/api-keys', {
      body: { name: 'CI deploy', scopes: ['projects:read'], expiresIn: '90d' },
    })
    expect(created.response.status).toBe(201)
    const key = created.data!.key
    expect(key).toMatchObject({ name: 'CI deploy', ownerId: 'org_1', status: 'active' })
    expect(created.data!.token).toMatch(/^kw_test_/)

    const listed = await client.GET('/api-keys')
    expect(listed.data!.keys.map((listedKey) => listedKey.id)).toContain(key.id)

    const catalog = await client.GET('/api-keys/catalog')
    expect(catalog.data!.grantable).toEqual(['api_keys:manage', 'projects:read', 'projects:write'])

    const rotated = await client.POST('/api-keys/{id}/rotate', {
      params: { path: { id: key.id } },
      body: { gracePeriod: '1h' },
    })
    expect(rotated.response.status).toBe(201)
    const successor = rotated.data!.key
    expect(successor.rotatedFrom).toBe(key.id)

    const renamed = await client.PATCH('/api-keys/{id}', {
      params: { path: { id: successor.id } },
      body: { name: 'CI deploy (rotated)' },
    })
    expect(renamed.data!.name).toBe('CI deploy (rotated)')

    const inactive = await client.PATCH('/api-keys/{id}', {
      params: { path: { id: key.id } },
      body: { name: 'again' },
    })
    expect(inactive.response.status).toBe(409)
    expect(inactive.error).toMatchObject({ code: 'key_inactive' })

    const invalid = await client.POST('/api-keys', {
      body: { name: '', scopes: ['projects:read'], expiresIn: '1d' },
    })
    expect(invalid.response.status).toBe(422)
    expect(invalid.error).toMatchObject({ code: 'invalid_argument', field: 'name' })

    const minted = await clientOf(served, rotated.data!.token, options, seen).POST(
      '/api-keys/token',
      { body: { scope: 'projects:read' } },
    )
    expect(minted.data).toMatchObject({ token_type: 'Bearer', scope: 'projects:read' })

    const revoked = await client.DELETE('/api-keys/{id}', {
      params: { path: { id: successor.id } },
    })
    expect(revoked.response.status).toBe(204)
    const gone = await client.GET('/api-keys/{id}', { params: { path: { id: successor.id } } })
    expect(gone.response.status).toBe(404)
    expect(gone.error).toMatchObject({ code: 'not_found' })

    const anonymous = await createClient<paths>({ baseUrl: served.url }).GET('/api-keys')
    expect(anonymous.response.status).toBe(401)
    expect(anonymous.response.headers.get('www-authenticate')).toMatch(/^Bearer /)

    // Every answer above was checked against the document, each documented status once at least.
    expect([...seen].sort()).toEqual([
      'createKey 201',
      'createKey 422',
      'getCatalog 200',
      'getKey 404',
      'listKeys 200',
      'mintAccessToken 200',
      'revokeKey 204',
      'rotateKey 201',
      'updateKey 200',
      'updateKey 409',
    ])
  })
})
