import { createKeyward } from '@keyward/core'
import type { TokenKind } from '@keyward/core/adapter'
import { describe, expect, test, vi } from 'vitest'
import { MINUTE, setup } from '../test/fixtures.js'

/** Access tokens through `createKeyward({ tokenKinds })`: core's revocation, expiry, scopes and cache. */
describe('access tokens in keyward.verify', () => {
  test('verify next to API keys, with kind telling them apart', async () => {
    const { accessTokens, keyward, key, apiKey } = await setup()
    const token = await accessTokens.mintAccessToken(key)
    await expect(keyward.verify(apiKey)).resolves.toMatchObject({ id: key.id, kind: 'api_key' })
    await expect(keyward.verify(token)).resolves.toMatchObject({
      id: key.id,
      name: 'CI pipeline',
      ownerId: 'org_1',
      kind: 'access_token',
    })
  })

  test('a key with no scopes mints tokens that verify and grant nothing (found by the model test)', async () => {
    const { accessTokens, keyward } = await setup()
    const { token: apiKey } = await keyward.keys.create({
      name: 'Identity only',
      ownerId: 'org_1',
      scopes: [],
      expiresIn: '1d',
    })
    const token = await accessTokens.mintAccessToken(await keyward.verify(apiKey))
    await expect(keyward.verify(token)).resolves.toMatchObject({ scopes: [] })
    await expect(keyward.verify(token, { scopes: ['projects:read'] })).rejects.toMatchObject({
      code: 'insufficient_scope',
    })
  })

  test('revoking the parent key kills its outstanding access tokens at once, cached or not', async () => {
    const { accessTokens, keyward, key } = await setup()
    const token = await accessTokens.mintAccessToken(key)
    await keyward.verify(token)

    await keyward.keys.revoke(key.id)
    await expect(keyward.verify(token)).rejects.toMatchObject({
      code: 'revoked_token',
      status: 401,
    })
  })

  test('suspending the parent key refuses its access tokens at once, and resuming admits them again', async () => {
    const { accessTokens, keyward, key } = await setup()
    const token = await accessTokens.mintAccessToken(key)
    await keyward.verify(token)
    await keyward.keys.suspend(key.id, { reason: 'Investigation' })
    await expect(keyward.verify(token)).rejects.toMatchObject({
      code: 'suspended_token',
      status: 401,
    })
    await keyward.keys.resume(key.id)
    await expect(keyward.verify(token)).resolves.toMatchObject({ kind: 'access_token' })
  })

  test("access tokens are held to the parent key's allowedIps, cached or not", async () => {
    const { accessTokens, keyward, key } = await setup()
    const token = await accessTokens.mintAccessToken(key)
    await keyward.verify(token)
    await keyward.keys.update(key.id, { allowedIps: ['192.0.2.0/24'] })
    await expect(keyward.verify(token, { clientIp: '192.0.2.9' })).resolves.toMatchObject({
      kind: 'access_token',
    })
    await expect(keyward.verify(token, { clientIp: '::ffff:192.0.2.9' })).resolves.toBeDefined()
    for (const outside of [{ clientIp: '198.51.100.1' }, {}]) {
      await expect(keyward.verify(token, outside)).rejects.toMatchObject({
        code: 'ip_not_allowed',
        status: 403,
        wwwAuthenticate: undefined,
      })
    }
  })

  test("revoking the owner's keys kills their access tokens, and no other owner's", async () => {
    const { accessTokens, keyward, key, clock } = await setup()
    const { token: otherApiKey } = await keyward.keys.create({
      name: 'Other org',
      ownerId: 'org_2',
      scopes: ['projects:read'],
      expiresIn: '1d',
    })
    const mine = await accessTokens.mintAccessToken(key)
    const theirs = await accessTokens.mintAccessToken(await keyward.verify(otherApiKey))
    await keyward.verify(mine)

    clock.advance(1_000)
    await keyward.keys.revokeAll({ ownerId: 'org_1' })
    await expect(keyward.verify(mine)).rejects.toMatchObject({ code: 'revoked_token' })
    await expect(keyward.verify(theirs)).resolves.toMatchObject({ ownerId: 'org_2' })
  })

  test('revoking everything kills every access token', async () => {
    const { accessTokens, keyward, key } = await setup()
    const token = await accessTokens.mintAccessToken(key)
    await keyward.verify(token)

    await keyward.keys.revokeAll()
    await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
  })

  test('a revoke-all ends tokens minted after it from a key created before it (kw_created)', async () => {
    const { accessTokens, keyward, key, clock } = await setup()
    clock.advance(1_000)
    await keyward.keys.revokeAll({ ownerId: 'org_1' })
    // A VerifiedKey obtained before the incident is still at hand; a token minted from it
    // now has an iat after the epoch, but its parent was created before it.
    clock.advance(2_000)
    const late = await accessTokens.mintAccessToken(key)
    await expect(keyward.verify(late)).rejects.toMatchObject({ code: 'revoked_token' })
  })

  test('a key created a millisecond after a revoke-all mints tokens that work', async () => {
    const { accessTokens, keyward, clock } = await setup()
    clock.advance(250)
    await keyward.keys.revokeAll({ ownerId: 'org_1' })
    clock.advance(1)
    const { token: freshApiKey } = await keyward.keys.create({
      name: 'After the incident',
      ownerId: 'org_1',
      scopes: ['projects:read'],
      expiresIn: '1d',
    })
    const token = await accessTokens.mintAccessToken(await keyward.verify(freshApiKey))
    await expect(keyward.verify(token)).resolves.toMatchObject({
      ownerId: 'org_1',
      kind: 'access_token',
    })
  })

  test('a repeated verification does not check the signature again, until the token expires', async () => {
    const { accessTokens, key, clock, keyward: issuer } = await setup()
    const verify = vi.fn((token: string) => accessTokens.verify(token))
    const counted: TokenKind = { name: accessTokens.name, accepts: accessTokens.accepts, verify }
    // The same store and list as the issuer's: every use is checked against the parent key.
    const keyward = createKeyward({
      now: clock.now,
      store: issuer.store,
      revocations: issuer.revocations,
      tokenKinds: [counted],
      onError: () => {},
    })
    const token = await accessTokens.mintAccessToken(key, { ttl: '10m' })

    for (let i = 0; i < 5; i++)
      await expect(keyward.verify(token)).resolves.toMatchObject({ id: key.id })
    expect(verify).toHaveBeenCalledTimes(1)

    // Scope checks and revocation still run on every call, cached or not.
    await expect(keyward.verify(token, { scopes: ['datasets:read'] })).rejects.toMatchObject({
      code: 'insufficient_scope',
    })
    expect(verify).toHaveBeenCalledTimes(1)

    clock.advance(10 * MINUTE)
    await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'expired_token' })
  })

  test('a failed verification is not cached as a success', async () => {
    const { accessTokens, key, clock } = await setup()
    const verify = vi.fn((token: string) => accessTokens.verify(token))
    const keyward = createKeyward({
      now: clock.now,
      tokenKinds: [{ name: 'access_token', accepts: accessTokens.accepts, verify }],
      onError: () => {},
    })
    const token = await accessTokens.mintAccessToken(key)
    const forged = `${token.slice(0, -4)}AAAA`
    await expect(keyward.verify(forged)).rejects.toMatchObject({ code: 'malformed_token' })
    await expect(keyward.verify(forged)).rejects.toMatchObject({ code: 'malformed_token' })
    expect(verify).toHaveBeenCalledTimes(2)
  })
})
