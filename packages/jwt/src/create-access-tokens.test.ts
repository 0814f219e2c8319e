import { InsufficientScopeError, InvalidArgumentError, type VerifiedKey } from '@keyward/core'
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose'
import { describe, expect, test } from 'vitest'
import { AUDIENCE, decodePart, ISSUER, setup, T0, testClock } from '../test/fixtures.js'
import {
  type AccessTokenAlgorithm,
  type AccessTokensOptions,
  createAccessTokens,
  generateSigningKey,
} from './index.js'

describe('mintAccessToken', () => {
  test('signs the claims DESIGN names, with the active kid, typ at+jwt and EdDSA by default', async () => {
    const { accessTokens, key } = await setup()
    const token = await accessTokens.mintAccessToken(key, { ttl: '15m' })

    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(decodePart(token, 0)).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' })
    const claims = decodePart(token, 1)
    expect(claims).toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'org_1',
      client_id: key.id,
      jti: expect.stringMatching(/^[\w-]{22}$/),
      kw_key: key.id,
      kw_name: 'CI pipeline',
      kw_created: key.createdAt,
      scope: 'projects:read projects:write',
      iat: T0 / 1000,
      exp: T0 / 1000 + 15 * 60,
    })
  })

  test('is an RFC 9068 access token: jose verifies it with the profile’s required claims', async () => {
    const { accessTokens, key, clock } = await setup()
    const token = await accessTokens.mintAccessToken(key, { ttl: '15m' })
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createLocalJWKSet(await accessTokens.jwks()),
      {
        issuer: ISSUER,
        audience: AUDIENCE,
        typ: 'at+jwt',
        requiredClaims: ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'],
        currentDate: new Date(clock.now()),
      },
    )
    expect(protectedHeader.typ).toBe('at+jwt')
    expect(payload).toMatchObject({ client_id: key.id, kw_created: key.createdAt })
    expect(Number.isInteger(payload.iat) && Number.isInteger(payload.exp)).toBe(true)
    expect(accessTokens).toMatchObject({ issuer: ISSUER, audience: AUDIENCE })
  })

  test('gives every token its own jti', async () => {
    const { accessTokens, key } = await setup()
    const jtis = new Set<unknown>()
    for (let i = 0; i < 5; i++) jtis.add(decodePart(await accessTokens.mintAccessToken(key), 1).jti)
    expect(jtis.size).toBe(5)
  })

  test('lives maxTtl (1 h) when no ttl is asked for', async () => {
    const { accessTokens, key } = await setup()
    const issued = await accessTokens.issueAccessToken(key)
    expect(issued.expiresIn).toBe(3600)
    expect(decodePart(issued.accessToken, 1).exp).toBe(T0 / 1000 + 3600)
  })

  test('caps exp at the parent key expiry, and the token then fails with the key', async () => {
    const { accessTokens, keyward, key, clock } = await setup({}, { expiresIn: '10m' })
    const issued = await accessTokens.issueAccessToken(key, { ttl: '1h' })

    expect(issued.expiresIn).toBe(600)
    expect(decodePart(issued.accessToken, 1).exp).toBe(key.expiresAt / 1000)
    expect((await keyward.verify(issued.accessToken)).expiresAt).toBe(key.expiresAt)

    clock.set(key.expiresAt)
    await expect(keyward.verify(issued.accessToken)).rejects.toMatchObject({
      code: 'expired_token',
      status: 401,
    })
  })

  test('keeps iat and exp in whole seconds, exp never past now + ttl, when the clock is mid-second', async () => {
    const { accessTokens, key, clock } = await setup()
    clock.advance(1_750)
    const issued = await accessTokens.issueAccessToken(key, { ttl: 60 })
    const claims = decodePart(issued.accessToken, 1)
    expect(claims.exp).toBe(T0 / 1000 + 61)
    expect((claims.exp as number) * 1000).toBeLessThanOrEqual(T0 + 1_750 + 60_000)
    expect(claims.iat).toBe(T0 / 1000 + 1)
    expect(issued.expiresIn).toBe(60)
  })

  test('narrows scopes to the ones asked for, and core enforces the narrower set', async () => {
    const { accessTokens, keyward, key, apiKey } = await setup()
    const issued = await accessTokens.issueAccessToken(key, { scopes: ['projects:read'] })
    expect(issued.scopes).toEqual(['projects:read'])
    expect(decodePart(issued.accessToken, 1).scope).toBe('projects:read')

    await expect(
      keyward.verify(issued.accessToken, { scopes: ['projects:read'] }),
    ).resolves.toMatchObject({
      scopes: ['projects:read'],
    })
    await expect(
      keyward.verify(issued.accessToken, { scopes: ['projects:write'] }),
    ).rejects.toMatchObject({
      code: 'insufficient_scope',
      status: 403,
    })
    // The API key itself keeps both.
    await expect(keyward.verify(apiKey, { scopes: ['projects:write'] })).resolves.toMatchObject({
      kind: 'api_key',
    })
  })

  test("lets a key's wildcard grant cover concrete scopes, and refuses scopes it does not hold with 403", async () => {
    const { accessTokens, key } = await setup({}, { scopes: ['projects:*'] })
    await expect(
      accessTokens.issueAccessToken(key, { scopes: ['projects:read'] }),
    ).resolves.toMatchObject({
      scopes: ['projects:read'],
    })
    await expect(
      accessTokens.issueAccessToken(key, { scopes: ['projects:*'] }),
    ).resolves.toMatchObject({
      scopes: ['projects:*'],
    })

    const refused = await accessTokens
      .issueAccessToken(key, { scopes: ['projects:read', 'billing:read', '*'] })
      .catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(InsufficientScopeError)
    expect(refused).toMatchObject({ status: 403, missingScopes: ['billing:read', '*'] })
  })

  test('rejects bad ttl and scopes with invalid_argument naming the field', async () => {
    const { accessTokens, key } = await setup()
    const failure = (options: Parameters<typeof accessTokens.issueAccessToken>[1]) =>
      accessTokens.issueAccessToken(key, options).catch((error: unknown) => error)

    for (const ttl of ['2h', 3601, 0, 0.5, -1, 'soon', '15 minutes']) {
      const error = await failure({ ttl })
      expect(error, `ttl ${ttl}`).toBeInstanceOf(InvalidArgumentError)
      expect(error).toMatchObject({ field: 'ttl', status: 422 })
    }
    expect(await failure({ scopes: [] })).toMatchObject({
      field: 'scopes',
      code: 'invalid_argument',
    })
    expect(await failure({ scopes: 'projects:read' as never })).toMatchObject({ field: 'scopes' })
    expect(await failure({ scopes: ['projects:read', 'Projects Read'] })).toMatchObject({
      field: 'scopes[1]',
    })
  })

  test('refuses a key that has expired', async () => {
    const { accessTokens, key, clock } = await setup()
    clock.set(key.expiresAt)
    await expect(accessTokens.mintAccessToken(key)).rejects.toMatchObject({ code: 'expired_token' })
  })

  test('refuses something that is not a VerifiedKey with a TypeError', async () => {
    const { accessTokens, key } = await setup()
    await expect(accessTokens.mintAccessToken({ id: 'key_x' } as VerifiedKey)).rejects.toThrow(
      TypeError,
    )
    // Without the key's creation time, a token could not carry kw_created.
    const { createdAt: _, ...withoutCreatedAt } = key
    for (const candidate of [
      withoutCreatedAt,
      { ...key, createdAt: 1.5 },
      { ...key, createdAt: -1 },
    ]) {
      await expect(accessTokens.mintAccessToken(candidate as VerifiedKey)).rejects.toThrow(
        /^key must be a VerifiedKey/,
      )
    }
  })

  test('copies metadata only with includeMetadata, and handlers then see it', async () => {
    const withMetadata = await setup({ includeMetadata: true })
    const key = { ...withMetadata.key, metadata: { plan: 'pro' } }
    const token = await withMetadata.accessTokens.mintAccessToken(key)
    expect(decodePart(token, 1).kw_meta).toEqual({ plan: 'pro' })
    expect((await withMetadata.keyward.verify(token)).metadata).toEqual({ plan: 'pro' })

    const without = await setup()
    const plain = await without.accessTokens.mintAccessToken({
      ...without.key,
      metadata: { plan: 'pro' },
    })
    expect(decodePart(plain, 1)).not.toHaveProperty('kw_meta')

    // A token too long to be recognised as one is refused rather than handed out.
    const huge = { ...withMetadata.key, metadata: { notes: 'x'.repeat(9_000) } }
    await expect(withMetadata.accessTokens.mintAccessToken(huge)).rejects.toThrow(RangeError)
  })
})

