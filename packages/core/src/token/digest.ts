import { toBase64Url } from '../lib/base64url.js'

/**
 * A SHA-256 digest given by a user (an import of keys whose plaintext is gone), brought to the
 * form the store keeps: base64url without padding, 43 characters.
 */

const HEX = /^[0-9a-fA-F]{64}$/
const BASE64 = /^[A-Za-z0-9+/]{43}=?$/
const BASE64URL = /^[A-Za-z0-9_-]{43}=?$/

/**
 * The stored form of a SHA-256 digest written as hex (64 characters, either case), base64
 * (with or without its `=`) or base64url; `undefined` when it is none of them, or is not 32
 * bytes (the last character must leave the unused low bits zero, as an encoder writes them).
 */
export function normaliseDigest(value: string): string | undefined {
  if (HEX.test(value)) {
    const bytes = new Uint8Array(32)
    for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(value.slice(2 * i, 2 * i + 2), 16)
    return toBase64Url(bytes)
  }
  if (!BASE64.test(value) && !BASE64URL.test(value)) return undefined
  const url = value.slice(0, 43).replace(/\+/g, '-').replace(/\//g, '_')
  // 43 characters carry 258 bits: the last one's low 2 bits are padding and must be 0.
  return '048AEIMQUYcgkosw'.includes(url[42]!) ? url : undefined
}
