/** The base62 alphabet, in the order `0-9A-Za-z`. */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** The largest multiple of 62 that fits a byte: bytes at or above it are rejected, so every character is equally likely. */
const ACCEPT_BELOW = 248

/** `length` uniform base62 characters from `crypto.getRandomValues`, by rejection sampling. */
export function randomBase62(length: number): string {
  let out = ''
  const bytes = new Uint8Array(length + 16)
  while (out.length < length) {
    crypto.getRandomValues(bytes)
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const byte = bytes[i]!
      if (byte < ACCEPT_BELOW) out += BASE62[byte % 62]
    }
  }
  return out
}

/** `value` (a non-negative integer below 2^53) in base62, left-padded with `0` to `width`. */
export function encodeBase62(value: number, width: number): string {
  let out = ''
  let rest = value
  do {
    out = BASE62[rest % 62] + out
    rest = Math.floor(rest / 62)
  } while (rest > 0)
  return out.padStart(width, '0')
}

/** Character code → base62 digit value, or -1 for a character outside the alphabet. */
export const BASE62_VALUE = (() => {
  const table = new Int8Array(128).fill(-1)
  for (let i = 0; i < BASE62.length; i++) table[BASE62.charCodeAt(i)] = i
  return table
})()
