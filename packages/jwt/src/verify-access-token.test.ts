import { InvalidTokenError, type KeywardError } from '@keyward/core'
import fc from 'fast-check'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose'
import { describe, expect, test } from 'vitest'
import {
  AUDIENCE,
  base64UrlJson,
  claimsFor,
  decodePart,
  ISSUER,
  MINUTE,
  type Setup,
  setup,
  sign,
  T0,
} from '../test/fixtures.js'
import { createAccessTokens, createAccessTokenVerifier, generateSigningKey } from './index.js'

/**
 * Verifies `token` through both doors (the TokenKind and `keyward.verify`) and returns the
 * error, checking on the way that nothing of the token leaks into what a client sees.
 */
async function rejection(s: Setup, token: string): Promise<KeywardError> {
  const direct = await s.accessTokens.verify(token).then(
    () => undefined,
    (error: unknown) => error,
  )
  const viaKeyward = await s.keyward.verify(token).then(
    () => undefined,
    (error: unknown) => error,
  )
  expect(direct).toBeInstanceOf(InvalidTokenError)
  expect(viaKeyward).toBeInstanceOf(InvalidTokenError)
  const error = direct as KeywardError
  expect((viaKeyward as KeywardError).code).toBe(error.code)
  expect(error.status).toBe(401)
  expect(error.wwwAuthenticate).toContain('error="invalid_token"')
  for (const part of token.split('.').filter((segment) => segment.length > 8)) {
    expect(error.message).not.toContain(part.slice(0, 12))
    expect(error.wwwAuthenticate).not.toContain(part.slice(0, 12))
  }
  return error
}

describe('verification resolves', () => {
  test("the parent key's creation time (kw_created) and a whole-second issue time", async () => {
    const s = await setup()
    s.clock.advance(1_750)
    const token = await s.accessTokens.mintAccessToken(s.key)
    expect(decodePart(token, 1)).toMatchObject({ kw_created: s.key.createdAt, iat: T0 / 1000 + 1 })

    await expect(s.accessTokens.verify(token)).resolves.toMatchObject({
      keyId: s.key.id,
      keyCreatedAt: s.key.createdAt,
      issuedAt: T0 + 1_000,
    })
    // The stateless path hands the parent's creation time on as the VerifiedKey's.
    await expect(s.accessTokens.verifyAccessToken(token)).resolves.toMatchObject({
      id: s.key.id,
      createdAt: s.key.createdAt,
      kind: 'access_token',
    })
  })
})

