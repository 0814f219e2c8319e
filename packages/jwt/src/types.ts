import type { KeyMetadata } from '@keyward/core'
import type { JWK, RemoteJWKSetOptions } from 'jose'

/**
 * The JWS algorithms access tokens may be signed with. `EdDSA` (Ed25519) is the default:
 * small keys, small signatures, fast and deterministic. `HS256` is symmetric: whoever can
 * verify can also mint, so it never appears in a published JWK Set.
 */
export type AccessTokenAlgorithm = 'EdDSA' | 'ES256' | 'RS256' | 'HS256'

/** Every supported algorithm, in order of preference. */
export const ACCESS_TOKEN_ALGORITHMS: readonly AccessTokenAlgorithm[] = Object.freeze([
  'EdDSA',
  'ES256',
  'RS256',
  'HS256',
])

/**
 * One key of {@link AccessTokensOptions.signingKeys}. Asymmetric keys (`EdDSA`, `ES256`,
 * `RS256`) give `privateKey` and/or `publicKey`; `HS256` gives `secret`.
 *
 * Keys are `CryptoKey`s (from `crypto.subtle`, or jose's `generateKeyPair`, `importPKCS8`,
 * `importSPKI`) or JWKs. PEM text is not read here: import it with jose's `importPKCS8`.
 */
export interface SigningKey {
  /**
   * The key id, written into each token's `kid` header and published in the JWK Set.
   * 1–128 printable ASCII characters, unique within the list.
   */
  kid: string
  /** The algorithm. Default: inferred from the key (an Ed25519 key is `EdDSA`). Must match the key. */
  alg?: AccessTokenAlgorithm
  /**
   * The private key that signs. Required for the first (active) key; a retired key may give
   * only `publicKey`, so its tokens keep verifying until it is removed. A private JWK or an
   * extractable private `CryptoKey` also yields the public key.
   */
  privateKey?: CryptoKey | JWK
  /**
   * The public key that verifies and is published by `jwks()`. Default: derived from
   * `privateKey`. Required when `privateKey` is a non-extractable `CryptoKey`.
   */
  publicKey?: CryptoKey | JWK
  /**
   * For `HS256` only: the shared secret, at least 32 bytes (a string is taken as UTF-8), an
   * HMAC SHA-256 `CryptoKey`, or an `oct` JWK. Never published.
   */
  secret?: Uint8Array | string | CryptoKey | JWK
}

/** Options shared by {@link AccessTokensOptions} and {@link AccessTokenVerifierOptions}. */
export interface AccessTokenVerificationOptions {
  /** The `iss` claim written into tokens and required on verification, e.g. `'https://api.example.com'`. Required. */
  issuer: string
  /**
   * The `aud` claim. The first audience is written into tokens; a token naming any of them
   * verifies (so an audience can be migrated). Required.
   */
  audience: string | readonly string[]
  /**
   * Which `alg` headers are accepted. Default: the algorithms of the configured keys (with
   * a remote JWK Set: `EdDSA`, `ES256`, `RS256`). `none` is never accepted, and each key
   * only verifies tokens of its own algorithm, whatever this list says.
   */
  algorithms?: readonly AccessTokenAlgorithm[]
  /**
   * Clock skew forgiven for `iat` and `nbf` in the future, in seconds or a duration like
   * `'5s'`. Expiry is exact, as for API keys. Default `'5s'`.
   */
  clockTolerance?: number | string
  /** The clock, epoch ms. Default `Date.now`. Use the same clock as `createKeyward`. */
  now?: () => number
  /**
   * The `realm` of `WWW-Authenticate` challenges on failures. Default `'api'`; use the
   * same realm as `createKeyward`.
   */
  realm?: string
  /**
   * Options of jose's `createRemoteJWKSet` when the JWK Set is a URL: `cacheMaxAge`
   * (default 10 min), `cooldownDuration` (default 30 s), `timeoutDuration` (default 5 s),
   * `headers`. Default: jose's.
   */
  remoteJwks?: RemoteJWKSetOptions
}

