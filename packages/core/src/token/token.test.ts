import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BASE62 } from '../lib/base62.js'
import { crc32 } from '../lib/crc32.js'
import {
  assertPrefix,
  generateKeyId,
  generateToken,
  isKeyId,
  isValidPrefix,
  parseToken,
  tokenChecksum,
  tokenHint,
} from './token.js'

const accepted = new Set(['kw_live', 'kw_test', 'acme'])
const prefixArb = fc.constantFrom('kw_live', 'kw_test', 'acme')

describe('token format', () => {
  it('is <prefix>_<32 base62 secret><6 base62 checksum>, 46 characters with kw_live', () => {
    const token = generateToken('kw_live')
    expect(token).toHaveLength(46)
    expect(token).toMatch(/^kw_live_[0-9A-Za-z]{38}$/)
    const { prefix, secret } = parseToken(token, accepted)
    expect(prefix).toBe('kw_live')
    expect(secret).toBe(token.slice(8, 40))
    expect(token.slice(40)).toBe(tokenChecksum(token.slice(0, 40)))
  })

  it('computes CRC-32 (IEEE) as zlib does', () => {
    expect(crc32('123456789')).toBe(0xcbf43926)
    expect(crc32('')).toBe(0)
  })

  it('round-trips every generated token for every accepted prefix', () => {
    fc.assert(
      fc.property(prefixArb, (prefix) => {
        const token = generateToken(prefix)
        expect(parseToken(token, accepted).prefix).toBe(prefix)
      }),
      { numRuns: 300 },
    )
  })

  it('rejects every single-character change to a valid token as malformed', () => {
    const token = generateToken('kw_live')
    const alphabet = `${BASE62}_-.~+/= `
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: token.length - 1 }),
        fc.constantFrom(...alphabet),
        (index, replacement) => {
          fc.pre(token[index] !== replacement)
          const changed = token.slice(0, index) + replacement + token.slice(index + 1)
          expect(() => parseToken(changed, accepted)).toThrowError(
            expect.objectContaining({ code: 'malformed_token', status: 401 }),
          )
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('rejects deleted and inserted characters, other prefixes and non-strings as malformed', () => {
    const token = generateToken('kw_test')
    const bad: unknown[] = [
      token.slice(1),
      token.slice(0, -1),
      `${token}0`,
      `x${token}`,
      token.replace('kw_test', 'kw_prod'),
      '',
      '_',
      'kw_test_',
      `${'a'.repeat(200)}_${token.slice(8)}`,
      undefined,
      42,
    ]
    for (const value of bad) {
      expect(() => parseToken(value, accepted)).toThrowError(
        expect.objectContaining({ code: 'malformed_token' }),
      )
    }
  })

  it('never repeats the token in the error message or challenge', () => {
    const token = generateToken('kw_live')
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
    try {
      parseToken(tampered, accepted)
      expect.unreachable()
    } catch (error) {
      const { message, wwwAuthenticate } = error as { message: string; wwwAuthenticate: string }
      expect(message).not.toContain(tampered.slice(8, 40))
      expect(wwwAuthenticate).not.toContain(tampered.slice(8, 40))
    }
  })

  it('draws secrets uniformly from all 62 characters', () => {
    const counts = new Map<string, number>()
    for (let i = 0; i < 2000; i++) {
      for (const char of generateToken('acme').slice(5, 37))
        counts.set(char, (counts.get(char) ?? 0) + 1)
    }
    expect(counts.size).toBe(62)
    const expected = (2000 * 32) / 62
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(expected * 0.75)
      expect(count).toBeLessThan(expected * 1.25)
    }
  })

  it('validates prefixes', () => {
    for (const prefix of ['kw_live', 'kw_test', 'acme', 'a', 'a1_b2_c3', 'x'.repeat(20)]) {
      expect(isValidPrefix(prefix)).toBe(true)
    }
    for (const prefix of [
      '',
      'Kw',
      '1kw',
      'kw_',
      '_kw',
      'kw__live',
      'kw-live',
      'x'.repeat(21),
      7,
    ]) {
      expect(isValidPrefix(prefix)).toBe(false)
      expect(() => assertPrefix(prefix)).toThrow(TypeError)
    }
    expect(() => assertPrefix('Bad')).toThrow(/^prefix must match/)
  })

  it('makes hints and key ids', () => {
    expect(tokenHint('kw_live', 'AbCdEfGh')).toBe('kw_live_AbCd…')
    const id = generateKeyId()
    expect(id).toMatch(/^key_[0-9A-Za-z]{16}$/)
    expect(isKeyId(id)).toBe(true)
    expect(isKeyId('key_short')).toBe(false)
  })
})
