/** Not a base64url character. */
const INVALID = 64
/** The 6-bit value of each ASCII character of the base64url alphabet (RFC 4648 §5), else {@link INVALID}. */
const SEXTETS = new Uint8Array(128).fill(INVALID)
for (const [value, character] of [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
].entries()) {
  SEXTETS[character.charCodeAt(0)] = value
}

/**
 * Whether `text[start, end)` is the one canonical base64url spelling of its bytes: alphabet
 * `A–Z a–z 0–9 - _` only, no padding, a length that is not 1 more than a multiple of 4, and
 * the bits of the last character that encode no byte all zero (RFC 4648 §3.5). Lenient
 * decoders map `xx==`, `xy` and `xz` to the same bytes; only the canonical form passes here.
 */
export function isCanonicalBase64Url(text: string, start = 0, end = text.length): boolean {
  const rest = (end - start) % 4
  if (rest === 1) return false
  let last = 0
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index)
    last = code < 128 ? SEXTETS[code]! : INVALID
    if (last === INVALID) return false
  }
  // 2 characters carry 1 byte (4 bits spare), 3 carry 2 bytes (2 bits spare).
  if (rest === 2) return (last & 0x0f) === 0
  if (rest === 3) return (last & 0x03) === 0
  return true
}

/**
 * Whether `token` is a compact JWS of three dot-separated parts, each canonical base64url,
 * so that a token verifies in one spelling only. Linear in the token's length, allocation-free.
 */
export function isCanonicalCompactJws(token: string): boolean {
  const first = token.indexOf('.')
  const second = first === -1 ? -1 : token.indexOf('.', first + 1)
  return (
    second !== -1 &&
    token.indexOf('.', second + 1) === -1 &&
    isCanonicalBase64Url(token, 0, first) &&
    isCanonicalBase64Url(token, first + 1, second) &&
    isCanonicalBase64Url(token, second + 1)
  )
}
