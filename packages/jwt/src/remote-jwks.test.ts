import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createKeyward } from '@keyward/core'
import type { JSONWebKeySet } from 'jose'
import { afterEach, describe, expect, test } from 'vitest'
import { AUDIENCE, ISSUER, setup } from '../test/fixtures.js'
import { createAccessTokens, createAccessTokenVerifier, generateSigningKey } from './index.js'

/** A JWKS endpoint on 127.0.0.1 that counts its requests and can be changed or broken. */
async function jwksServer(initial: JSONWebKeySet) {
  const state = { jwks: initial, status: 200, requests: 0 }
  const server: Server = createServer((request, response) => {
    state.requests++
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end()
      return
    }
    response.writeHead(state.status, { 'content-type': 'application/jwk-set+json' })
    response.end(state.status === 200 ? JSON.stringify(state.jwks) : 'unavailable')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  servers.push(server)
  return { state, url: `http://127.0.0.1:${port}/.well-known/jwks.json` }
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  )
})

describe('remote JWKS', () => {
  test('verifies with keys fetched from the URL, fetched once and then cached', async () => {
    const s = await setup()
    const { state, url } = await jwksServer(await s.accessTokens.jwks())
    const verifier = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: url,
      now: s.clock.now,
    })

    for (let i = 0; i < 3; i++) {
      const token = await s.accessTokens.mintAccessToken(s.key)
      await expect(verifier.verifyAccessToken(token)).resolves.toMatchObject({
        id: s.key.id,
        kind: 'access_token',
      })
    }
    expect(state.requests).toBe(1)
  })

  test('through keyward.verify, revocation still applies', async () => {
    const s = await setup()
    const { url } = await jwksServer(await s.accessTokens.jwks())
    const verifier = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: url,
      now: s.clock.now,
    })
    // Another instance: the same store and revocation list, but only the public keys.
    const withTokens = createKeyward({
      now: s.clock.now,
      store: s.keyward.store,
      revocations: s.keyward.revocations,
      tokenKinds: [verifier],
    })
    const token = await s.accessTokens.mintAccessToken(s.key)
    await expect(withTokens.verify(token)).resolves.toMatchObject({ id: s.key.id })

    await s.keyward.keys.revoke(s.key.id)
    await expect(withTokens.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
  })

  test('picks up a rotated key: an unknown kid refetches the set (after the cooldown)', async () => {
    const s = await setup()
    const { state, url } = await jwksServer(await s.accessTokens.jwks())
    const verifier = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: url,
      now: s.clock.now,
      remoteJwks: { cooldownDuration: 0 },
    })
    await expect(
      verifier.verify(await s.accessTokens.mintAccessToken(s.key)),
    ).resolves.toBeDefined()

    const k2 = await generateSigningKey('ES256', { kid: 'k2' })
    const rotated = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      signingKeys: [k2, s.signingKey],
      now: s.clock.now,
    })
    state.jwks = await rotated.jwks()
    await expect(verifier.verify(await rotated.mintAccessToken(s.key))).resolves.toMatchObject({
      keyId: s.key.id,
    })
    expect(state.requests).toBe(2)
  })

  test('a kid the set does not have is malformed_token, without hammering the endpoint', async () => {
    const s = await setup()
    const { state, url } = await jwksServer(await s.accessTokens.jwks())
    const verifier = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: url,
      now: s.clock.now,
    })
    const stranger = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      signingKeys: [await generateSigningKey('EdDSA', { kid: 'k9' })],
      now: s.clock.now,
    })
    const token = await stranger.mintAccessToken(s.key)
    for (let i = 0; i < 5; i++) {
      await expect(verifier.verify(token)).rejects.toMatchObject({
        code: 'malformed_token',
        message: 'The access token was signed with an unknown key.',
      })
    }
    expect(state.requests).toBe(1)
  })

  test('an endpoint that fails is unavailable (503), never a pass', async () => {
    const s = await setup()
    const { state, url } = await jwksServer(await s.accessTokens.jwks())
    state.status = 500
    const verifier = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: url,
      now: s.clock.now,
    })
    const token = await s.accessTokens.mintAccessToken(s.key)
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'unavailable', status: 503 })

    const closed = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: url.replace(/:\d+\//, ':1/'),
      now: s.clock.now,
    })
    await expect(closed.verify(token)).rejects.toMatchObject({ code: 'unavailable', status: 503 })
  })
})
