import { InvalidTokenError, type KeyMetadata, type VerifiedKey } from '@keyward/core'
import {
  isScopeGrant,
  requirementCompiler,
  type TokenClaims,
  verifiedKeyOf,
} from '@keyward/core/adapter'
import { type JWTPayload, jwtVerify } from 'jose'
import type { AccessTokenAlgorithm, VerifyAccessTokenOptions } from '../types.js'
import { isCanonicalCompactJws } from './canonical-base64url.js'
import { toKeywardError } from './jose-errors.js'
import type { KeySource } from './key-sources.js'
import type { VerificationSettings } from './options.js'

/** The `typ` header of access tokens (RFC 9068), so another JWT signed by the same key is refused. */
export const TOKEN_TYPE = 'at+jwt'
/** The `kind` of a verified access token. */
export const KIND = 'access_token'
/** Longer strings are not treated as access tokens at all: bounded work for garbage. */
export const MAX_TOKEN_LENGTH = 8_192

const REQUIRED_CLAIMS = ['sub', 'jti', 'iat', 'exp', 'kw_key', 'kw_name', 'kw_created', 'scope']

/** The verifying half both factories share. */
export interface TokenVerification {
  accepts(token: string): boolean
  verify(token: string): Promise<TokenClaims>
  verifyAccessToken(token: string, options?: VerifyAccessTokenOptions): Promise<VerifiedKey>
}

/**
 * Cheap shape check: a compact JWS is three dot-separated parts, and a JSON header always
 * starts `{"` (`eyJ` in base64url). API keys start with a lower-case prefix, so never match.
 */
export function looksLikeAccessToken(token: string): boolean {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !token.startsWith('eyJ'))
    return false
  const first = token.indexOf('.')
  const second = first === -1 ? -1 : token.indexOf('.', first + 1)
  return second > first + 1 && token.indexOf('.', second + 1) === -1
}

function isPlainObject(value: unknown): value is KeyMetadata {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function createTokenVerification(
  settings: VerificationSettings,
  source: KeySource,
  algorithms: readonly AccessTokenAlgorithm[],
): TokenVerification {
  const { issuer, audiences, toleranceMs, now, realm } = settings
  const jwtOptions = {
    issuer,
    audience: [...audiences],
    algorithms: [...algorithms],
    typ: TOKEN_TYPE,
    clockTolerance: toleranceMs / 1000,
    requiredClaims: REQUIRED_CLAIMS,
  }
  const malformed = (message: string) =>
    new InvalidTokenError('malformed_token', message, { realm })

  const claimsOf = (payload: JWTPayload): TokenClaims => {
    const {
      sub,
      kw_key: keyId,
      kw_name: name,
      kw_created: keyCreatedAt,
      scope,
      iat,
      exp,
      kw_meta: metadata,
    } = payload
    if (
      typeof sub !== 'string' ||
      sub === '' ||
      typeof keyId !== 'string' ||
      keyId === '' ||
      typeof name !== 'string' ||
      typeof scope !== 'string' ||
      typeof keyCreatedAt !== 'number' ||
      !Number.isSafeInteger(keyCreatedAt) ||
      keyCreatedAt < 0 ||
      typeof iat !== 'number' ||
      typeof exp !== 'number'
    ) {
      throw malformed("The access token's claims are invalid.")
    }
    // A key may hold no scope at all; its tokens then carry an empty `scope` and grant nothing.
    const scopes = scope === '' ? [] : scope.split(' ')
    if (!scopes.every(isScopeGrant)) throw malformed("The access token's scope claim is invalid.")
    if (metadata !== undefined && !isPlainObject(metadata))
      throw malformed("The access token's claims are invalid.")
    const at = now()
    const expiresAt = exp * 1000
    // jose forgives `clockTolerance` on `exp` as well; expiry stays exact, as for API keys.
    if (at >= expiresAt)
      throw new InvalidTokenError('expired_token', 'The access token has expired.', { realm })
    const issuedAt = iat * 1000
    if (issuedAt > at + toleranceMs) throw malformed('The access token is not valid yet.')
    const claims: TokenClaims = {
      keyId,
      ownerId: sub,
      name,
      scopes,
      issuedAt,
      keyCreatedAt,
      expiresAt,
    }
    if (metadata !== undefined) claims.metadata = metadata
    return claims
  }

  const verify = async (token: string): Promise<TokenClaims> => {
    // One spelling per token: lenient base64url decoding would let `xy==` or a respelled last
    // character stand for the same bytes, and so the same signed token under another hash.
    if (!looksLikeAccessToken(token) || !isCanonicalCompactJws(token))
      throw malformed('The access token is malformed.')
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, source.getKey, {
        ...jwtOptions,
        currentDate: new Date(now()),
      }))
    } catch (error) {
      throw toKeywardError(error, realm)
    }
    return claimsOf(payload)
  }

  const requirementOf = requirementCompiler()

  return {
    accepts: looksLikeAccessToken,
    verify,
    async verifyAccessToken(token, options) {
      const requirement = requirementOf(options?.scopes, options?.anyScopes)
      const claims = await verify(token)
      requirement?.check(new Set(claims.scopes), realm)
      // The parent key is not looked up here: this is the JWKS-only path, bounded by `exp` alone.
      return verifiedKeyOf(KIND, { ...claims, id: claims.keyId, createdAt: claims.keyCreatedAt })
    },
  }
}