describe('algorithms', () => {
  const cases: AccessTokenAlgorithm[] = ['EdDSA', 'ES256', 'RS256', 'HS256']
  test.each(cases)('%s: a minted token verifies through keyward.verify', async (alg) => {
    const signingKey = await generateSigningKey(alg, { kid: `${alg}-1` })
    const { accessTokens, keyward, key } = await setup({ signingKeys: [signingKey] })
    const token = await accessTokens.mintAccessToken(key, { scopes: ['projects:read'] })

    expect(decodePart(token, 0)).toMatchObject({ alg, kid: `${alg}-1` })
    await expect(keyward.verify(token, { scopes: ['projects:read'] })).resolves.toMatchObject({
      id: key.id,
      ownerId: 'org_1',
      kind: 'access_token',
    })
  })

  test.each(['EdDSA', 'ES256', 'RS256'] as const)(
    '%s: keys given as JWKs sign and verify too',
    async (alg) => {
      const pair = await generateKeyPair(alg, { extractable: true })
      const privateJwk = await exportJWK(pair.privateKey)
      const { accessTokens, keyward, key } = await setup({
        signingKeys: [{ kid: 'jwk', privateKey: privateJwk }],
      })
      await expect(keyward.verify(await accessTokens.mintAccessToken(key))).resolves.toMatchObject({
        id: key.id,
      })

      const [published] = (await accessTokens.jwks()).keys
      expect(published).toMatchObject({ kid: 'jwk', alg, use: 'sig' })
    },
  )

  test('an HS256 secret given as bytes verifies, and is never published', async () => {
    const secret = crypto.getRandomValues(new Uint8Array(32))
    const { accessTokens, keyward, key } = await setup({ signingKeys: [{ kid: 'hs', secret }] })
    await expect(keyward.verify(await accessTokens.mintAccessToken(key))).resolves.toMatchObject({
      id: key.id,
    })
    expect(await accessTokens.jwks()).toEqual({ keys: [] })
  })
})

