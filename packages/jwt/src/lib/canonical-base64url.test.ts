import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { isCanonicalBase64Url, isCanonicalCompactJws } from './canonical-base64url.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** The reference: base64url characters only, and re-encoding what a lenient decoder reads gives it back. */
function roundTrips(text: string): boolean {
  return /^[\w-]*$/.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text
}

describe('isCanonicalBase64Url', () => {
  test('accepts the encoding of any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(isCanonicalBase64Url(Buffer.from(bytes).toString('base64url'))).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  test('agrees with a decode-and-re-encode round trip on any string', () => {
    const characters = fc.constantFrom(...`${ALPHABET}=+/.~ é`)
    fc.assert(
      fc.property(fc.string({ unit: characters, maxLength: 12 }), (text) => {
        expect(isCanonicalBase64Url(text)).toBe(roundTrips(text))
      }),
      { numRuns: 3_000 },
    )
  })

  test('refuses padding, a dangling character and set spare bits', () => {
    for (const text of ['QQ==', 'QUI=', 'Q', 'QUJDR', 'QR', 'QUJ', 'QUK', 'QQ=']) {
      expect(isCanonicalBase64Url(text), text).toBe(false)
    }
    for (const text of ['', 'QQ', 'QUI', 'QUJD', '-_8']) {
      expect(isCanonicalBase64Url(text), text).toBe(true)
    }
  })

  test('reads only the range it is given', () => {
    expect(isCanonicalBase64Url('xQQ==', 1, 3)).toBe(true)
    expect(isCanonicalBase64Url('xQQ==', 1, 5)).toBe(false)
  })
})

describe('isCanonicalCompactJws', () => {
  test('needs exactly three parts, each canonical', () => {
    expect(isCanonicalCompactJws('eyJh.e30.c2ln')).toBe(true)
    expect(isCanonicalCompactJws('eyJh.e30.')).toBe(true)
    expect(isCanonicalCompactJws('eyJh.e30')).toBe(false)
    expect(isCanonicalCompactJws('eyJh.e30.c2ln.x')).toBe(false)
    expect(isCanonicalCompactJws('eyJh.e30=.c2ln')).toBe(false)
    expect(isCanonicalCompactJws('eyJh.e30.c2k')).toBe(true)
    expect(isCanonicalCompactJws('eyJh.e30.c2l')).toBe(false)
    expect(isCanonicalCompactJws('eyJh=.e30.c2ln')).toBe(false)
  })
})
