import { InvalidTokenError, KeywardError } from '@keyward/core'
import { unavailable } from '@keyward/core/adapter'
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWK,
  type JWTHeaderParameters,
  type RemoteJWKSetOptions,
} from 'jose'
import type { AccessTokenAlgorithm, JwksSource } from '../types.js'
import { jwkAlgorithm, publicJwk, type ResolvedKey } from './signing-keys.js'

/** Where verification finds the key for a token's header, and which algorithms it can verify. */
export interface KeySource {
  readonly getKey: (header: JWTHeaderParameters) => Promise<CryptoKey | Uint8Array>
  readonly algorithms: readonly AccessTokenAlgorithm[]
}

const ASYMMETRIC: readonly AccessTokenAlgorithm[] = ['EdDSA', 'ES256', 'RS256']
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

function unknownKey(realm: string, cause?: unknown) {
  return new InvalidTokenError(
    'malformed_token',
    'The access token was signed with an unknown key.',
    {
      realm,
      ...(cause === undefined ? {} : { cause }),
    },
  )
}

function keysUnavailable(realm: string, cause: unknown) {
  return unavailable(cause, 'The keys that verify access tokens cannot be loaded.', { realm })
}

/** The signing keys themselves: looked up by `kid`, each verifying only its own algorithm. */
export function localKeySource(keys: readonly ResolvedKey[], realm: string): KeySource {
  const byKid = new Map(keys.map((key) => [key.kid, key]))
  return {
    algorithms: [...new Set(keys.map((key) => key.alg))],
    async getKey(header) {
      const key = header.kid === undefined ? undefined : byKid.get(header.kid)
      if (key === undefined) throw unknownKey(realm)
      // The allow-list alone would let an HS256 token name an RS256 key's kid and be checked
      // with that key's public half as the HMAC secret; pin each key to its algorithm.
      if (header.alg !== key.alg) {
        throw new InvalidTokenError(
          'malformed_token',
          "The access token's algorithm does not match its key.",
          {
            realm,
          },
        )
      }
      try {
        return await key.verifying
      } catch (error) {
        throw keysUnavailable(realm, error)
      }
    },
  }
}

/** `URL` by shape: instances from another realm (an edge VM) fail `instanceof`. */
function isUrl(value: unknown): value is URL {
  const candidate = value as Partial<URL> | null
  return typeof candidate?.href === 'string' && typeof candidate.protocol === 'string'
}

function jwksUrl(source: URL | string, option: string): URL {
  let url: URL
  try {
    url = new URL(typeof source === 'string' ? source : source.href)
  } catch {
    throw new TypeError(`${option} must be a JWK Set or a valid URL`)
  }
  const local = url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)
  if (url.protocol !== 'https:' && !local) {
    throw new TypeError(`${option} must be an https: URL (http: only for localhost)`)
  }
  return url
}

function localJwks(source: { keys?: unknown }, option: string): { keys: JWK[] } {
  if (!Array.isArray(source.keys) || source.keys.length === 0) {
    throw new TypeError(
      `${option} must be a JWK Set ({ keys: [...] }) with at least one key, or its URL`,
    )
  }
  const keys = source.keys.map((jwk: unknown, index) => {
    const field = `${option}.keys[${index}]`
    if (jwk === null || typeof jwk !== 'object') throw new TypeError(`${field} must be a JWK`)
    const key = jwk as JWK
    if (typeof key.kid !== 'string' || key.kid === '')
      throw new TypeError(`${field}.kid must be a non-empty string`)
    const secret = PRIVATE_MEMBERS.find((member) => member in key)
    if (secret !== undefined) {
      throw new TypeError(`${field} must be a public key (it holds the private member "${secret}")`)
    }
    const alg = jwkAlgorithm(key)
    if (alg === undefined || alg === 'HS256') {
      throw new TypeError(`${field} must be an Ed25519, P-256 or RSA ≥ 2048-bit public JWK`)
    }
    if (key.alg !== undefined && key.alg !== alg) throw new TypeError(`${field}.alg must be ${alg}`)
    // Pinning `alg` makes jose match each key to exactly one algorithm.
    return { ...publicJwk(key), kid: key.kid, alg }
  })
  return { keys }
}

/**
 * A JWK Set given inline or by URL (jose's `createRemoteJWKSet`: cached, refetched at most
 * once per cooldown when an unknown `kid` shows up). Only public keys, so never `HS256`.
 */
export function jwksKeySource(
  source: JwksSource,
  option: string,
  remoteOptions: RemoteJWKSetOptions | undefined,
  realm: string,
): KeySource {
  if (
    remoteOptions !== undefined &&
    (remoteOptions === null || typeof remoteOptions !== 'object')
  ) {
    throw new TypeError('remoteJwks must be an object of createRemoteJWKSet options')
  }
  let resolve: (header: JWTHeaderParameters) => Promise<CryptoKey>
  let algorithms: readonly AccessTokenAlgorithm[]
  if (typeof source === 'string' || isUrl(source)) {
    resolve = createRemoteJWKSet(jwksUrl(source, option), remoteOptions)
    algorithms = ASYMMETRIC
  } else if (source !== null && typeof source === 'object') {
    const set = localJwks(source, option)
    const local = createLocalJWKSet(set)
    resolve = async (header) => local(header)
    algorithms = ASYMMETRIC.filter((alg) => set.keys.some((key) => key.alg === alg))
  } else {
    throw new TypeError(`${option} must be a JWK Set or its URL`)
  }
  return {
    algorithms,
    async getKey(header) {
      if (header.kid === undefined) throw unknownKey(realm)
      try {
        return await resolve(header)
      } catch (error) {
        if (error instanceof KeywardError) throw error
        const code = (error as { code?: unknown } | null)?.code
        if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
          throw unknownKey(realm, error)
        }
        // The JWK Set could not be fetched or read: a server-side failure, so fail closed.
        throw keysUnavailable(realm, error)
      }
    },
  }
}
