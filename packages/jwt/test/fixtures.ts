import { createKeyward, type Keyward, type VerifiedKey } from '@keyward/core'
import { type JWTPayload, SignJWT } from 'jose'
import {
  type AccessTokens,
  type AccessTokensOptions,
  createAccessTokens,
  type GeneratedSigningKey,
  generateSigningKey,
} from '../src/index.js'

export const ISSUER = 'https://api.example.test'
export const AUDIENCE = 'https://api.example.test/v1'
/** A whole second, so `iat` and `exp` read easily; tests move the clock explicitly. */
export const T0 = Date.UTC(2030, 0, 1, 12, 0, 0)
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE

/** An injectable clock. */
export function testClock(start = T0) {
  let time = start
  return {
    now: () => time,
    advance(ms: number) {
      time += ms
    },
    set(at: number) {
      time = at
    },
  }
}

export interface Setup {
  clock: ReturnType<typeof testClock>
  signingKey: GeneratedSigningKey
  accessTokens: AccessTokens
  keyward: Keyward
  /** The plaintext API key. */
  apiKey: string
  /** The API key as `keyward.verify` returns it. */
  key: VerifiedKey
}

/**
 * An issuer (Ed25519, kid `k1`), a Keyward instance accepting its tokens, both on one
 * injected clock, and an API key of `org_1` with `projects:read projects:write`, valid a day.
 */
export async function setup(
  overrides: Partial<AccessTokensOptions> = {},
  keyInput: { scopes?: string[]; expiresIn?: string } = {},
): Promise<Setup> {
  const clock = testClock()
  const signingKey = await generateSigningKey('EdDSA', { kid: 'k1' })
  const accessTokens = createAccessTokens({
    issuer: ISSUER,
    audience: AUDIENCE,
    signingKeys: [signingKey],
    now: clock.now,
    ...overrides,
  })
  const keyward = createKeyward({ now: clock.now, tokenKinds: [accessTokens], onError: () => {} })
  const { token } = await keyward.keys.create({
    name: 'CI pipeline',
    ownerId: 'org_1',
    scopes: keyInput.scopes ?? ['projects:read', 'projects:write'],
    expiresIn: keyInput.expiresIn ?? '1d',
  })
  const key = await keyward.verify(token)
  return { clock, signingKey, accessTokens, keyward, apiKey: token, key }
}

/** The claims a minted token would carry, for forging variants with the real key. */
export function claimsFor(key: VerifiedKey, at: number, extra: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: key.ownerId,
    jti: 'forged',
    kw_key: key.id,
    kw_name: key.name,
    kw_created: key.createdAt,
    scope: key.scopes.join(' '),
    iat: Math.floor(at / 1000),
    exp: Math.floor(at / 1000) + 600,
    ...extra,
  }
}

/** Signs `payload` with `signingKey` the way the issuer does (header alg, kid, typ). */
export async function sign(
  signingKey: GeneratedSigningKey,
  payload: JWTPayload,
  header: Record<string, unknown> = {},
): Promise<string> {
  const key = signingKey.privateKey ?? signingKey.secret
  return new SignJWT(payload)
    .setProtectedHeader({ alg: signingKey.alg, kid: signingKey.kid, typ: 'at+jwt', ...header })
    .sign(key as CryptoKey)
}

export function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

export function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8'))
}
