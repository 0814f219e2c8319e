import { InvalidTokenError } from '../errors.js'
import { BASE62_VALUE, encodeBase62, randomBase62 } from '../lib/base62.js'
import { crc32, crc32OfAlphabet, crc32State } from '../lib/crc32.js'

/** Length of the secret part of a token, in base62 characters (≈ 190 bits). */
export const SECRET_LENGTH = 32
/** Length of the base62 CRC-32 checksum that ends a token. */
export const CHECKSUM_LENGTH = 6
/** Length of everything after a token's last `_`: secret and checksum. */
const BODY_LENGTH = SECRET_LENGTH + CHECKSUM_LENGTH
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

/** The base62 value of the `width` characters at `from`, or -1 when one is outside the alphabet. */
function decodeBase62(text: string, from: number, width: number): number {
  let value = 0
  for (let i = from; i < from + width; i++) {
    const code = text.charCodeAt(i)
    const digit = code > 127 ? -1 : BASE62_VALUE[code]!
    if (digit < 0) return -1
    value = value * 62 + digit
  }
  return value
}

/** Checks tokens against one set of accepted prefixes; built once, run on every verification. */
export interface TokenChecker {
  /**
   * The whole first step: prefix, length, alphabet and checksum. Throws
   * `InvalidTokenError('malformed_token')`; the message never repeats the token.
   */
  check(token: unknown): asserts token is string
  /**
   * Only the cheap half, prefix and length, which rejects most garbage in a few
   * nanoseconds. A token passing it whose hash is in the verification cache is well-formed
   * by construction; every other one must still pass {@link TokenChecker.check}.
   */
  checkShape(token: unknown): asserts token is string
}

/**
 * Compiles the first step of every verification: a token's prefix, length, alphabet and
 * checksum, checked without hashing, touching a store or allocating.
 */
export function compileTokenChecker(
  acceptedPrefixes: Iterable<string>,
  realm?: string,
): TokenChecker {
  const options = realm === undefined ? {} : { realm }
  // The checksum covers `<prefix>_` too: its CRC state is the same for every token. A
  // well-formed token of a prefix is exactly `<prefix>_` and BODY_LENGTH characters, so the
  // shape test is one length comparison and one `startsWith` per prefix: it runs on every
  // cache hit, where it is all of step 1 that remains.
  const prefixes = [...new Set(acceptedPrefixes)].map((prefix) => ({
    prefix,
    head: `${prefix}_`,
    length: prefix.length + 1 + BODY_LENGTH,
    state: crc32State(`${prefix}_`),
  }))
  const malformed = (message = 'The API key is malformed.') =>
    new InvalidTokenError('malformed_token', message, options)

  /** The CRC state after the token's prefix, or a throw when prefix or length is wrong. */
  const prefixState = (token: unknown): number => {
    if (typeof token === 'string') {
      for (const candidate of prefixes) {
        if (token.length === candidate.length && token.startsWith(candidate.head)) {
          return candidate.state
        }
      }
    }
    throw shapeError(token)
  }

  /** Why `token` failed the shape test: not ours, or the part after the last `_` has the wrong length. */
  const shapeError = (token: unknown): InvalidTokenError => {
    if (typeof token !== 'string' || token.length > MAX_PREFIX_LENGTH + 1 + BODY_LENGTH) {
      return malformed()
    }
    const last = token.lastIndexOf('_')
    const known = last > 0 && prefixes.some(({ prefix }) => prefix === token.slice(0, last))
    return malformed(known ? undefined : 'The API key has an unknown prefix.')
  }

  // One prefix (the usual configuration): its length and head as constants of the closure.
  const only = prefixes.length === 1 ? prefixes[0]! : undefined
  const checkShape =
    only === undefined
      ? (token: unknown) => {
          prefixState(token)
        }
      : (token: unknown) => {
          if (
            typeof token !== 'string' ||
            token.length !== only.length ||
            !token.startsWith(only.head)
          ) {
            throw shapeError(token)
          }
        }

  return {
    checkShape,
    check(token: unknown): asserts token is string {
      const state = prefixState(token)
      const text = token as string
      const end = text.length - CHECKSUM_LENGTH
      const crc = crc32OfAlphabet(state, text, end - SECRET_LENGTH, end, BASE62_VALUE)
      const checksum = decodeBase62(text, end, CHECKSUM_LENGTH)
      if (crc < 0 || checksum < 0) throw malformed()
      if (crc !== checksum) throw malformed('The API key checksum does not match.')
    },
  }
}

/**
 * Checks a token (see {@link compileTokenChecker}) and splits it at its last `_`. Throws
 * `InvalidTokenError('malformed_token')` when prefix, length, alphabet or checksum is wrong.
 */
export function parseToken(
  token: unknown,
  acceptedPrefixes: ReadonlySet<string>,
  realm?: string,
): ParsedToken {
  const checker: TokenChecker = compileTokenChecker(acceptedPrefixes, realm)
  checker.check(token)
  const split = token.length - BODY_LENGTH - 1
  return {
    prefix: token.slice(0, split),
    secret: token.slice(split + 1, split + 1 + SECRET_LENGTH),
  }
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
