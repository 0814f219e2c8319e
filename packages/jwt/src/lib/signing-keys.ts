import { assertObject } from '@keyward/core/adapter'
import { exportJWK, importJWK, type JWK } from 'jose'
import type { AccessTokenAlgorithm, SigningKey } from '../types.js'

/** A configured key, checked synchronously and imported in the background. */
export interface ResolvedKey {
  readonly kid: string
  readonly alg: AccessTokenAlgorithm
  /** Signs; `undefined` for a retired key given only by its public half. */
  readonly signing: Promise<CryptoKey | Uint8Array> | undefined
  /** Verifies tokens carrying this `kid`. */
  readonly verifying: Promise<CryptoKey | Uint8Array>
  /** What `jwks()` publishes; `undefined` for `HS256`, whose secret is never published. */
  readonly publicJwk: Promise<JWK> | undefined
}

/** The only JWK members `jwks()` ever copies: whitelisted, so no private part can slip out. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  OKP: ['kty', 'crv', 'x'],
  EC: ['kty', 'crv', 'x', 'y'],
  RSA: ['kty', 'n', 'e'],
}

/** A 2048-bit modulus is 256 bytes: 342 base64url characters. */
const MIN_RSA_MODULUS_CHARS = 342
/** RFC 7518 §3.2: an HS256 key is at least 256 bits. */
const MIN_SECRET_BYTES = 32
const KID = /^[\x21-\x7e]{1,128}$/
const BASE64URL = /^[A-Za-z0-9_-]*$/

/** `CryptoKey` by shape: instances from another realm (an edge VM) fail `instanceof`. */
export function isCryptoKey(value: unknown): value is CryptoKey {
  const candidate = value as Partial<CryptoKey> | null
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.type === 'string' &&
    typeof candidate.algorithm === 'object' &&
    Array.isArray(candidate.usages)
  )
}

/** `Uint8Array` by tag: instances from another realm (an edge VM) fail `instanceof`. */
function isBytes(value: unknown): value is Uint8Array {
  return Object.prototype.toString.call(value) === '[object Uint8Array]'
}

function isJwk(value: unknown): value is JWK {
  return typeof value === 'object' && value !== null && typeof (value as JWK).kty === 'string'
}

/** The algorithm a JWK is for, or `undefined` when it is none of ours. */
export function jwkAlgorithm(jwk: JWK): AccessTokenAlgorithm | undefined {
  const text = (member: unknown) =>
    typeof member === 'string' && BASE64URL.test(member) && member !== ''
  switch (jwk.kty) {
    case 'OKP':
      return jwk.crv === 'Ed25519' && text(jwk.x) ? 'EdDSA' : undefined
    case 'EC':
      return jwk.crv === 'P-256' && text(jwk.x) && text(jwk.y) ? 'ES256' : undefined
    case 'RSA':
      return text(jwk.n) && (jwk.n as string).length >= MIN_RSA_MODULUS_CHARS && text(jwk.e)
        ? 'RS256'
        : undefined
    case 'oct':
      return text(jwk.k) && (jwk.k as string).length >= Math.ceil((MIN_SECRET_BYTES * 4) / 3)
        ? 'HS256'
        : undefined
    default:
      return undefined
  }
}

function cryptoKeyAlgorithm(key: CryptoKey): AccessTokenAlgorithm | undefined {
  const algorithm = key.algorithm as KeyAlgorithm & {
    namedCurve?: string
    hash?: { name?: string }
    modulusLength?: number
    length?: number
  }
  switch (algorithm.name) {
    case 'Ed25519':
      return 'EdDSA'
    case 'ECDSA':
      return algorithm.namedCurve === 'P-256' ? 'ES256' : undefined
    case 'RSASSA-PKCS1-v1_5':
      return algorithm.hash?.name === 'SHA-256' && (algorithm.modulusLength ?? 0) >= 2048
        ? 'RS256'
        : undefined
    case 'HMAC':
      return algorithm.hash?.name === 'SHA-256' && (algorithm.length ?? 0) >= MIN_SECRET_BYTES * 8
        ? 'HS256'
        : undefined
    default:
      return undefined
  }
}

const KEY_KINDS =
  'an Ed25519 (EdDSA), P-256 (ES256) or RSA ≥ 2048-bit SHA-256 (RS256) CryptoKey or JWK'

/** The public members of an asymmetric JWK, and nothing else. */
export function publicJwk(jwk: JWK): JWK {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ''] ?? []
  const copy: Record<string, unknown> = {}
  for (const member of members) copy[member] = (jwk as Record<string, unknown>)[member]
  return copy as JWK
}

/** Swallows a rejection for now (it resurfaces where the promise is awaited), so none goes unhandled. */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {})
  return promise
}

function importFailure(field: string, alg: AccessTokenAlgorithm) {
  return (cause: unknown): never => {
    throw new TypeError(`${field} must be a valid ${alg} key`, { cause })
  }
}

