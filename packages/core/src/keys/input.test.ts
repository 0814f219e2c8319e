import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseExpiry, parseInstant, parseMetadata, parseName, parseOwnerId } from './input.js'

const invalid = (field: string) =>
  expect.objectContaining({ code: 'invalid_argument', status: 422, field })

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
const daysIn = (y: number, m: number) =>
  m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31

/** A valid calendar date: year, month, day. */
const calendarDate = fc
  .record({ year: fc.integer({ min: 1970, max: 9999 }), month: fc.integer({ min: 1, max: 12 }) })
  .chain(({ year, month }) =>
    fc.record({
      year: fc.constant(year),
      month: fc.constant(month),
      day: fc.integer({ min: 1, max: daysIn(year, month) }),
    }),
  )

describe('parseInstant', () => {
  it('reads an RFC 3339 date-time with an offset as the instant Date.UTC computes', () => {
    fc.assert(
      fc.property(
        calendarDate,
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.option(
          fc.record({
            second: fc.integer({ min: 0, max: 59 }),
            fraction: fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
          }),
          { nil: undefined },
        ),
        fc.oneof(
          fc.constantFrom('Z', 'z'),
          fc.record({
            sign: fc.constantFrom('+', '-'),
            hours: fc.integer({ min: 0, max: 23 }),
            minutes: fc.integer({ min: 0, max: 59 }),
          }),
        ),
        fc.constantFrom('T', 't'),
        ({ year, month, day }, hour, minute, seconds, offset, separator) => {
          let text = `${pad(year, 4)}-${pad(month)}-${pad(day)}${separator}${pad(hour)}:${pad(minute)}`
          let ms = 0
          if (seconds) {
            text += `:${pad(seconds.second)}`
            if (seconds.fraction !== undefined) {
              text += `.${seconds.fraction}`
              ms = Number(seconds.fraction.slice(0, 3).padEnd(3, '0'))
            }
          }
          let offsetMinutes = 0
          if (typeof offset === 'string') text += offset
          else {
            text += `${offset.sign}${pad(offset.hours)}:${pad(offset.minutes)}`
            offsetMinutes = (offset.sign === '-' ? -1 : 1) * (offset.hours * 60 + offset.minutes)
          }
          const expected =
            Date.UTC(year, month - 1, day, hour, minute, seconds?.second ?? 0, ms) -
            offsetMinutes * 60_000
          if (expected < 0) {
            expect(() => parseInstant(text, 'expiresAt')).toThrowError(invalid('expiresAt'))
          } else {
            expect(parseInstant(text, 'expiresAt')).toBe(expected)
            // The canonical form is what JavaScript itself writes (for 4-digit years).
            if (expected < Date.UTC(10_000, 0, 1)) {
              expect(parseInstant(new Date(expected).toISOString(), 'expiresAt')).toBe(expected)
            }
          }
        },
      ),
    )
  })

  it('refuses every day the month does not have', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        (year, month, extra) => {
          const last = daysIn(year, month)
          const day = last + 1 + (extra % (99 - last))
          const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T00:00:00Z`
          expect(() => parseInstant(text, 'expiresAt')).toThrowError(invalid('expiresAt'))
        },
      ),
    )
    for (const text of [
      '2027-02-30T00:00:00Z',
      '2027-04-31T00:00:00Z',
      '2027-02-29T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '2027-06-31T12:00:00+02:00',
      '2027-01-00T00:00:00Z',
    ]) {
      expect(() => parseInstant(text, 'expiresAt'), text).toThrowError(invalid('expiresAt'))
    }
    expect(() => parseInstant('2027-02-30T00:00:00Z', 'expiresAt')).toThrow(/2027-02 has 28 days/)
    expect(parseInstant('2028-02-29T00:00:00Z', 'expiresAt')).toBe(Date.UTC(2028, 1, 29))
    expect(parseInstant('2000-02-29T00:00:00Z', 'expiresAt')).toBe(Date.UTC(2000, 1, 29))
  })

  it('refuses out-of-range months, hours, minutes, seconds and offsets', () => {
    for (const text of [
      '2027-00-01T00:00:00Z',
      '2027-13-01T00:00:00Z',
      '2027-03-01T24:00:00Z',
      '2027-03-01T12:60:00Z',
      '2027-03-01T12:00:60Z',
      '2027-03-01T12:00:00+24:00',
      '2027-03-01T12:00:00+02:60',
    ]) {
      expect(() => parseInstant(text, 'expiresAt'), text).toThrowError(invalid('expiresAt'))
    }
  })

  it('refuses a date without a time, or a time without an offset, saying an offset is needed', () => {
    expect(() => parseInstant('2027-03-01', 'expiresAt')).toThrowError(invalid('expiresAt'))
    expect(() => parseInstant('2027-03-01', 'expiresAt')).toThrow(/offset/)
    for (const text of ['2027-03-01T12:00', '2027-03-01T12:00:00', '2027-03-01T12:00:00.123']) {
      expect(() => parseInstant(text, 'expiresAt'), text).toThrowError(invalid('expiresAt'))
      expect(() => parseInstant(text, 'expiresAt'), text).toThrow(/"Z"/)
    }
  })

  it('refuses an offset without its colon and any other shape', () => {
    expect(() => parseInstant('2027-03-01T12:00:00+0200', 'expiresAt')).toThrow(/±HH:MM/)
    for (const text of [
      '',
      '2027-03-01 12:00:00Z',
      '20270301T120000Z',
      '2027-3-1T12:00:00Z',
      '2027-03-01T12Z',
      '2027-03-01T12:00:00,5Z',
      '2027-03-01T12:00:00.Z',
      '2027-03-01T12:00:00.1234567890Z',
      '+002027-03-01T12:00:00Z',
      '2027-03-01T12:00:00+02',
      '2027-03-01T12:00:00UTC',
      'Mon, 01 Mar 2027 12:00:00 GMT',
      '1804204800000',
      ' 2027-03-01T12:00:00Z',
      '2027-03-01T12:00:00Z\n',
    ]) {
      expect(() => parseInstant(text, 'expiresAt'), JSON.stringify(text)).toThrowError(
        invalid('expiresAt'),
      )
    }
  })

  it('names the field and quotes at most a short excerpt of the value', () => {
    const long = `2027-03-01T12:00:00Z${'x'.repeat(10_000)}`
    try {
      parseInstant(long, 'deadline')
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject(invalid('deadline'))
      expect((error as Error).message.startsWith('deadline ')).toBe(true)
      expect((error as Error).message.length).toBeLessThan(200)
    }
    expect(() => parseInstant('2027-02-30T00:00:00\u0000Z', 'expiresAt')).toThrow(/\\u0000/)
  })

  it('keeps Date and epoch-millisecond inputs', () => {
    expect(parseInstant(new Date(Date.UTC(2027, 2, 1)), 'expiresAt')).toBe(Date.UTC(2027, 2, 1))
    expect(parseInstant(0, 'expiresAt')).toBe(0)
    expect(parseInstant(1_804_204_800_000, 'expiresAt')).toBe(1_804_204_800_000)
    for (const bad of [new Date(Number.NaN), -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 9e15]) {
      expect(() => parseInstant(bad, 'expiresAt')).toThrowError(invalid('expiresAt'))
    }
    for (const bad of [null, undefined, true, {}, [2027, 3, 1], 10n]) {
      expect(() => parseInstant(bad, 'expiresAt')).toThrowError(invalid('expiresAt'))
    }
  })

  it('refuses instants before 1970, also when the offset is what puts them there', () => {
    expect(() => parseInstant('1969-12-31T23:59:59Z', 'expiresAt')).toThrowError(
      invalid('expiresAt'),
    )
    expect(() => parseInstant('1970-01-01T00:30:00+01:00', 'expiresAt')).toThrowError(
      invalid('expiresAt'),
    )
    expect(parseInstant('1969-12-31T23:00:00-01:00', 'expiresAt')).toBe(0)
    // Two-digit years are not read as 19xx.
    expect(() => parseInstant('0099-12-31T23:59:59Z', 'expiresAt')).toThrowError(
      invalid('expiresAt'),
    )
  })
})

/** Characters no name may hold: controls, DEL, C1, line/paragraph separators, noncharacters. */
const forbiddenChar = fc
  .oneof(
    fc.integer({ min: 0x00, max: 0x1f }),
    fc.constant(0x7f),
    fc.integer({ min: 0x80, max: 0x9f }),
    fc.constantFrom(0x2028, 0x2029),
    fc.integer({ min: 0xfdd0, max: 0xfdef }),
    fc
      .integer({ min: 0, max: 0x10 })
      .chain((plane) => fc.constantFrom(plane * 0x10000 + 0xfffe, plane * 0x10000 + 0xffff)),
    // A lone surrogate half: one UTF-16 unit, never paired with its neighbours below.
    fc.integer({ min: 0xd800, max: 0xdfff }),
  )
  .map((code) =>
    code >= 0xd800 && code <= 0xdfff ? String.fromCharCode(code) : String.fromCodePoint(code),
  )

/** Well-formed text: whole graphemes, so it never begins or ends with half a pair. */
const wellFormed = fc.string({ unit: 'grapheme', maxLength: 20 })

const isPrintable = (char: string) =>
  !/[\p{Cc}\u2028\u2029\p{Noncharacter_Code_Point}\p{Surrogate}\s\uFEFF]/u.test(char)
/** A code point a name may hold anywhere, whitespace excluded so trimming leaves it. */
const printableChar = fc
  .oneof(
    fc.integer({ min: 0x20, max: 0x2fff }),
    fc.integer({ min: 0xe000, max: 0xffff }),
    fc.integer({ min: 0x1f300, max: 0x1faff }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  )
  .map((code) => String.fromCodePoint(code))
  .filter(isPrintable)
/** Whitespace that `trim` removes and that is not a control character. */
const blank = fc.array(fc.constantFrom(' ', '\u00a0', '\u2003', '\u3000', '\ufeff'), {
  maxLength: 3,
})

describe('parseName', () => {
  it('refuses any string holding a control character, noncharacter or lone surrogate', () => {
    fc.assert(
      fc.property(wellFormed, forbiddenChar, wellFormed, (before, bad, after) => {
        const name = `x${before}${bad}${after}`
        expect(() => parseName(name)).toThrowError(invalid('name'))
      }),
    )
  })

  it('accepts every well-formed printable name of 1–100 code points, trimmed', () => {
    const core = fc
      .array(
        fc.oneof(
          { arbitrary: printableChar, weight: 4 },
          { arbitrary: fc.constant(' '), weight: 1 },
        ),
        { minLength: 1, maxLength: 100 },
      )
      // Inner spaces stay; the name starts and ends with a printable code point.
      .filter((chars) => chars[0] !== ' ' && chars.at(-1) !== ' ')
      .map((chars) => chars.join(''))
    fc.assert(
      fc.property(blank, core, blank, (left, name, right) => {
        expect(parseName(`${left.join('')}${name}${right.join('')}`)).toBe(name)
      }),
    )
  })

  it('counts code points, not UTF-16 units', () => {
    expect(parseName('🔑'.repeat(100))).toBe('🔑'.repeat(100))
    expect(() => parseName('🔑'.repeat(101))).toThrowError(invalid('name'))
    expect(parseName('a'.repeat(100))).toHaveLength(100)
    expect(() => parseName(`${'a'.repeat(101)}`)).toThrowError(invalid('name'))
    expect(parseName(`   ${'é'.repeat(100)}   `)).toBe('é'.repeat(100))
  })

  it('keeps ordinary Unicode: accents, CJK, emoji, ZWJ sequences, flags', () => {
    for (const name of [
      'Crème brûlée',
      '鍵の名前',
      '🔑 Production',
      '👩‍💻 dev',
      '🇫🇷 Paris',
      'a‍b',
    ]) {
      expect(parseName(name)).toBe(name)
    }
  })

  it('refuses NUL, newlines, tabs, DEL, C1, U+2028 and lone surrogates, naming the code point', () => {
    for (const name of [
      'a\u0000b',
      'line\nbreak',
      'tab\tname',
      'trailing\n',
      'del\u007f',
      'c1\u0085',
      'sep\u2028',
      'para\u2029',
      'lone \ud83d',
      'lone \ude00 low',
      'non\ufffe',
      'non\u{10ffff}',
      'non\ufdd0',
    ]) {
      expect(() => parseName(name), JSON.stringify(name)).toThrowError(invalid('name'))
    }
    expect(() => parseName('a\u0000b')).toThrow(/control character; found U\+0000 at index 1/)
    expect(() => parseName('x\ud83d')).toThrow(/lone surrogate/)
  })

  it('refuses blanks and non-strings', () => {
    for (const bad of ['', '   ', '\u3000', undefined, null, 7, ['a']]) {
      expect(() => parseName(bad)).toThrowError(invalid('name'))
    }
  })
})

describe('parseOwnerId', () => {
  it('keeps the id exactly as given and applies the same character rules as names', () => {
    expect(parseOwnerId('org_42')).toBe('org_42')
    expect(parseOwnerId(' org 42 ')).toBe(' org 42 ')
    expect(parseOwnerId('组织-🔑')).toBe('组织-🔑')
    expect(parseOwnerId('🔑'.repeat(200))).toBe('🔑'.repeat(200))
    for (const bad of [
      'org\u0000',
      'org\n',
      'org\ud800',
      'org\u2028',
      'org\uffff',
      '',
      '  ',
      'a'.repeat(201),
      42,
    ]) {
      expect(() => parseOwnerId(bad), JSON.stringify(bad)).toThrowError(invalid('ownerId'))
    }
  })

  it('refuses any owner id holding a control character, noncharacter or lone surrogate', () => {
    fc.assert(
      fc.property(wellFormed, forbiddenChar, wellFormed, (before, bad, after) => {
        expect(() => parseOwnerId(`o${before}${bad}${after}`)).toThrowError(invalid('ownerId'))
      }),
    )
  })
})

describe('parseMetadata', () => {
  it('refuses a lone surrogate in any key or string value, at any depth', () => {
    for (const bad of [
      { note: 'x\ud800' },
      { 'k\udc00': 1 },
      { nested: { list: [1, 'ok', { deep: '\udbff' }] } },
      { list: [['\ud83d']] },
    ]) {
      expect(() => parseMetadata(bad), JSON.stringify(bad)).toThrowError(invalid('metadata'))
    }
  })

  it('keeps well-formed Unicode and returns a JSON copy', () => {
    const metadata = {
      team: 'Équipe 🔑',
      tags: ['鍵', '👩‍💻'],
      nested: { n: 1, ok: true, none: null },
    }
    const parsed = parseMetadata(metadata)
    expect(parsed).toEqual(metadata)
    expect(parsed).not.toBe(metadata)
    expect(parseMetadata(undefined)).toBeUndefined()
  })

  it('accepts deeply nested metadata within the size limit', () => {
    let deep: unknown = 'leaf'
    for (let i = 0; i < 1000; i++) deep = [deep]
    expect(parseMetadata({ deep })).toEqual({ deep })
  })

  it('still refuses non-objects and oversized metadata', () => {
    for (const bad of [null, [], 'x', 1]) {
      expect(() => parseMetadata(bad)).toThrowError(invalid('metadata'))
    }
    expect(() => parseMetadata({ big: 'x'.repeat(5000) })).toThrowError(invalid('metadata'))
  })
})

describe('parseExpiry', () => {
  const DAY = 86_400_000
  const at = Date.UTC(2027, 0, 1)
  const bounds = { maxLifetime: 30 * DAY, defaultExpiresIn: 7 * DAY }

  it('reads expiresAt or expiresIn, not both, naming the field given', () => {
    expect(parseExpiry({ expiresAt: at + DAY }, at, bounds, false)).toBe(at + DAY)
    expect(parseExpiry({ expiresIn: '2d' }, at, bounds, false)).toBe(at + 2 * DAY)
    expect(() =>
      parseExpiry({ expiresAt: at + DAY, expiresIn: 60 }, at, bounds, false),
    ).toThrowError(invalid('expiresAt'))
    expect(() => parseExpiry({ expiresIn: 0 }, at, bounds, false)).toThrowError(
      invalid('expiresIn'),
    )
    expect(() => parseExpiry({ expiresAt: at }, at, bounds, false)).toThrowError(
      invalid('expiresAt'),
    )
  })

  it('allows maxLifetime from now exactly, and says the bound in days', () => {
    expect(parseExpiry({ expiresIn: '30d' }, at, bounds, false)).toBe(at + 30 * DAY)
    expect(() => parseExpiry({ expiresIn: '31d' }, at, bounds, false)).toThrow(
      'expiresIn must be at most 30 days from now.',
    )
  })

  it('a new key without either gets defaultExpiresIn, or must give one; an update changes nothing', () => {
    expect(parseExpiry({}, at, bounds, true)).toBe(at + 7 * DAY)
    expect(() => parseExpiry({}, at, { ...bounds, defaultExpiresIn: undefined }, true)).toThrow(
      'expiresAt or expiresIn is required.',
    )
    expect(parseExpiry({}, at, bounds, false)).toBeUndefined()
  })
})
