// @vitest-environment edge-runtime
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createKeyward, type VerifiedKey } from '@keyward/core'
import { createAccessTokens, generateSigningKey } from '@keyward/jwt'
import { describe, expect, it } from 'vitest'
import { withoutNodeBuiltins } from '../../../test/support/web-crypto.js'
import edgeWorker, { createEdgeApp, type EdgeEnv } from './app.js'

// The edge app inside the edge runtime's globals, driven with app.request(): only the
// issuer's public JWK Set, no store, no revocation list, Web Crypto for hashing and checking.

const ISSUER = 'https://api.example.test'
const AUDIENCE = 'https://api.example.test/v1'
const MINUTE = 60_000

/** The issuer's side (which the edge never sees): a Keyward instance minting access tokens, on an injected clock. */
async function issuer() {
  let time = Date.UTC(2030, 0, 1, 12, 0, 0)
  const clock = {
    now: () => time,
    advance(ms: number) {
      time += ms
    },
  }
  const accessTokens = createAccessTokens({
    issuer: ISSUER,
    audience: AUDIENCE,
    signingKeys: [await generateSigningKey()],
    now: clock.now,
  })
  const keyward = createKeyward({ now: clock.now, tokenKinds: [accessTokens] })
  const { token: apiKey } = await keyward.keys.create({
    name: 'CI pipeline',
    ownerId: 'org_1',
    scopes: ['projects:read', 'projects:write'],
    expiresIn: '1d',
  })
  const key = await keyward.verify(apiKey)
  return { clock, accessTokens, keyward, apiKey, key }
}

async function edge() {
  const s = await issuer()
  const jwks = await s.accessTokens.jwks()
  const app = withoutNodeBuiltins(() =>
    createEdgeApp({ issuer: ISSUER, audience: AUDIENCE, jwks, now: s.clock.now }),
  )
  const get = (path: string, authorization?: string) =>
    app.request(path, authorization === undefined ? {} : { headers: { authorization } })
  return { ...s, get }
}

const decodeSegment = (segment: string): Record<string, unknown> =>
  JSON.parse(atob(segment.replace(/-/g, '+').replace(/_/g, '/')))
const encodeSegment = (value: unknown): string =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

