import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BASE62 } from '../lib/base62.js'
import { crc32 } from '../lib/crc32.js'
import {
  assertPrefix,
  compileTokenChecker,
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

  it('says why a token is refused, alike with one accepted prefix or several, on check and on the shape test', () => {
    const MALFORMED = 'The API key is malformed.'
    const UNKNOWN = 'The API key has an unknown prefix.'
    const MISMATCH = 'The API key checksum does not match.'
    const token = generateToken('kw_live')
    const body = token.slice('kw_live_'.length)
    const secret = body.slice(0, 32)
    const checksum = body.slice(32)
    const other = (c: string) => (c === 'A' ? 'B' : 'A')
    // [token, check's message, checkShape's message (undefined: the shape test passes)]
    const cases: Array<[string, string, string | undefined]> = [
      [`kw_prod_${body}`, UNKNOWN, UNKNOWN],
      [`kw_live${body}`, UNKNOWN, UNKNOWN],
      [`_${body}`, UNKNOWN, UNKNOWN],
      [`kw_live_${body}0`, MALFORMED, MALFORMED],
      [`kw_live_${body.slice(1)}`, MALFORMED, MALFORMED],
      // Longest a token of an accepted prefix could be: its prefix still named when unknown.
      [`${'z'.repeat(20)}_${body}`, UNKNOWN, UNKNOWN],
      [`${'z'.repeat(21)}_${body}`, MALFORMED, MALFORMED],
      [`kw_live_${secret.slice(0, -1)}-${checksum}`, MALFORMED, undefined],
      [`kw_live_${secret}${checksum.slice(0, -1)}-`, MALFORMED, undefined],
      [`kw_live_${secret}${checksum.slice(0, -1)}é`, MALFORMED, undefined],
      [`kw_live_${secret}é${checksum.slice(1)}`, MALFORMED, undefined],
      [`kw_live_${secret}${checksum.slice(0, -1)}${other(checksum.at(-1)!)}`, MISMATCH, undefined],
    ]
    for (const prefixes of [['kw_live'], ['kw_test', 'kw_live', 'acme']]) {
      const checker = compileTokenChecker(prefixes)
      expect(() => checker.check(token)).not.toThrow()
      expect(() => checker.checkShape(token)).not.toThrow()
      for (const [value, checked, shaped] of cases) {
        const where = `${prefixes.length} prefixes: ${value}`
        expect(() => checker.check(value), where).toThrowError(checked)
        if (shaped === undefined) expect(() => checker.checkShape(value), where).not.toThrow()
        else expect(() => checker.checkShape(value), where).toThrowError(shaped)
      }
      for (const value of [undefined, 42, null]) {
        expect(() => checker.check(value)).toThrowError(MALFORMED)
        expect(() => checker.checkShape(value)).toThrowError(MALFORMED)
      }
    }
  })

  it('accepts a token whose CRC-32, and so its checksum, is 0', () => {
    // Secret chosen (by solving the CRC's linear equations over its characters' low bits)
    // so that the CRC-32 of `kw_live_<secret>` is 0: its checksum is `000000`.
    const head = 'kw_live_rqspusrwtspppppppppppppppppppppp'
    expect(crc32(head)).toBe(0)
    expect(tokenChecksum(head)).toBe('000000')
    const token = `${head}000000`
    expect(parseToken(token, accepted)).toEqual({
      prefix: 'kw_live',
      secret: 'rqspusrwtspppppppppppppppppppppp',
    })
    expect(() => compileTokenChecker(['kw_live']).check(token)).not.toThrow()
  })

  it('calls a token without any `_` one of an unknown prefix, even when it starts with an accepted one', () => {
    for (const prefixes of [['acme'], ['kw_live', 'acme']]) {
      const checker = compileTokenChecker(prefixes)
      for (const token of ['acme0', 'acmeX', `acme${'0'.repeat(38)}`]) {
        expect(() => checker.check(token), token).toThrowError('The API key has an unknown prefix.')
        expect(() => checker.checkShape(token), token).toThrowError(
          'The API key has an unknown prefix.',
        )
      }
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