describe('verification refuses', () => {
  test('a tampered payload', async () => {
    const s = await setup()
    const token = await s.accessTokens.mintAccessToken(s.key, { scopes: ['projects:read'] })
    const [header, , signature] = token.split('.')
    const widened = { ...decodePart(token, 1), scope: 'projects:read projects:write', sub: 'org_2' }
    const tampered = `${header}.${base64UrlJson(widened)}.${signature}`

    expect(await rejection(s, tampered)).toMatchObject({
      code: 'malformed_token',
      message: "The access token's signature is invalid.",
    })
    await expect(s.keyward.verify(token)).resolves.toMatchObject({ scopes: ['projects:read'] })
  })

  test('a tampered signature', async () => {
    const s = await setup()
    const token = await s.accessTokens.mintAccessToken(s.key)
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const middle = Math.floor(signature.length / 2)
    const flipped = signature[middle] === 'A' ? 'B' : 'A'
    const tampered = `${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`

    expect(await rejection(s, tampered)).toMatchObject({ code: 'malformed_token' })
    expect(await rejection(s, `${header}.${payload}.`)).toMatchObject({ code: 'malformed_token' })
  })

  test('an expired token, with expired_token, exactly at exp and long after', async () => {
    const s = await setup()
    const token = await s.accessTokens.mintAccessToken(s.key, { ttl: '5m' })
    await expect(s.keyward.verify(token)).resolves.toBeDefined()

    s.clock.advance(5 * MINUTE - 1)
    await expect(s.keyward.verify(token)).resolves.toBeDefined()
    s.clock.advance(1)
    expect(await rejection(s, token)).toMatchObject({
      code: 'expired_token',
      message: 'The access token has expired.',
    })
    s.clock.advance(MINUTE)
    expect(await rejection(s, token)).toMatchObject({ code: 'expired_token' })
  })

  test('a token not valid yet (iat or nbf in the future beyond the clock tolerance)', async () => {
    const s = await setup({ clockTolerance: '5s' })
    const at = s.clock.now()
    const futureIat = await sign(s.signingKey, claimsFor(s.key, at + MINUTE))
    expect(await rejection(s, futureIat)).toMatchObject({
      code: 'malformed_token',
      message: 'The access token is not valid yet.',
    })
    const futureNbf = await sign(s.signingKey, claimsFor(s.key, at, { nbf: at / 1000 + 60 }))
    expect(await rejection(s, futureNbf)).toMatchObject({
      message: 'The access token is not valid yet.',
    })

    // Within the tolerance, skew between instances is forgiven.
    await expect(
      s.accessTokens.verify(await sign(s.signingKey, claimsFor(s.key, at + 4_000))),
    ).resolves.toBeDefined()
    const nearNbf = await sign(s.signingKey, claimsFor(s.key, at, { nbf: at / 1000 + 4 }))
    await expect(s.accessTokens.verify(nearNbf)).resolves.toBeDefined()
  })

  test('a token minted on a clock running ahead', async () => {
    const s = await setup()
    s.clock.advance(10 * MINUTE)
    const token = await s.accessTokens.mintAccessToken(s.key)
    s.clock.set(T0)
    expect(await rejection(s, token)).toMatchObject({
      message: 'The access token is not valid yet.',
    })
  })

  test('another issuer or audience', async () => {
    const s = await setup()
    const sameKey = { signingKeys: [s.signingKey], now: s.clock.now }
    const otherIssuer = createAccessTokens({
      ...sameKey,
      issuer: 'https://evil.example',
      audience: AUDIENCE,
    })
    const otherAudience = createAccessTokens({
      ...sameKey,
      issuer: ISSUER,
      audience: 'https://other.example',
    })

    expect(await rejection(s, await otherIssuer.mintAccessToken(s.key))).toMatchObject({
      code: 'malformed_token',
      message: 'The access token comes from another issuer.',
    })
    expect(await rejection(s, await otherAudience.mintAccessToken(s.key))).toMatchObject({
      code: 'malformed_token',
      message: 'The access token is meant for another audience.',
    })
  })

  test('an unknown kid, or none', async () => {
    const s = await setup()
    const stranger = await generateSigningKey('EdDSA', { kid: 'k9' })
    const unknown = await sign(stranger, claimsFor(s.key, s.clock.now()))
    expect(await rejection(s, unknown)).toMatchObject({
      code: 'malformed_token',
      message: 'The access token was signed with an unknown key.',
    })
    // The right key, a kid it does not have: still unknown.
    const wrongKid = await sign(s.signingKey, claimsFor(s.key, s.clock.now()), { kid: 'k9' })
    expect(await rejection(s, wrongKid)).toMatchObject({
      message: 'The access token was signed with an unknown key.',
    })
    const noKid = await sign(s.signingKey, claimsFor(s.key, s.clock.now()), { kid: undefined })
    expect(await rejection(s, noKid)).toMatchObject({ code: 'malformed_token' })
  })

  test('alg none', async () => {
    const s = await setup()
    const claims = claimsFor(s.key, s.clock.now())
    for (const alg of ['none', 'None', 'NONE']) {
      const unsigned = `${base64UrlJson({ alg, kid: 'k1', typ: 'at+jwt' })}.${base64UrlJson(claims)}.`
      expect(await rejection(s, unsigned)).toMatchObject({ code: 'malformed_token' })
    }
  })

  test('HS256 signed with the public key of an RS256 key (key confusion)', async () => {
    const rsa = await generateSigningKey('RS256', { kid: 'rs' })
    const s = await setup({ signingKeys: [rsa] })
    const claims = claimsFor(s.key, s.clock.now())
    const publicJwk = (await s.accessTokens.jwks()).keys[0]!
    const secrets = [
      new TextEncoder().encode(await exportSPKI(rsa.publicKey as CryptoKey)),
      new TextEncoder().encode(JSON.stringify(publicJwk)),
    ]
    for (const secret of secrets) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: 'rs', typ: 'at+jwt' })
        .sign(secret)
      expect(await rejection(s, forged)).toMatchObject({
        code: 'malformed_token',
        message: "The access token's algorithm is not accepted.",
      })
    }

    // Even with HS256 on the allow-list (an HS256 key is configured too), an RS256 kid only
    // verifies RS256.
    const mixed = await setup({ signingKeys: [rsa, { kid: 'hs', secret: 'x'.repeat(32) }] })
    const spki = new TextEncoder().encode(await exportSPKI(rsa.publicKey as CryptoKey))
    const forged = await new SignJWT(claimsFor(mixed.key, mixed.clock.now()))
      .setProtectedHeader({ alg: 'HS256', kid: 'rs', typ: 'at+jwt' })
      .sign(spki)
    expect(await rejection(mixed, forged)).toMatchObject({
      message: "The access token's algorithm does not match its key.",
    })
  })

  test('a JWT of another type signed by the same key (typ must be at+jwt)', async () => {
    const s = await setup()
    const idToken = await sign(s.signingKey, claimsFor(s.key, s.clock.now()), { typ: 'JWT' })
    expect(await rejection(s, idToken)).toMatchObject({ code: 'malformed_token' })
  })

  test('a signed token without the Keyward claims', async () => {
    const s = await setup()
    for (const claim of ['kw_key', 'kw_created']) {
      const claims = claimsFor(s.key, s.clock.now())
      delete claims[claim]
      expect(await rejection(s, await sign(s.signingKey, claims))).toMatchObject({
        code: 'malformed_token',
        message: `The access token lacks the ${claim} claim.`,
      })
    }
    for (const created of [-1, 1.5, '1700000000000', null, 2 ** 53]) {
      const claims = claimsFor(s.key, s.clock.now(), { kw_created: created })
      expect(await rejection(s, await sign(s.signingKey, claims)), String(created)).toMatchObject({
        code: 'malformed_token',
        message: "The access token's claims are invalid.",
      })
    }
    const badScope = await sign(
      s.signingKey,
      claimsFor(s.key, s.clock.now(), { scope: 'Not A Scope' }),
    )
    expect(await rejection(s, badScope)).toMatchObject({ code: 'malformed_token' })
  })

  test('garbage that merely looks like a JWT', async () => {
    const s = await setup()
    for (const garbage of [
      'eyJ.eyJ.x',
      'eyJhbGciOi.eyJzdWIi.c2ln',
      `eyJ${'A'.repeat(40)}.${'B'.repeat(40)}.x`,
    ]) {
      expect(await rejection(s, garbage)).toMatchObject({ code: 'malformed_token' })
    }
  })
})

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** The low bits of a part's last character that encode no byte (zero in canonical base64url). */
function unusedBits(part: string): number {
  return part.length % 4 === 2 ? 0x0f : part.length % 4 === 3 ? 0x03 : 0
}

