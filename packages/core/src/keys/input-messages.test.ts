import { describe, expect, it } from 'vitest'
import { refusal } from '../../test/thrown.js'
import {
  assertObjectArgument,
  MAX_METADATA_JSON,
  parseActor,
  parseAllowedIps,
  parseMetadata,
  parseName,
  parseOwnerId,
  parseSuspendReason,
} from './input.js'

const IP_EXAMPLES =
  'is not an IP address or CIDR range, like "203.0.113.7", "203.0.113.0/24" or "2001:db8::/32".'

describe('assertObjectArgument', () => {
  it('names the argument that is not an object', () => {
    for (const bad of [null, 'x', 7, [1]]) {
      expect(refusal(() => assertObjectArgument(bad, 'input'))).toEqual({
        field: 'input',
        message: 'input must be an object.',
      })
    }
    expect(() => assertObjectArgument({}, 'input')).not.toThrow()
  })
})

describe('parseName and parseOwnerId messages', () => {
  it('says what is wrong with a name', () => {
    expect(refusal(() => parseName(7))).toEqual({
      field: 'name',
      message: 'name must be a string.',
    })
    expect(refusal(() => parseName(' \u3000 '))).toEqual({
      field: 'name',
      message: 'name must not be blank.',
    })
    expect(refusal(() => parseName('a'.repeat(101)))).toEqual({
      field: 'name',
      message: 'name must be at most 100 characters.',
    })
  })

  it('says what is wrong with an owner id', () => {
    for (const bad of [42, '', '   ', 'o'.repeat(201)]) {
      expect(refusal(() => parseOwnerId(bad))).toEqual({
        field: 'ownerId',
        message: 'ownerId must be a non-blank string of at most 200 characters.',
      })
    }
  })

  it('names the kind of forbidden character and its code point in upper-case hex', () => {
    const cases: [string, string][] = [
      ['a\u2028', 'a line or paragraph separator; found U+2028 at index 1'],
      ['ab\u2029', 'a line or paragraph separator; found U+2029 at index 2'],
      ['a\ufdd0', 'a Unicode noncharacter; found U+FDD0 at index 1'],
      ['a\ufdef', 'a Unicode noncharacter; found U+FDEF at index 1'],
      ['a\ufffe', 'a Unicode noncharacter; found U+FFFE at index 1'],
      ['a\uffff', 'a Unicode noncharacter; found U+FFFF at index 1'],
      ['a\u{1fffe}', 'a Unicode noncharacter; found U+1FFFE at index 1'],
      ['a\u{10ffff}', 'a Unicode noncharacter; found U+10FFFF at index 1'],
      ['a\u009f', 'a control character; found U+009F at index 1'],
      ['a\u001b', 'a control character; found U+001B at index 1'],
      ['a\ud83d', 'a lone surrogate half (not well-formed Unicode); found U+D83D at index 1'],
    ]
    for (const [name, what] of cases) {
      expect(refusal(() => parseName(name))).toEqual({
        field: 'name',
        message: `name must not contain ${what}.`,
      })
    }
    expect(refusal(() => parseOwnerId('org\ufdd0'))).toEqual({
      field: 'ownerId',
      message: 'ownerId must not contain a Unicode noncharacter; found U+FDD0 at index 3.',
    })
  })
})

describe('parseMetadata messages and size bound', () => {
  /** Metadata whose JSON is exactly `bytes` bytes long: `{"a":"xxx…"}` is 8 bytes plus the x's. */
  const ofSize = (bytes: number) => ({ a: 'x'.repeat(bytes - 8) })

  it('accepts exactly 4096 bytes of JSON and refuses one byte more', () => {
    expect(JSON.stringify(ofSize(MAX_METADATA_JSON))).toHaveLength(4096)
    expect(parseMetadata(ofSize(4096))).toEqual(ofSize(4096))
    expect(refusal(() => parseMetadata(ofSize(4097)))).toEqual({
      field: 'metadata',
      message: 'metadata must be at most 4096 bytes as JSON.',
    })
  })

  it('counts UTF-8 bytes, not characters', () => {
    // "é" is two bytes in UTF-8: 2044 of them make 4096 bytes of JSON, in 2052 characters.
    expect(() => parseMetadata({ a: 'é'.repeat(2044) })).not.toThrow()
    expect(refusal(() => parseMetadata({ a: 'é'.repeat(2045) })).message).toBe(
      'metadata must be at most 4096 bytes as JSON.',
    )
  })

  it('says why other metadata is refused', () => {
    for (const bad of [null, [], 'x', 1]) {
      expect(refusal(() => parseMetadata(bad))).toEqual({
        field: 'metadata',
        message: 'metadata must be a JSON object.',
      })
    }
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const bad of [cyclic, { count: 10n }]) {
      expect(refusal(() => parseMetadata(bad))).toEqual({
        field: 'metadata',
        message: 'metadata must be JSON-serialisable.',
      })
    }
    expect(refusal(() => parseMetadata({ note: 'x\ud800' }))).toEqual({
      field: 'metadata',
      message: 'metadata keys and strings must be well-formed Unicode (no lone surrogate halves).',
    })
  })
})