describe('the edge access-token app in the edge runtime', () => {
  it('runs where the edge globals are, not Node', () => {
    expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe('string')
  })

  it('answers a valid access token with its identity', async () => {
    const { get, accessTokens, key } = await edge()
    const token = await accessTokens.mintAccessToken(key, { scopes: ['projects:read'] })

    const projects = await get('/v1/projects', `Bearer ${token}`)
    expect(projects.status).toBe(200)
    expect(await projects.json()).toMatchObject({ owner: 'org_1', projects: expect.any(Array) })

    const whoami = await get('/v1/whoami', `bearer ${token}`)
    expect(whoami.status).toBe(200)
    expect(await whoami.json()).toMatchObject({
      id: key.id,
      name: 'CI pipeline',
      ownerId: 'org_1',
      scopes: ['projects:read'],
      kind: 'access_token',
    })
  })

  it('asks for a credential without an error attribute when none is sent', async () => {
    const { get } = await edge()
    expect((await get('/health')).status).toBe(200)

    const missing = await get('/v1/projects')
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"')
    expect(missing.headers.get('content-type')).toBe('application/problem+json')

    const otherScheme = await get('/v1/whoami', 'Basic dXNlcjpwYXNz')
    expect(otherScheme.status).toBe(401)
    expect(otherScheme.headers.get('www-authenticate')).toBe('Bearer realm="api"')

    expect((await get('/v1/whoami', 'Bearer ')).status).toBe(400)
    expect((await get('/nowhere')).status).toBe(404)
  })

  it('refuses malformed, tampered and foreign tokens as invalid_token', async () => {
    const { get, accessTokens, key } = await edge()
    const token = await accessTokens.mintAccessToken(key, { scopes: ['projects:read'] })
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const widened = encodeSegment({ ...decodeSegment(payload), sub: 'org_2', scope: '*' })
    const stranger = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      signingKeys: [await generateSigningKey()],
    })

    const refused = {
      'not a JWT': 'eyJhbGciOiJFZERTQSJ9.e30.c2ln',
      'a tampered payload': `${header}.${widened}.${signature}`,
      'a token signed by a key outside the JWK Set': await stranger.mintAccessToken(key),
    }
    for (const [what, credential] of Object.entries(refused)) {
      const response = await get('/v1/whoami', `Bearer ${credential}`)
      expect(response.status, what).toBe(401)
      expect(response.headers.get('www-authenticate'), what).toContain('error="invalid_token"')
      expect(await response.json(), what).toMatchObject({ code: 'malformed_token' })
    }
  })

  it('does not know API keys: the edge has no store, so a key is unknown', async () => {
    const { get, apiKey } = await edge()
    const response = await get('/v1/whoami', `Bearer ${apiKey}`)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"')
    expect(await response.json()).toMatchObject({ code: 'unknown_token' })
  })

  it('refuses an expired token on the injected clock', async () => {
    const { get, accessTokens, key, clock } = await edge()
    const token = await accessTokens.mintAccessToken(key, { ttl: '5m' })
    expect((await get('/v1/whoami', `Bearer ${token}`)).status).toBe(200)

    clock.advance(5 * MINUTE)
    const expired = await get('/v1/whoami', `Bearer ${token}`)
    expect(expired.status).toBe(401)
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"')
    expect(await expired.json()).toMatchObject({ code: 'expired_token' })
  })

  it('answers a token without the route scope with 403 naming it', async () => {
    const { get, accessTokens, key } = await edge()
    const writeOnly = await accessTokens.mintAccessToken(key, { scopes: ['projects:write'] })

    const narrow = await get('/v1/projects', `Bearer ${writeOnly}`)
    expect(narrow.status).toBe(403)
    const challenge = narrow.headers.get('www-authenticate')
    expect(challenge).toMatch(/^Bearer realm="api", error="insufficient_scope"/)
    expect(challenge).toContain('scope="projects:read"')
    expect(narrow.headers.get('content-type')).toBe('application/problem+json')
    expect(await narrow.json()).toMatchObject({
      code: 'insufficient_scope',
      missingScopes: ['projects:read'],
    })
    expect((await get('/v1/whoami', `Bearer ${writeOnly}`)).status).toBe(200)
  })

  it('is stateless: a revoked key keeps its access tokens at the edge until they expire', async () => {
    const { get, accessTokens, key, keyward, clock } = await edge()
    const token = await accessTokens.mintAccessToken(key, { ttl: '5m' })
    await keyward.keys.revoke(key.id)

    await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
    expect((await get('/v1/whoami', `Bearer ${token}`)).status).toBe(200)
    clock.advance(5 * MINUTE)
    expect((await get('/v1/whoami', `Bearer ${token}`)).status).toBe(401)
  })

  it('the Worker entry point verifies against the JWKS URL it is bound to, and fails closed', async () => {
    // The Worker runs on real time, so this issuer and key do too.
    const tokens = createAccessTokens({
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
      createdAt: Date.now(),
      kind: 'api_key',
    }
    const jwks = JSON.stringify(await tokens.jwks())
    let requests = 0
    const server = createServer((_request, response) => {
      requests++
      response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(jwks)
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    try {
      const { port } = server.address() as AddressInfo
      const bindings = (url: string): EdgeEnv => ({
        KEYWARD_ISSUER: ISSUER,
        KEYWARD_AUDIENCE: AUDIENCE,
        KEYWARD_JWKS_URL: url,
      })
      // The Worker builds its app (and hasher) on the first request of each binding set.
      const worker = (env: EdgeEnv, path: string, authorization: string) =>
        withoutNodeBuiltins(() =>
          edgeWorker.fetch(
            new Request(`https://edge.example${path}`, { headers: { authorization } }),
            env,
          ),
        )
      const env = bindings(`http://127.0.0.1:${port}/.well-known/jwks.json`)
      const token = await tokens.mintAccessToken(key)

      for (let i = 0; i < 3; i++) {
        expect((await worker(env, '/v1/projects', `Bearer ${token}`)).status).toBe(200)
      }
      expect(requests).toBe(1)
      expect(await (await worker(env, '/v1/whoami', `Bearer ${token}`)).json()).toMatchObject({
        id: key.id,
        kind: 'access_token',
      })

      // Nothing listens on port 1: the edge answers 503 and never lets the request through.
      const down = await worker(
        bindings('http://127.0.0.1:1/jwks.json'),
        '/v1/projects',
        `Bearer ${token}`,
      )
      expect(down.status).toBe(503)
      expect(down.headers.get('retry-after')).toBe('5')
      expect(down.headers.get('www-authenticate')).toBeNull()
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