describe('jwks()', () => {
  test('publishes every asymmetric key with kid, alg and use, and no private member, ever', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true })
    const ec = await generateKeyPair('ES256', { extractable: true })
    const ed = await generateSigningKey('EdDSA', { kid: 'ed' })
    const accessTokens = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      signingKeys: [
        ed,
        { kid: 'rsa', privateKey: await exportJWK(rsa.privateKey) },
        { kid: 'ec', privateKey: ec.privateKey },
        { kid: 'hs', secret: 'a shared secret of at least 32 bytes!' },
      ],
    })
    const { keys } = await accessTokens.jwks()

    expect(keys.map((jwk) => [jwk.kid, jwk.alg, jwk.use])).toEqual([
      ['ed', 'EdDSA', 'sig'],
      ['rsa', 'RS256', 'sig'],
      ['ec', 'ES256', 'sig'],
    ])
    for (const jwk of keys) {
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])
        expect(jwk).not.toHaveProperty(member)
    }
    expect(JSON.stringify(keys)).not.toContain('shared secret')
  })

  test('hands out a fresh object each call', async () => {
    const { accessTokens } = await setup()
    const first = await accessTokens.jwks()
    first.keys[0]!.x = 'changed'
    expect((await accessTokens.jwks()).keys[0]!.x).not.toBe('changed')
  })
})

describe('signing-key rotation', () => {
  test('the first key signs; older kids keep verifying until removed', async () => {
    const clock = testClock()
    const k1 = await generateSigningKey('EdDSA', { kid: 'k1' })
    const k2 = await generateSigningKey('EdDSA', { kid: 'k2' })
    const base = { issuer: ISSUER, audience: AUDIENCE, now: clock.now }
    const { key } = await setup()

    const before = createAccessTokens({ ...base, signingKeys: [k1] })
    const oldToken = await before.mintAccessToken(key)

    // Rotation: the new key first, the old one kept (its public half is enough) for verification.
    const during = createAccessTokens({
      ...base,
      signingKeys: [k2, { kid: 'k1', publicKey: k1.publicKey! }],
    })
    const newToken = await during.mintAccessToken(key)
    expect(decodePart(newToken, 0)).toMatchObject({ kid: 'k2', alg: 'EdDSA' })
    await expect(during.verify(oldToken)).resolves.toMatchObject({ keyId: key.id })
    await expect(during.verify(newToken)).resolves.toMatchObject({ keyId: key.id })
    expect((await during.jwks()).keys.map((jwk) => jwk.kid)).toEqual(['k2', 'k1'])

    const after = createAccessTokens({ ...base, signingKeys: [k2] })
    await expect(after.verify(newToken)).resolves.toMatchObject({ keyId: key.id })
    await expect(after.verify(oldToken)).rejects.toMatchObject({
      code: 'malformed_token',
      message: 'The access token was signed with an unknown key.',
    })
  })
})

