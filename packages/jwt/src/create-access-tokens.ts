import {
  InvalidArgumentError,
  InvalidTokenError,
  parseDuration,
  type VerifiedKey,
} from '@keyward/core'
import {
  type AccessTokenIssuer,
  assertGrantable,
  assertObject,
  booleanOption,
  configDuration,
  type IssuedAccessToken,
  isScopeGrant,
} from '@keyward/core/adapter'
import { base64url, type JSONWebKeySet, type JWK, SignJWT } from 'jose'
import type { AccessTokenVerifier } from './create-access-token-verifier.js'
import { jwksKeySource, localKeySource } from './lib/key-sources.js'
import { readAlgorithms, readVerificationSettings } from './lib/options.js'
import { resolveSigningKeys } from './lib/signing-keys.js'
import {
  createTokenVerification,
  KIND,
  MAX_TOKEN_LENGTH,
  TOKEN_TYPE,
} from './lib/token-verification.js'
import type { AccessTokenPayload, AccessTokensOptions, MintAccessTokenOptions } from './types.js'

/**
 * Mints, publishes and verifies Keyward access tokens. It is at once a core `TokenKind`
 * (for `createKeyward({ tokenKinds })`) and the `AccessTokenIssuer` behind the management
 * API's `POST /api-keys/token`.
 */
export interface AccessTokens extends AccessTokenVerifier, AccessTokenIssuer {
  /**
   * Mints a compact JWS for `key` (the result of `keyward.verify`), an RFC 9068 access token
   * (`typ: at+jwt`): `iss`, `aud`, `sub` = owner, `client_id` = the key's id, `jti`,
   * `kw_key` = the key's id, `kw_name`, `kw_created` = the key's
   * `createdAt` (epoch ms), `scope`, `iat` (whole seconds), and
   * `exp` = min(now + ttl, the key's expiry), signed by the first of `signingKeys`.
   *
   * Rejects with `InvalidArgumentError` (`ttl`, `scopes`) for bad input,
   * `InsufficientScopeError` (403) when a requested scope is not held by the key, and
   * `InvalidTokenError('expired_token')` when the key has expired.
   */
  mintAccessToken(key: VerifiedKey, options?: MintAccessTokenOptions): Promise<string>
  /** {@link mintAccessToken} with the RFC 6749 §5.1 fields: the token, `expiresIn` (seconds) and its scopes. */
  issueAccessToken(key: VerifiedKey, options?: MintAccessTokenOptions): Promise<IssuedAccessToken>
  /**
   * The public JWK Set to publish (at `/.well-known/jwks.json`): one key per asymmetric
   * signing key, with `kid`, `alg` and `use: "sig"`, never a private member; `HS256`
   * secrets are never listed. A fresh object each call.
   */
  jwks(): Promise<JSONWebKeySet>
  /** The `iss` of minted tokens: what OAuth metadata (`createOAuthServer`) names as its issuer. */
  readonly issuer: string
  /** The `aud` of minted tokens (the first configured audience). */
  readonly audience: string
}

const HOUR_MS = 3_600_000
const SECOND_MS = 1_000
const MAX_SCOPES = 100

function assertVerifiedKey(key: unknown): asserts key is VerifiedKey {
  const candidate = key as Partial<VerifiedKey> | null
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.id !== 'string' ||
    typeof candidate.ownerId !== 'string' ||
    typeof candidate.name !== 'string' ||
    !Array.isArray(candidate.scopes) ||
    typeof candidate.expiresAt !== 'number' ||
    typeof candidate.createdAt !== 'number' ||
    !Number.isSafeInteger(candidate.createdAt) ||
    candidate.createdAt < 0
  ) {
    throw new TypeError('key must be a VerifiedKey (what keyward.verify resolves to)')
  }
}

function lifetime(value: unknown, option: string, fallback: number): number {
  const ms = configDuration(value, option, fallback)
  if (ms < SECOND_MS) throw new TypeError(`${option} must be at least 1 second`)
  return ms
}

/** The requested scopes, deduplicated, each a well-formed grant held by the key. */
function requestedScopes(requested: unknown, held: readonly string[], realm: string): string[] {
  if (requested === undefined) return [...held]
  if (!Array.isArray(requested))
    throw new InvalidArgumentError('scopes', 'scopes must be an array of scopes.')
  if (requested.length === 0)
    throw new InvalidArgumentError('scopes', 'scopes must name at least one scope.')
  if (requested.length > MAX_SCOPES) {
    throw new InvalidArgumentError('scopes', `scopes must hold at most ${MAX_SCOPES} scopes.`)
  }
  requested.forEach((scope: unknown, index) => {
    if (!isScopeGrant(scope)) {
      const field = `scopes[${index}]`
      throw new InvalidArgumentError(
        field,
        `${field} is not a scope (resource:action, or a wildcard like projects:*).`,
      )
    }
  })
  const scopes = [...new Set(requested as string[])]
  // Asking for more than the key holds is an authorization failure, not bad input: 403,
  // naming what is missing, exactly like a guard on a route.
  assertGrantable(scopes, held, realm)
  return scopes
}

