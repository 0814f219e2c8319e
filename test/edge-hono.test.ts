// @vitest-environment edge-runtime
import { createKeyward } from '@keyward/core'
import { createAccessTokens, generateSigningKey } from '@keyward/jwt'
import { describe, expect, it } from 'vitest'
import { createApp, scopes } from '../examples/hono-api/src/app.js'
import { withoutNodeBuiltins } from './support/web-crypto.js'

// The Hono example app (memory store) inside the edge runtime's globals, driven with
// app.request(): no Node server, Web Crypto for hashing and signing.

async function setup() {
  const accessTokens = createAccessTokens({
    // The app publishes OAuth metadata, whose issuer is a URL (RFC 8414).
    issuer: 'https://edge.example.test',
    audience: 'urn:keyward:edge-api',
    signingKeys: [await generateSigningKey()],
  })
  const keyward = withoutNodeBuiltins(() =>
    createKeyward({ prefix: 'kw_test', scopes, tokenKinds: [accessTokens] }),
  )
  const app = createApp(keyward, { accessTokens })
  const { token: admin } = await keyward.keys.create({
    name: 'Bootstrap admin',
    ownerId: 'admin',
    scopes: ['*'],
    expiresIn: '30d',
  })
  const call = (method: string, path: string, token?: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  return { app, admin, call }
}

describe('the Hono example in the edge runtime', () => {
  it('runs where Node is absent', () => {
    expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe('string')
  })

  it('walks the README session through app.request()', async () => {
    const { admin, call } = await setup()
    expect((await call('GET', '/health')).status).toBe(200)
    expect(await (await call('GET', '/v1/whoami', admin)).json()).toMatchObject({
      ownerId: 'admin',
      scopes: ['*'],
    })
    expect((await call('GET', '/v1/whoami')).status).toBe(401)

    const created = await call('POST', '/api-keys', admin, {
      name: 'edge reader',
      scopes: ['projects:read'],
      expiresIn: '90d',
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    const { key, token } = (await created.json()) as { key: { id: string }; token: string }
    expect((await call('GET', '/v1/projects', token)).status).toBe(200)
    const denied = await call('POST', '/v1/projects', token, { name: 'Apollo' })
    expect(denied.status).toBe(403)
    expect(denied.headers.get('www-authenticate')).toContain('scope="projects:write"')
    expect((await call('POST', '/v1/projects', admin, { name: 'Apollo' })).status).toBe(201)

    const rotated = await call('POST', `/api-keys/${key.id}/rotate`, admin)
    expect(rotated.status).toBe(201)
    const renewed = (await rotated.json()) as { key: { id: string }; token: string }
    expect((await call('GET', '/v1/projects', token)).status).toBe(401)
    expect((await call('GET', '/v1/projects', renewed.token)).status).toBe(200)

    expect((await call('DELETE', `/api-keys/${renewed.key.id}`, admin)).status).toBe(204)
    expect((await call('GET', '/v1/projects', renewed.token)).status).toBe(401)
  })

  it('answers management failures the same way: 404, 422 naming the field, 400, 413', async () => {
    const { admin, call, app } = await setup()
    expect((await call('GET', '/api-keys/key_0000000000000000', admin)).status).toBe(404)
    const past = await call('POST', '/api-keys', admin, {
      name: 'x',
      scopes: ['projects:read'],
      expiresAt: '2020-01-01T00:00:00Z',
    })
    expect(past.status).toBe(422)
    expect(await past.json()).toMatchObject({ field: 'expiresAt' })
    const malformed = await app.request('/api-keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: '{"name":',
    })
    expect(malformed.status).toBe(400)
    const large = await call('POST', '/api-keys', admin, { name: 'x'.repeat(20_000) })
    expect(large.status).toBe(413)
  })

  it('refuses a key with allowedIps where the runtime gives no client address (fail closed)', async () => {
    const { admin, call } = await setup()
    const create = async (allowedIps?: string[]) => {
      const created = await call('POST', '/api-keys', admin, {
        name: 'edge networks',
        scopes: ['projects:read'],
        expiresIn: '1d',
        ...(allowedIps === undefined ? {} : { allowedIps }),
      })
      expect(created.status).toBe(201)
      return ((await created.json()) as { token: string }).token
    }
    // app.request() has no connection, and the example trusts no proxy: no address at all.
    const ruled = await create(['0.0.0.0/0', '::/0'])
    const refused = await call('GET', '/v1/projects', ruled)
    expect(refused.status).toBe(403)
    expect(refused.headers.get('www-authenticate')).toBeNull()
    expect(await refused.json()).toMatchObject({ code: 'ip_not_allowed' })
    expect((await call('GET', '/v1/projects', await create())).status).toBe(200)
  })

  it('mints an access token with Web Crypto and accepts it', async () => {
    const { admin, call } = await setup()
    const minted = await call('POST', '/api-keys/token', admin, {
      scope: 'projects:read',
      expiresIn: '10m',
    })
    expect(minted.status).toBe(200)
    const { access_token } = (await minted.json()) as { access_token: string }
    const whoami = await call('GET', '/v1/whoami', access_token)
    expect(await whoami.json()).toMatchObject({ kind: 'access_token', scopes: ['projects:read'] })
    const jwks = (await (await call('GET', '/.well-known/jwks.json')).json()) as { keys: unknown[] }
    expect(jwks.keys).toHaveLength(1)
  })
})