describe('configuration', () => {
  test('bad options throw a TypeError naming the option, at construction', async () => {
    const signingKey = await generateSigningKey()
    const good: AccessTokensOptions = {
      issuer: ISSUER,
      audience: AUDIENCE,
      signingKeys: [signingKey],
    }
    const nonExtractable = await generateKeyPair('EdDSA')
    const rsa1024 = await crypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )
    const cases: [Partial<Record<keyof AccessTokensOptions, unknown>>, RegExp][] = [
      [{ issuer: '' }, /^issuer must be/],
      [{ audience: [] }, /^audience must be/],
      [{ signingKeys: [] }, /^signingKeys must be a non-empty array/],
      [{ signingKeys: [{ ...signingKey, kid: '' }] }, /^signingKeys\[0\]\.kid must be/],
      [{ signingKeys: [signingKey, signingKey] }, /^signingKeys\[1\]\.kid must be unique/],
      [
        { signingKeys: [{ kid: 'a', publicKey: signingKey.publicKey }] },
        /^signingKeys\[0\]\.privateKey must be given/,
      ],
      [
        { signingKeys: [{ kid: 'a', privateKey: nonExtractable.privateKey }] },
        /^signingKeys\[0\]\.publicKey must be given/,
      ],
      [
        { signingKeys: [{ kid: 'a', privateKey: signingKey.publicKey }] },
        /^signingKeys\[0\]\.privateKey must be a private/,
      ],
      [
        { signingKeys: [{ ...signingKey, alg: 'RS256' }] },
        /^signingKeys\[0\]\.privateKey must be a RS256 key/,
      ],
      [
        { signingKeys: [{ kid: 'a', privateKey: rsa1024.privateKey }] },
        /^signingKeys\[0\]\.privateKey must be an Ed25519/,
      ],
      [
        { signingKeys: [{ kid: 'a', secret: 'too short' }] },
        /^signingKeys\[0\]\.secret must be at least 32 bytes/,
      ],
      [
        { signingKeys: [{ kid: 'a', secret: 'x'.repeat(32), privateKey: signingKey.privateKey }] },
        /either secret/,
      ],
      [{ maxTtl: 0 }, /^maxTtl must be/],
      [{ maxTtl: '1h', defaultTtl: '2h' }, /^defaultTtl must not exceed maxTtl/],
      [{ clockTolerance: -1 }, /^clockTolerance must be/],
      [{ algorithms: ['none'] }, /^algorithms must be/],
      [{ algorithms: ['RS256'] }, /^algorithms must include one the keys can verify/],
      [{ now: 5 }, /^now must be a function/],
      [{ realm: 'a"b' }, /^realm must be/],
      [{ jwks: 'http://keys.example.com/jwks.json' }, /^jwks must be an https: URL/],
      [
        { jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc', d: 'secret', kid: 'a' }] } },
        /private member "d"/,
      ],
      [{ includeMetadata: 'yes' }, /^includeMetadata must be a boolean/],
    ]
    for (const [override, message] of cases) {
      expect(
        () => createAccessTokens({ ...good, ...override } as AccessTokensOptions),
        JSON.stringify(override),
      ).toThrow(message)
      expect(() => createAccessTokens({ ...good, ...override } as AccessTokensOptions)).toThrow(
        TypeError,
      )
    }
    expect(() => createAccessTokens(undefined as never)).toThrow(TypeError)
  })

  test('ttl limits follow maxTtl and defaultTtl', async () => {
    const { accessTokens, key } = await setup({ maxTtl: '5m', defaultTtl: 120 })
    expect((await accessTokens.issueAccessToken(key)).expiresIn).toBe(120)
    expect((await accessTokens.issueAccessToken(key, { ttl: '5m' })).expiresIn).toBe(300)
    await expect(accessTokens.issueAccessToken(key, { ttl: 301 })).rejects.toMatchObject({
      field: 'ttl',
      message: 'ttl must be between 1 and 300 seconds.',
    })
  })

  test('is a TokenKind and an AccessTokenIssuer', async () => {
    const { accessTokens } = await setup()
    expect(accessTokens.name).toBe('access_token')
    expect(accessTokens.accepts('kw_live_abc')).toBe(false)
    expect(accessTokens.accepts('eyJhbGciOiJFZERTQSJ9.eyJ9.sig')).toBe(true)
    expect(accessTokens.accepts('eyJ.only-one-dot')).toBe(false)
    expect(accessTokens.accepts('eyJa.b.c.d')).toBe(false)
    expect(accessTokens.accepts(`eyJ${'a'.repeat(9000)}.b.c`)).toBe(false)
    expect(typeof accessTokens.issueAccessToken).toBe('function')
  })
})