describe('parseAllowedIps messages and bounds', () => {
  it('says why a value that is not a short enough list is refused', () => {
    for (const bad of [undefined, null, '203.0.113.7', { 0: '203.0.113.7' }]) {
      expect(refusal(() => parseAllowedIps(bad))).toEqual({
        field: 'allowedIps',
        message: 'allowedIps must be an array of IP addresses and CIDR ranges.',
      })
    }
    const hundred = Array.from({ length: 100 }, (_, i) => `203.0.113.${i}`)
    expect(parseAllowedIps(hundred)).toHaveLength(100)
    expect(refusal(() => parseAllowedIps([...hundred, '198.51.100.1']))).toEqual({
      field: 'allowedIps',
      message: 'allowedIps must have at most 100 entries.',
    })
  })

  it('quotes a bad string entry, and names a bad entry of another type without quoting it', () => {
    expect(refusal(() => parseAllowedIps(['203.0.113.7', 'nope']))).toEqual({
      field: 'allowedIps[1]',
      message: `allowedIps[1] "nope" ${IP_EXAMPLES}`,
    })
    for (const bad of [7, null, { ip: '203.0.113.7' }, ['203.0.113.7']]) {
      expect(refusal(() => parseAllowedIps([bad]))).toEqual({
        field: 'allowedIps[0]',
        message: `allowedIps[0] ${IP_EXAMPLES}`,
      })
    }
  })

  it('quotes at most 40 characters of a bad entry, cut with an ellipsis', () => {
    const forty = 'x'.repeat(40)
    expect(refusal(() => parseAllowedIps([forty])).message).toBe(
      `allowedIps[0] "${forty}" ${IP_EXAMPLES}`,
    )
    expect(refusal(() => parseAllowedIps([`${forty}yz`])).message).toBe(
      `allowedIps[0] "${forty}"… ${IP_EXAMPLES}`,
    )
  })

  it('accepts an entry of up to 64 characters with its padding, and nothing longer', () => {
    const padded = (length: number) => '203.0.113.7'.padStart(length, ' ')
    expect(parseAllowedIps([padded(64)])).toEqual(['203.0.113.7'])
    expect(refusal(() => parseAllowedIps([padded(65)])).field).toBe('allowedIps[0]')
  })
})

describe('parseSuspendReason', () => {
  it('treats null like no reason', () => {
    expect(parseSuspendReason(null)).toBeUndefined()
    expect(parseSuspendReason(undefined)).toBeUndefined()
  })

  it('accepts 200 characters and names the reason field past them', () => {
    expect(parseSuspendReason('r'.repeat(200))).toBe('r'.repeat(200))
    expect(refusal(() => parseSuspendReason('r'.repeat(201)))).toEqual({
      field: 'reason',
      message: 'reason must be at most 200 characters.',
    })
  })
})

describe('parseActor', () => {
  it('returns no actor without a context or without an actor in it', () => {
    expect(parseActor(undefined)).toEqual({})
    expect(parseActor({})).toEqual({})
    expect(parseActor({ clientIp: '203.0.113.7', userAgent: 'curl/8' })).toEqual({})
    expect(parseActor({ actor: 'person:42' })).toEqual({ actor: 'person:42' })
  })

  it('refuses a context that is not an object', () => {
    for (const bad of [null, 'person:42', ['person:42']]) {
      expect(refusal(() => parseActor(bad as never))).toEqual({
        field: 'context',
        message: 'context must be an object.',
      })
    }
  })

  it('refuses a client address or user agent that is not a string, naming it', () => {
    for (const field of ['clientIp', 'userAgent'] as const) {
      for (const bad of [7, null, ['x']]) {
        expect(refusal(() => parseActor({ actor: 'person:42', [field]: bad } as never))).toEqual({
          field,
          message: `${field} must be a string.`,
        })
      }
    }
  })

  it('refuses an actor that is blank or not a string', () => {
    for (const bad of ['', ' ', '\u3000\n', 42, null, { id: 42 }]) {
      expect(refusal(() => parseActor({ actor: bad } as never))).toEqual({
        field: 'actor',
        message: 'actor must be a non-blank string.',
      })
    }
  })
})
