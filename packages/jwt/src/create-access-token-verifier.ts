import type { VerifiedKey } from '@keyward/core'
import {
  assertObject,
  booleanOption,
  type TokenClaims,
  type TokenKind,
} from '@keyward/core/adapter'
import { jwksKeySource } from './lib/key-sources.js'
import { readAlgorithms, readVerificationSettings } from './lib/options.js'
import { createTokenVerification, KIND } from './lib/token-verification.js'
import type { AccessTokenVerifierOptions, VerifyAccessTokenOptions } from './types.js'

/**
 * Verifies Keyward access tokens. It is a core `TokenKind`: give it to
 * `createKeyward({ tokenKinds: [it] })` and `keyward.verify` accepts access tokens next to
 * API keys, with revocation, expiry, scopes and caching applied by core.
 */
export interface AccessTokenVerifier extends TokenKind {
  /** `'access_token'`, shown as `VerifiedKey.kind`. */
  readonly name: 'access_token'
  /** Whether `keyward.verify` judges tokens by their claims alone (see the `standalone` option). */
  readonly standalone: boolean
  /** Whether `token` looks like a compact JWS (`eyJ…`, three parts); cheap and synchronous. */
  accepts(token: string): boolean
  /**
   * Checks signature, `alg`, `typ`, `iss`, `aud`, `iat`/`nbf` and `exp`, and resolves to the
   * claims core needs. Rejects with `InvalidTokenError` (`expired_token` or
   * `malformed_token`), or `UnavailableError` when the JWK Set cannot be fetched.
   */
  verify(token: string): Promise<TokenClaims>
  /**
   * Stateless verification for services that see only the public JWK Set (an edge
   * function): {@link verify} plus the scope requirement, resolving to a `VerifiedKey` whose
   * `createdAt` is the parent key's (from `kw_created`). The parent key is never consulted,
   * so a token keeps working here until its own `exp` even after its key is revoked,
   * rotated, narrowed or shortened.
   */
  verifyAccessToken(token: string, options?: VerifyAccessTokenOptions): Promise<VerifiedKey>
}

/**
 * Builds a verify-only {@link AccessTokenVerifier} from the issuer's public JWK Set, given
 * inline or by URL: for services that must accept access tokens but never mint them. Bad
 * options throw `TypeError('<option> must be …')` here.
 *
 * @example
 * const accessTokens = createAccessTokenVerifier({
 *   issuer: 'https://api.example.com',
 *   audience: 'https://api.example.com',
 *   jwks: 'https://api.example.com/.well-known/jwks.json',
 * })
 * const key = await accessTokens.verifyAccessToken(token, { scopes: ['projects:read'] })
 */
export function createAccessTokenVerifier(
  options: AccessTokenVerifierOptions,
): AccessTokenVerifier {
  assertObject(options)
  const settings = readVerificationSettings(options)
  if (options.jwks === undefined) throw new TypeError('jwks must be a JWK Set or its URL')
  const source = jwksKeySource(options.jwks, 'jwks', options.remoteJwks, settings.realm)
  const algorithms = readAlgorithms(options.algorithms, source.algorithms)
  const verification = createTokenVerification(settings, source, algorithms)
  const standalone = booleanOption(options.standalone ?? false, 'standalone', false)
  return Object.freeze({
    name: KIND,
    standalone,
    accepts: verification.accepts,
    verify: verification.verify,
    verifyAccessToken: verification.verifyAccessToken,
  })
}