/** Options of `createAccessTokens`. Invalid options throw `TypeError('<option> must be …')` at once. */
export interface AccessTokensOptions extends AccessTokenVerificationOptions {
  /**
   * The keys, newest first: the first signs every new token; every key verifies tokens
   * carrying its `kid`. To rotate, put a new key first, keep the old one until the last
   * token it signed has expired (at most `maxTtl`), then remove it. Required, non-empty.
   */
  signingKeys: readonly SigningKey[]
  /**
   * Where verification finds public keys instead of `signingKeys`: a JWK Set or its URL
   * (fetched with jose's `createRemoteJWKSet`, cached). Default: `signingKeys`.
   */
  jwks?: JwksSource
  /** The longest lifetime a token may be given, in seconds or a duration like `'1h'`. Default `'1h'`. */
  maxTtl?: number | string
  /** The lifetime of a token when the caller names none. Default: `maxTtl`. */
  defaultTtl?: number | string
  /**
   * Copy the key's `metadata` into tokens (`kw_meta`), so handlers see it on access tokens
   * too. A JWT's payload is readable by whoever holds it. Default `false`.
   */
  includeMetadata?: boolean
}

/** Options of `createAccessTokenVerifier`, for services that hold only public keys. */
export interface AccessTokenVerifierOptions extends AccessTokenVerificationOptions {
  /**
   * The public keys: a JWK Set (what `jwks()` returns) or the URL it is published at,
   * fetched with jose's `createRemoteJWKSet` and cached. `https:` only, except for
   * localhost. Required.
   */
  jwks: JwksSource
  /**
   * `true` for a service that cannot read the key store (an edge function): `keyward.verify`
   * then judges a token by its claims alone, and it lives until its own `exp` even after its
   * parent key is revoked, rotated, narrowed or shortened. Default `false`: with
   * `createKeyward({ store, tokenKinds: [verifier] })` every use is bounded by the parent
   * key's current record. (`verifyAccessToken` is always stateless.)
   */
  standalone?: boolean
}

/** Public keys to verify with: a JWK Set, or the `https:` URL serving one. */
export type JwksSource = URL | string | { keys: readonly JWK[] }

/** Options of `mintAccessToken` and `issueAccessToken`. */
export interface MintAccessTokenOptions {
  /**
   * The scopes the token carries, each held by the key (a wildcard grant of the key covers
   * concrete scopes under it). Default: all of the key's scopes.
   */
  scopes?: readonly string[]
  /** Lifetime, seconds or a duration like `'15m'`, at most `maxTtl`. Default `defaultTtl`. */
  ttl?: number | string
}

/** Per-call options of `verifyAccessToken`: the same requirements as `keyward.verify`. */
export interface VerifyAccessTokenOptions {
  /** Every one of these scopes is required. Default: none. */
  scopes?: readonly string[]
  /** At least one of these scopes is required. Default: none. */
  anyScopes?: readonly string[]
}

/** The claims of a Keyward access token, as signed. */
export interface AccessTokenPayload {
  iss: string
  aud: string
  /** The owner of the parent key. */
  sub: string
  /** RFC 9068 §2.2: the OAuth client the token was issued to, which is the parent API key's id. */
  client_id: string
  /** Unique token id. */
  jti: string
  /** The parent API key's id. */
  kw_key: string
  /** The parent API key's name. */
  kw_name: string
  /**
   * The parent API key's `createdAt`, epoch milliseconds (an integer): owner and global
   * revoke-all epochs compare to it, as they do to the key's own.
   */
  kw_created: number
  /** Space-delimited scopes. */
  scope: string
  /** Issued at, whole seconds since the epoch. */
  iat: number
  /** Expiry, whole seconds since the epoch. */
  exp: number
  /** The key's metadata, with `includeMetadata`. */
  kw_meta?: KeyMetadata
}