/**
 * Builds the access-token issuer and verifier of DESIGN's "Access tokens": validated here
 * (a `TypeError('<option> must be …')` for bad configuration), keys imported in the
 * background.
 *
 * @example
 * const accessTokens = createAccessTokens({
 *   issuer: 'https://api.example.com',
 *   audience: 'https://api.example.com',
 *   signingKeys: [await generateSigningKey()],
 * })
 * const keyward = createKeyward({ scopes, tokenKinds: [accessTokens] })
 * const token = await accessTokens.mintAccessToken(await keyward.verify(apiKey), { ttl: '15m' })
 */
export function createAccessTokens(options: AccessTokensOptions): AccessTokens {
  assertObject(options)
  const settings = readVerificationSettings(options)
  const { issuer, audiences, now, realm } = settings
  const keys = resolveSigningKeys(options.signingKeys)
  const active = keys[0]!
  const signing = active.signing
  if (signing === undefined) {
    throw new TypeError('signingKeys[0].privateKey must be given: the first key signs new tokens')
  }
  const maxTtl = lifetime(options.maxTtl, 'maxTtl', HOUR_MS)
  const defaultTtl = lifetime(options.defaultTtl, 'defaultTtl', maxTtl)
  if (defaultTtl > maxTtl) throw new TypeError('defaultTtl must not exceed maxTtl')
  const includeMetadata = booleanOption(options.includeMetadata ?? false, 'includeMetadata', false)

  const source =
    options.jwks === undefined
      ? localKeySource(keys, realm)
      : jwksKeySource(options.jwks, 'jwks', options.remoteJwks, realm)
  const algorithms = readAlgorithms(options.algorithms, source.algorithms)
  if (!algorithms.includes(active.alg)) {
    throw new TypeError(`algorithms must include ${active.alg}, the algorithm of signingKeys[0]`)
  }
  const verification = createTokenVerification(settings, source, algorithms)
  const header = { alg: active.alg, kid: active.kid, typ: TOKEN_TYPE }
  const published = keys.flatMap((key) => (key.publicJwk === undefined ? [] : [key.publicJwk]))
  const maxTtlSeconds = maxTtl / SECOND_MS

  const issueAccessToken = async (
    key: VerifiedKey,
    mintOptions: MintAccessTokenOptions = {},
  ): Promise<IssuedAccessToken> => {
    assertVerifiedKey(key)
    assertObject(mintOptions)
    const at = now()
    if (at >= key.expiresAt)
      throw new InvalidTokenError('expired_token', 'The API key has expired.', { realm })
    const ttl = mintOptions.ttl === undefined ? defaultTtl : parseDuration(mintOptions.ttl, 'ttl')
    if (ttl < SECOND_MS || ttl > maxTtl) {
      throw new InvalidArgumentError('ttl', `ttl must be between 1 and ${maxTtlSeconds} seconds.`)
    }
    const scopes = requestedScopes(mintOptions.scopes, key.scopes, realm)
    // `exp` is whole seconds and never later than either bound.
    const exp = Math.min(Math.floor((at + ttl) / SECOND_MS), Math.floor(key.expiresAt / SECOND_MS))
    if (exp * SECOND_MS <= at) {
      throw new InvalidTokenError(
        'expired_token',
        'The API key expires too soon to mint an access token.',
        {
          realm,
        },
      )
    }
    const payload: AccessTokenPayload = {
      iss: issuer,
      aud: audiences[0]!,
      sub: key.ownerId,
      client_id: key.id,
      jti: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
      kw_key: key.id,
      kw_name: key.name,
      kw_created: key.createdAt,
      scope: scopes.join(' '),
      iat: Math.floor(at / SECOND_MS),
      exp,
    }
    if (includeMetadata && key.metadata !== undefined) payload.kw_meta = key.metadata
    const accessToken = await new SignJWT({ ...payload })
      .setProtectedHeader(header)
      .sign(await signing)
    if (accessToken.length > MAX_TOKEN_LENGTH) {
      // `accepts` would not recognise it, so it could never verify: refuse to hand it out.
      throw new RangeError(
        `The access token would exceed ${MAX_TOKEN_LENGTH} characters; is the key's metadata that large?`,
      )
    }
    return { accessToken, expiresIn: exp - Math.floor(at / SECOND_MS), scopes }
  }

  return Object.freeze({
    name: KIND,
    issuer,
    audience: audiences[0]!,
    // The issuer runs beside the key store: every use is bounded by the parent key.
    standalone: false,
    accepts: verification.accepts,
    verify: verification.verify,
    verifyAccessToken: verification.verifyAccessToken,
    issueAccessToken,
    async mintAccessToken(key: VerifiedKey, mintOptions?: MintAccessTokenOptions) {
      return (await issueAccessToken(key, mintOptions)).accessToken
    },
    async jwks(): Promise<JSONWebKeySet> {
      const jwks: JWK[] = await Promise.all(published)
      return { keys: jwks.map((jwk) => ({ ...jwk })) }
    },
  })
}
