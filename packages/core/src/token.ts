import { InvalidTokenError } from './errors.js'
import { encodeBase62, isBase62, randomBase62 } from './lib/base62.js'
import { crc32 } from './lib/crc32.js'

/** Length of the secret part of a token, in base62 characters (≈ 190 bits). */
export const SECRET_LENGTH = 32
/** Length of the base62 CRC-32 checksum that ends a token. */
export const CHECKSUM_LENGTH = 6
/** Length of everything after a token's last `_`: secret and checksum. */
export const BODY_LENGTH = SECRET_LENGTH + CHECKSUM_LENGTH
/** Longest allowed prefix. */
export const MAX_PREFIX_LENGTH = 20

const PREFIX_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/

/** Whether `prefix` is a valid token prefix: `^[a-z][a-z0-9]*(_[a-z0-9]+)*$`, at most 20 characters. */
export function isValidPrefix(prefix: unknown): prefix is string {
  return (
    typeof prefix === 'string' && prefix.length <= MAX_PREFIX_LENGTH && PREFIX_PATTERN.test(prefix)
  )
}

/** Throws `TypeError('<option> must be …')` unless `prefix` is valid. */
export function assertPrefix(prefix: unknown, option = 'prefix'): asserts prefix is string {
  if (!isValidPrefix(prefix)) {
    throw new TypeError(
      `${option} must match ^[a-z][a-z0-9]*(_[a-z0-9]+)*$ and be at most ${MAX_PREFIX_LENGTH} characters`,
    )
  }
}

/** The checksum of `<prefix>_<secret>`: CRC-32 in base62, 6 characters. */
export function tokenChecksum(prefixAndSecret: string): string {
  return encodeBase62(crc32(prefixAndSecret), CHECKSUM_LENGTH)
}

/** A new token `<prefix>_<secret><checksum>`. The caller shows it once and keeps only its hash. */
export function generateToken(prefix: string): string {
  const head = `${prefix}_${randomBase62(SECRET_LENGTH)}`
  return head + tokenChecksum(head)
}

/** A parsed, well-formed token. */
export interface ParsedToken {
  prefix: string
  secret: string
}

/**
 * Splits a token at its last `_` and checks prefix, length, alphabet and checksum, without
 * hashing or touching a store. Throws `InvalidTokenError('malformed_token')` otherwise; the
 * message never repeats the token.
 */
export function parseToken(
  token: unknown,
  acceptedPrefixes: ReadonlySet<string>,
  realm?: string,
): ParsedToken {
  const options = realm === undefined ? {} : { realm }
  if (typeof token !== 'string' || token.length > MAX_PREFIX_LENGTH + 1 + BODY_LENGTH) {
    throw new InvalidTokenError('malformed_token', 'The API key is malformed.', options)
  }
  const split = token.lastIndexOf('_')
  const prefix = token.slice(0, split)
  const body = token.slice(split + 1)
  if (split <= 0 || !acceptedPrefixes.has(prefix)) {
    throw new InvalidTokenError('malformed_token', 'The API key has an unknown prefix.', options)
  }
  if (body.length !== BODY_LENGTH || !isBase62(body)) {
    throw new InvalidTokenError('malformed_token', 'The API key is malformed.', options)
  }
  const secret = body.slice(0, SECRET_LENGTH)
  if (tokenChecksum(token.slice(0, split + 1 + SECRET_LENGTH)) !== body.slice(SECRET_LENGTH)) {
    throw new InvalidTokenError('malformed_token', 'The API key checksum does not match.', options)
  }
  return { prefix, secret }
}

/** The display hint of a token: `<prefix>_` + the first 4 secret characters + `…`. */
export function tokenHint(prefix: string, secret: string): string {
  return `${prefix}_${secret.slice(0, 4)}…`
}

/** A new public key id: `key_` + 16 base62 characters. */
export function generateKeyId(): string {
  return `key_${randomBase62(16)}`
}

const KEY_ID_PATTERN = /^key_[0-9A-Za-z]{16}$/

/** Whether `id` has the form of a key id. */
export function isKeyId(id: unknown): id is string {
  return typeof id === 'string' && KEY_ID_PATTERN.test(id)
}