function resolveAsymmetric(key: SigningKey, field: string): ResolvedKey {
  const { privateKey, publicKey } = key
  if (privateKey === undefined && publicKey === undefined) {
    throw new TypeError(
      `${field}.privateKey must be given (or publicKey for a key that only verifies)`,
    )
  }
  let alg: AccessTokenAlgorithm | undefined
  const agree = (found: AccessTokenAlgorithm | undefined, member: string) => {
    if (found === undefined || found === 'HS256')
      throw new TypeError(`${field}.${member} must be ${KEY_KINDS}`)
    if (alg !== undefined && found !== alg) {
      throw new TypeError(`${field}.${member} must be a ${alg} key like the rest of ${field}`)
    }
    alg = found
  }
  if (key.alg !== undefined) alg = key.alg

  if (privateKey !== undefined) {
    if (isCryptoKey(privateKey)) {
      if (privateKey.type !== 'private' || !privateKey.usages.includes('sign')) {
        throw new TypeError(`${field}.privateKey must be a private CryptoKey usable to sign`)
      }
      agree(cryptoKeyAlgorithm(privateKey), 'privateKey')
      if (publicKey === undefined && !privateKey.extractable) {
        throw new TypeError(
          `${field}.publicKey must be given when privateKey is a non-extractable CryptoKey`,
        )
      }
    } else if (isJwk(privateKey)) {
      if (typeof privateKey.d !== 'string')
        throw new TypeError(`${field}.privateKey must be a private JWK (with "d")`)
      agree(jwkAlgorithm(privateKey), 'privateKey')
      if (privateKey.alg !== undefined && privateKey.alg !== alg) {
        throw new TypeError(`${field}.privateKey must not name another alg than ${alg}`)
      }
    } else throw new TypeError(`${field}.privateKey must be ${KEY_KINDS}`)
  }
  if (publicKey !== undefined) {
    if (isCryptoKey(publicKey)) {
      if (publicKey.type !== 'public' || !publicKey.extractable) {
        throw new TypeError(
          `${field}.publicKey must be an extractable public CryptoKey (jwks() publishes it)`,
        )
      }
      agree(cryptoKeyAlgorithm(publicKey), 'publicKey')
    } else if (isJwk(publicKey)) {
      agree(jwkAlgorithm(publicKey), 'publicKey')
      if (publicKey.alg !== undefined && publicKey.alg !== alg) {
        throw new TypeError(`${field}.publicKey must not name another alg than ${alg}`)
      }
    } else throw new TypeError(`${field}.publicKey must be ${KEY_KINDS}`)
  }
  const algorithm = alg as Exclude<AccessTokenAlgorithm, 'HS256'>
  const fail = importFailure(field, algorithm)

  const source = publicKey ?? (privateKey as CryptoKey | JWK)
  const published = settled(
    (isCryptoKey(source) ? exportJWK(source) : Promise.resolve(source))
      .then((jwk) => ({ ...publicJwk(jwk), kid: key.kid, alg: algorithm, use: 'sig' }))
      .catch(fail),
  )
  const verifying = settled(
    isCryptoKey(publicKey)
      ? Promise.resolve(publicKey)
      : published.then((jwk) => importJWK(publicJwk(jwk), algorithm)).catch(fail),
  )
  const signing =
    privateKey === undefined
      ? undefined
      : settled(
          isCryptoKey(privateKey)
            ? Promise.resolve(privateKey)
            : importJWK(privateKey, algorithm).catch(fail),
        )
  return Object.freeze({ kid: key.kid, alg: algorithm, signing, verifying, publicJwk: published })
}

function resolveSecret(key: SigningKey, field: string): ResolvedKey {
  if (key.privateKey !== undefined || key.publicKey !== undefined) {
    throw new TypeError(
      `${field} must give either secret (HS256) or privateKey/publicKey, not both`,
    )
  }
  if (key.alg !== undefined && key.alg !== 'HS256') {
    throw new TypeError(`${field}.alg must be HS256 when a secret is given`)
  }
  const { secret } = key
  const tooShort = `${field}.secret must be at least ${MIN_SECRET_BYTES} bytes (RFC 7518 §3.2)`
  let material: Promise<CryptoKey | Uint8Array>
  if (typeof secret === 'string' || isBytes(secret)) {
    const bytes =
      typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret)
    if (bytes.byteLength < MIN_SECRET_BYTES) throw new TypeError(tooShort)
    material = Promise.resolve(bytes)
  } else if (isCryptoKey(secret)) {
    if (cryptoKeyAlgorithm(secret) !== 'HS256') {
      throw new TypeError(`${field}.secret must be an HMAC SHA-256 CryptoKey of at least 256 bits`)
    }
    material = Promise.resolve(secret)
  } else if (isJwk(secret)) {
    if (jwkAlgorithm(secret) !== 'HS256') {
      throw new TypeError(
        `${field}.secret must be an oct JWK of at least ${MIN_SECRET_BYTES} bytes`,
      )
    }
    material = settled(importJWK(secret, 'HS256').catch(importFailure(field, 'HS256')))
  } else {
    throw new TypeError(
      `${field}.secret must be a Uint8Array, a string, an HMAC CryptoKey or an oct JWK`,
    )
  }
  return Object.freeze({
    kid: key.kid,
    alg: 'HS256',
    signing: material,
    verifying: material,
    publicJwk: undefined,
  })
}

/**
 * Checks every key of `signingKeys` synchronously (throwing `TypeError('<option> must be …')`)
 * and starts importing them; import failures surface where a key is first used.
 */
export function resolveSigningKeys(keys: unknown, option = 'signingKeys'): ResolvedKey[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new TypeError(`${option} must be a non-empty array of keys, the active one first`)
  }
  const seen = new Set<string>()
  return keys.map((key: unknown, index) => {
    const field = `${option}[${index}]`
    assertObject(key, field)
    const entry = key as SigningKey
    if (typeof entry.kid !== 'string' || !KID.test(entry.kid)) {
      throw new TypeError(`${field}.kid must be 1–128 printable ASCII characters`)
    }
    if (seen.has(entry.kid))
      throw new TypeError(`${field}.kid must be unique ("${entry.kid}" repeats)`)
    seen.add(entry.kid)
    if (entry.alg !== undefined && !['EdDSA', 'ES256', 'RS256', 'HS256'].includes(entry.alg)) {
      throw new TypeError(`${field}.alg must be one of EdDSA, ES256, RS256, HS256`)
    }
    return entry.secret !== undefined || entry.alg === 'HS256'
      ? resolveSecret(entry, field)
      : resolveAsymmetric(entry, field)
  })
}
