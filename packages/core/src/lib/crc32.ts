const TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial) of an ASCII string's first `end` characters.
 * Tokens are ASCII by construction; callers reject anything else before calling.
 */
export function crc32(text: string, end = text.length): number {
  let crc = 0xffffffff
  for (let i = 0; i < end; i++) crc = TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/** The running CRC-32 register after `text` (before the final inversion), to resume from. */
export function crc32State(text: string): number {
  let crc = 0xffffffff
  for (let i = 0; i < text.length; i++)
    crc = TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8)
  return crc
}

/**
 * Resumes a CRC-32 from `state` over `text[from, end)` when every one of those characters
 * is in `alphabet` (a char code → value table, -1 outside it), else -1: one pass, no
 * allocation, since it runs on every verification. (Slice-by-4 tables measured slower here
 * for 32 characters.)
 */
export function crc32OfAlphabet(
  state: number,
  text: string,
  from: number,
  end: number,
  alphabet: Int8Array,
): number {
  let crc = state
  for (let i = from; i < end; i++) {
    const code = text.charCodeAt(i)
    if (code > 127 || alphabet[code]! < 0) return -1
    crc = TABLE[(crc ^ code) & 0xff]! ^ (crc >>> 8)
  }
  return (crc ^ 0xffffffff) >>> 0
}
