/**
 * Token hashing. At rest only `SHA-256(token)` (or `HMAC-SHA-256(pepper, token)`) is kept,
 * base64url without padding. On Node the one-shot `node:crypto` functions are reached at
 * run time, so this module has no static `node:` import and still runs on edge runtimes,
 * where `crypto.subtle` is used; both give identical output.
 */
import { toBase64Url } from '../lib/base64url.js'

interface NodeCrypto {
  hash?(algorithm: string, data: string, encoding: 'base64url'): string
  createHash(algorithm: string): { update(data: string): { digest(encoding: 'base64url'): string } }
  createHmac(
    algorithm: string,
    key: Uint8Array,
  ): { update(data: string): { digest(encoding: 'base64url'): string } }
}

function nodeCrypto(): NodeCrypto | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process
  return process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined
}

/** Hashes tokens for storage and lookup, built once per configuration. */
export interface TokenHasher {
  /** The base64url hash of `token` (43 characters). */
  hash(token: string): Promise<string>
  /**
   * The same hash computed synchronously, where the platform allows it (Node); `undefined`
   * on runtimes that only offer `crypto.subtle`.
   */
  readonly hashSync: ((token: string) => string) | undefined
}

/** Options of {@link createTokenHasher}. */
export interface TokenHasherOptions {
  /**
   * A server-side secret mixed into every hash (HMAC-SHA-256). Changing it invalidates
   * every stored key. Default: none (plain SHA-256).
   */
  pepper?: string | Uint8Array
}

const encoder = new TextEncoder()

/** Builds a {@link TokenHasher}. Throws `TypeError` for an empty or too short pepper. */
export function createTokenHasher(options: TokenHasherOptions = {}): TokenHasher {
  const pepper = options.pepper === undefined ? undefined : pepperBytes(options.pepper)
  const node = nodeCrypto()
  if (node) {
    // The one-shot `hash` is read once: it runs on every verification, cache hits included.
    const oneShot = node.hash
    const hashSync =
      pepper !== undefined
        ? (token: string) => node.createHmac('sha256', pepper).update(token).digest('base64url')
        : oneShot
          ? (token: string) => oneShot('sha256', token, 'base64url')
          : (token: string) => node.createHash('sha256').update(token).digest('base64url')
    return { hashSync, hash: async (token) => hashSync(token) }
  }
  return webCryptoHasher(pepper)
}

function pepperBytes(pepper: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const bytes = typeof pepper === 'string' ? encoder.encode(pepper) : new Uint8Array(pepper)
  if (!(typeof pepper === 'string' || pepper instanceof Uint8Array) || bytes.length < 16) {
    throw new TypeError('pepper must be a string or Uint8Array of at least 16 bytes')
  }
  return bytes
}

const defaultHasher = /* @__PURE__ */ lazy(() => createTokenHasher())

/** SHA-256 of `token` as base64url, as stored. For a peppered hash use {@link createTokenHasher}. */
export function hashToken(token: string): Promise<string> {
  return defaultHasher().hash(token)
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined
  return () => {
    value ??= make()
    return value
  }
}

// crypto.subtle, the path of runtimes without node:crypto; exported for the hashing test, which
// compares it with the node:crypto path on Node. Not part of any entry.

/** SHA-256 (or HMAC-SHA-256 with `pepper`, already validated) of tokens, as base64url. */
export function webCryptoHasher(pepper: Uint8Array<ArrayBuffer> | undefined): TokenHasher {
  if (pepper !== undefined) {
    const key = crypto.subtle.importKey('raw', pepper, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ])
    return {
      hashSync: undefined,
      hash: async (token) =>
        toBase64Url(
          new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(token))),
        ),
    }
  }
  return {
    hashSync: undefined,
    hash: async (token) =>
      toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(token)))),
  }
}
