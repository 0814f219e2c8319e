// @vitest-environment edge-runtime
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { VerifiedKey } from '@keyward/core'
import { describe, expect, test } from 'vitest'
import edgeWorker, { createEdgeApi } from '../examples/edge.js'
import { AUDIENCE, ISSUER, MINUTE, setup } from '../test/fixtures.js'
import { createAccessTokens, generateSigningKey } from './index.js'

/** The edge example inside an edge runtime: only the public JWK Set, no store, no revocation list. */
describe('edge example', () => {
  async function edge() {
    const s = await setup()
    const api = createEdgeApi({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: await s.accessTokens.jwks(),
      now: s.clock.now,
    })
    const get = (path: string, authorization?: string) =>
      api(
        new Request(
          `https://edge.example${path}`,
          authorization ? { headers: { authorization } } : {},
        ),
      )
    return { ...s, get }
  }

  test('runs where the edge globals are, not Node', () => {
    expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe('string')
  })

  test('answers a valid access token with its identity', async () => {
    const { get, accessTokens, key } = await edge()
    const token = await accessTokens.mintAccessToken(key, { scopes: ['projects:read'] })

    const projects = await get('/v1/projects', `Bearer ${token}`)
    expect(projects.status).toBe(200)
    expect(await projects.json()).toMatchObject({ owner: 'org_1', projects: expect.any(Array) })

    const whoami = await get('/v1/whoami', `bearer ${token}`)
    expect(await whoami.json()).toMatchObject({
      id: key.id,
      ownerId: 'org_1',
      kind: 'access_token',
    })
  })

  test('refuses what is missing, malformed, expired or too narrow with RFC 6750 answers', async () => {
    const { get, accessTokens, key, clock, apiKey } = await edge()
    const writeOnly = await accessTokens.mintAccessToken(key, {
      scopes: ['projects:write'],
      ttl: '5m',
    })

    const missing = await get('/v1/projects')
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"')

    const narrow = await get('/v1/projects', `Bearer ${writeOnly}`)
    expect(narrow.status).toBe(403)
    expect(narrow.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    expect(narrow.headers.get('content-type')).toBe('application/problem+json')

    // An API key needs the store, which the edge does not have.
    const plainKey = await get('/v1/projects', `Bearer ${apiKey}`)
    expect(plainKey.status).toBe(401)
    expect(await plainKey.json()).toMatchObject({ code: 'malformed_token' })

    clock.advance(5 * MINUTE)
    const expired = await get('/v1/whoami', `Bearer ${writeOnly}`)
    expect(expired.status).toBe(401)
    expect(await expired.json()).toMatchObject({ code: 'expired_token' })

    expect((await get('/v1/whoami', 'Bearer ')).status).toBe(400)
    expect((await get('/nowhere', `Bearer ${writeOnly}`)).status).toBe(404)
    expect((await get('/health')).status).toBe(200)
  })

  test('is stateless: a revoked key keeps its access tokens at the edge until they expire', async () => {
    const { get, accessTokens, key, keyward, clock } = await edge()
    const token = await accessTokens.mintAccessToken(key, { ttl: '5m' })
    await keyward.keys.revoke(key.id)

    await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
    expect((await get('/v1/whoami', `Bearer ${token}`)).status).toBe(200)
    clock.advance(5 * MINUTE)
    expect((await get('/v1/whoami', `Bearer ${token}`)).status).toBe(401)
  })

  test('the Worker entry point verifies against the JWKS URL it is bound to, and fails closed', async () => {
    // The Worker runs on real time, so this issuer and key do too.
    const issuer = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      signingKeys: [await generateSigningKey()],
    })
    const key: VerifiedKey = {
      id: 'key_0123456789abcdef',
      name: 'Edge client',
      ownerId: 'org_1',
      scopes: ['projects:read'],
      expiresAt: Date.now() + 60 * MINUTE,
      kind: 'api_key',
    }
    const jwks = JSON.stringify(await issuer.jwks())
    let requests = 0
    const server = createServer((_request, response) => {
      requests++
      response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(jwks)
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    try {
      const { port } = server.address() as AddressInfo
      const bindings = (url: string) => ({
        KEYWARD_ISSUER: ISSUER,
        KEYWARD_AUDIENCE: AUDIENCE,
        KEYWARD_JWKS_URL: url,
      })
      const env = bindings(`http://127.0.0.1:${port}/.well-known/jwks.json`)
      const token = await issuer.mintAccessToken(key)
      const projects = () =>
        new Request('https://edge.example/v1/projects', {
          headers: { authorization: `Bearer ${token}` },
        })

      for (let i = 0; i < 3; i++) expect((await edgeWorker.fetch(projects(), env)).status).toBe(200)
      expect(requests).toBe(1)

      // Nothing listens on port 1: the edge answers 503 and never lets the request through.
      const down = await edgeWorker.fetch(projects(), bindings('http://127.0.0.1:1/jwks.json'))
      expect(down.status).toBe(503)
      expect(down.headers.get('retry-after')).toBe('5')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