/** `part` with `bits` set in its last character: another spelling of the same bytes. */
function respelled(part: string, bits: number): string {
  const last = BASE64URL.indexOf(part.at(-1)!)
  return part.slice(0, -1) + BASE64URL[last | bits]!
}

function withPart(token: string, index: number, part: string): string {
  const parts = token.split('.')
  parts[index] = part
  return parts.join('.')
}

/** Issue 9, defect 9: a token has exactly one spelling, so no variant of it verifies. */
describe('one access token, one spelling', () => {
  test('refuses padded parts and a signature respelled in its unused bits', async () => {
    const s = await setup()
    const token = await s.accessTokens.mintAccessToken(s.key)
    await expect(s.keyward.verify(token)).resolves.toMatchObject({ id: s.key.id })
    const [header, payload, signature] = token.split('.') as [string, string, string]
    expect(unusedBits(signature)).not.toBe(0) // Ed25519: 64 bytes, 86 characters

    const padding = (part: string) => '='.repeat((4 - (part.length % 4)) % 4)
    const variants: Record<string, string> = {
      'signature with == appended': `${token}==`,
      'signature with its padding': `${token}${padding(signature)}`,
      'last signature character swapped to its bit-sibling': withPart(
        token,
        2,
        respelled(signature, 1),
      ),
      'header with ==': withPart(token, 0, `${header}==`),
      'header with its padding': withPart(token, 0, `${header}${padding(header) || '=='}`),
      'payload with ==': withPart(token, 1, `${payload}==`),
      'payload with its padding': withPart(token, 1, `${payload}${padding(payload) || '=='}`),
      'base64 instead of base64url': withPart(
        token,
        2,
        Buffer.from(signature, 'base64url').toString('base64').replace(/=+$/, ''),
      ),
    }
    for (const [what, variant] of Object.entries(variants)) {
      if (variant === token) continue
      expect(await rejection(s, variant), what).toMatchObject({
        code: 'malformed_token',
        message: 'The access token is malformed.',
      })
    }
    // The original still verifies, through both doors.
    await expect(s.accessTokens.verify(token)).resolves.toMatchObject({ keyId: s.key.id })
    await expect(s.keyward.verify(token)).resolves.toMatchObject({ kind: 'access_token' })
  })

  test('refuses every respelling of the last character of any part that decodes to the same bytes', async () => {
    const s = await setup()
    const scopeChoices = [
      ['projects:read'],
      ['projects:write'],
      ['projects:read', 'projects:write'],
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...scopeChoices),
        fc.constantFrom(0, 1, 2),
        fc.integer({ min: 1, max: 0x0f }),
        async (scopes, index, bits) => {
          const token = await s.accessTokens.mintAccessToken(s.key, { scopes })
          const part = token.split('.')[index]!
          fc.pre((bits & unusedBits(part)) === bits)
          const variant = withPart(token, index, respelled(part, bits))
          expect(variant).not.toBe(token)
          expect(Buffer.from(variant.split('.')[index]!, 'base64url')).toEqual(
            Buffer.from(part, 'base64url'),
          )
          expect(await rejection(s, variant)).toMatchObject({ code: 'malformed_token' })
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('createAccessTokenVerifier (public keys only)', () => {
  test('verifies tokens from the issuer with its published JWK Set, and the scopes asked for', async () => {
    const s = await setup()
    const verifier = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: await s.accessTokens.jwks(),
      now: s.clock.now,
    })
    const token = await s.accessTokens.mintAccessToken(s.key, { scopes: ['projects:read'] })

    expect(verifier.name).toBe('access_token')
    await expect(verifier.verifyAccessToken(token, { scopes: ['projects:read'] })).resolves.toEqual(
      {
        id: s.key.id,
        name: 'CI pipeline',
        ownerId: 'org_1',
        scopes: ['projects:read'],
        expiresAt: T0 + 60 * MINUTE,
        createdAt: s.key.createdAt,
        kind: 'access_token',
      },
    )
    await expect(
      verifier.verifyAccessToken(token, { scopes: ['projects:write'] }),
    ).rejects.toMatchObject({
      code: 'insufficient_scope',
      status: 403,
    })
    await expect(
      verifier.verifyAccessToken(token, { anyScopes: ['projects:write', 'projects:read'] }),
    ).resolves.toBeDefined()
    s.clock.advance(60 * MINUTE)
    await expect(verifier.verifyAccessToken(token)).rejects.toMatchObject({ code: 'expired_token' })
  })

  test('is stateless: revoking the parent key is seen only where core checks revocation', async () => {
    const s = await setup()
    const verifier = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: await s.accessTokens.jwks(),
      now: s.clock.now,
    })
    const token = await s.accessTokens.mintAccessToken(s.key, { ttl: '5m' })
    await s.keyward.keys.revoke(s.key.id)

    await expect(s.keyward.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
    await expect(verifier.verifyAccessToken(token)).resolves.toMatchObject({ id: s.key.id })
  })

  test('accepts any configured audience, and writes the first into new tokens', async () => {
    const s = await setup({ audience: ['https://new.example', AUDIENCE] })
    const token = await s.accessTokens.mintAccessToken(s.key)
    expect(decodePart(token, 1).aud).toBe('https://new.example')
    const legacy = await sign(s.signingKey, claimsFor(s.key, s.clock.now()))
    await expect(s.keyward.verify(legacy)).resolves.toMatchObject({ id: s.key.id })
  })

  test('never accepts HS256, since a public JWK Set cannot hold its secret', async () => {
    const s = await setup()
    const jwks = await s.accessTokens.jwks()
    const verifier = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks,
      now: s.clock.now,
    })
    const forged = await new SignJWT(claimsFor(s.key, s.clock.now()))
      .setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'at+jwt' })
      .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])))
    await expect(verifier.verify(forged)).rejects.toMatchObject({
      code: 'malformed_token',
      message: "The access token's algorithm is not accepted.",
    })
    expect(() =>
      createAccessTokenVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: { keys: [{ kty: 'oct', k: 'x'.repeat(43), kid: 'h' }] },
      }),
    ).toThrow(/private member "k"/)
  })

  test('bad options throw a TypeError at construction', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true })
    const publicJwk = await exportJWK(rsa.publicKey)
    const base = { issuer: ISSUER, audience: AUDIENCE }
    expect(() => createAccessTokenVerifier({ ...base } as never)).toThrow(/^jwks must be/)
    expect(() => createAccessTokenVerifier({ ...base, jwks: 'not a url' })).toThrow(
      /^jwks must be a JWK Set or a valid URL/,
    )
    expect(() =>
      createAccessTokenVerifier({ ...base, jwks: 'http://keys.example.com/jwks' }),
    ).toThrow(/https:/)
    expect(() => createAccessTokenVerifier({ ...base, jwks: { keys: [] } })).toThrow(
      /^jwks must be a JWK Set/,
    )
    expect(() => createAccessTokenVerifier({ ...base, jwks: { keys: [publicJwk] } })).toThrow(
      /^jwks\.keys\[0\]\.kid/,
    )
    expect(() =>
      createAccessTokenVerifier({
        ...base,
        jwks: { keys: [{ ...publicJwk, kid: 'r', alg: 'PS256' }] },
      }),
    ).toThrow(/^jwks\.keys\[0\]\.alg must be RS256/)
    expect(() =>
      createAccessTokenVerifier({
        ...base,
        jwks: { keys: [{ ...publicJwk, kid: 'r' }] },
        algorithms: ['EdDSA'],
      }),
    ).toThrow(/^algorithms must include one the keys can verify: RS256/)
    expect(createAccessTokenVerifier({ ...base, jwks: 'http://127.0.0.1:1/jwks.json' }).name).toBe(
      'access_token',
    )
  })
})
