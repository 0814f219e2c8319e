import { describe, expect, it } from 'vitest'
import { refusal } from '../../test/thrown.js'
import { parseExpiry, parseInstant } from './input.js'

const DAY = 86_400_000
const YEAR = 365 * DAY
const at = Date.UTC(2027, 0, 1)
const bounds = { maxLifetime: YEAR, defaultExpiresIn: 90 * DAY }

describe('parseExpiry bounds and messages', () => {
  it('accepts an expiry one year ahead exactly, and refuses 1 ms past it', () => {
    expect(parseExpiry({ expiresAt: at + YEAR }, at, bounds, true)).toBe(at + YEAR)
    expect(refusal(() => parseExpiry({ expiresAt: at + YEAR + 1 }, at, bounds, true))).toEqual({
      field: 'expiresAt',
      message: 'expiresAt must be at most 365 days from now.',
    })
    expect(parseExpiry({ expiresIn: YEAR / 1000 }, at, bounds, true)).toBe(at + YEAR)
    expect(refusal(() => parseExpiry({ expiresIn: '366d' }, at, bounds, true))).toEqual({
      field: 'expiresIn',
      message: 'expiresIn must be at most 365 days from now.',
    })
  })

  it('accepts 1 ms ahead, and refuses now or before, naming the field given', () => {
    expect(parseExpiry({ expiresAt: at + 1 }, at, bounds, false)).toBe(at + 1)
    for (const expiresAt of [at, at - 1]) {
      expect(refusal(() => parseExpiry({ expiresAt }, at, bounds, false))).toEqual({
        field: 'expiresAt',
        message: 'expiresAt must be in the future.',
      })
    }
    expect(refusal(() => parseExpiry({ expiresIn: 0 }, at, bounds, false))).toEqual({
      field: 'expiresIn',
      message: 'expiresIn must be in the future.',
    })
  })

  it('says a bound that is not whole days in seconds', () => {
    const short = { maxLifetime: 36 * 3_600_000, defaultExpiresIn: undefined }
    expect(refusal(() => parseExpiry({ expiresIn: '2d' }, at, short, false))).toEqual({
      field: 'expiresIn',
      message: 'expiresIn must be at most 129600 seconds from now.',
    })
  })

  it('refuses both expiresAt and expiresIn, naming expiresAt', () => {
    expect(
      refusal(() => parseExpiry({ expiresAt: at + DAY, expiresIn: '1d' }, at, bounds, false)),
    ).toEqual({ field: 'expiresAt', message: 'Give expiresAt or expiresIn, not both.' })
  })
})

describe('parseInstant messages', () => {
  const refused = (value: unknown, why: string) =>
    expect(refusal(() => parseInstant(value, 'expiresAt'))).toEqual({
      field: 'expiresAt',
      message: `expiresAt ${JSON.stringify(value)} ${why}`,
    })

  it('refuses a value of another type, saying what is accepted', () => {
    for (const bad of [null, true, {}, 10n]) {
      expect(refusal(() => parseInstant(bad, 'expiresAt'))).toEqual({
        field: 'expiresAt',
        message:
          'expiresAt must be a Date, epoch milliseconds or an ISO 8601 date-time with an offset, like "2027-03-01T12:00:00Z".',
      })
    }
  })

  it('accepts the last instant a Date can hold and nothing past it', () => {
    expect(parseInstant(8.64e15, 'expiresAt')).toBe(8.64e15)
    expect(parseInstant(new Date(8.64e15), 'expiresAt')).toBe(8.64e15)
    for (const bad of [8.64e15 + 1, -1, 1.5]) {
      expect(refusal(() => parseInstant(bad, 'expiresAt'))).toEqual({
        field: 'expiresAt',
        message: 'expiresAt is not a valid point in time (from 1970-01-01T00:00:00Z on).',
      })
    }
  })

  it('says what is wrong with a date-time string', () => {
    refused(
      '2027-03-01 12:00:00Z',
      'is not an ISO 8601 date-time with an offset, like "2027-03-01T12:00:00Z" or "2027-03-01T14:00:00+02:00".',
    )
    refused(
      '2027-03-01',
      'is a date without a time; give a date-time with an offset, like "2027-03-01T00:00:00Z".',
    )
    refused(
      '2027-03-01T12:00:00',
      'has no UTC offset, so its instant is ambiguous; end it with "Z" for UTC or an offset like "+02:00".',
    )
    refused(
      '2027-03-01T12:00:00+0200',
      'has an offset without a colon; write it as ±HH:MM, like "+02:00".',
    )
    refused('2027-13-01T00:00:00Z', 'has no such month (01–12).')
    refused('2027-03-01T24:00:00Z', 'has no such hour (00–23).')
    refused('2027-03-01T12:60:00Z', 'has no such minute (00–59).')
    refused('2027-03-01T12:00:60Z', 'has no such second (00–59; leap seconds are not accepted).')
    for (const offset of ['+24:00', '-02:60']) {
      refused(
        `2027-03-01T12:00:00${offset}`,
        'has an offset out of range (hours 00–23, minutes 00–59).',
      )
    }
  })

  it('reads Z and a zero offset alike', () => {
    const expected = Date.UTC(2027, 2, 1, 12)
    for (const text of [
      '2027-03-01T12:00:00Z',
      '2027-03-01T12:00:00z',
      '2027-03-01T12:00:00+00:00',
    ]) {
      expect(parseInstant(text, 'expiresAt')).toBe(expected)
    }
  })

  it('knows which months have 30 days', () => {
    for (const month of ['04', '06', '09', '11']) {
      expect(parseInstant(`2027-${month}-30T00:00:00Z`, 'expiresAt')).toBeGreaterThan(0)
      refused(`2027-${month}-31T00:00:00Z`, `has no such day: 2027-${month} has 30 days.`)
    }
    for (const month of ['01', '03', '05', '07', '08', '10', '12']) {
      expect(parseInstant(`2027-${month}-31T00:00:00Z`, 'expiresAt')).toBeGreaterThan(0)
    }
  })

  it('quotes a value of up to 40 characters whole and a longer one cut with an ellipsis', () => {
    const forty = '2027-03-01T12:00:00Z'.padEnd(40, 'x')
    expect(refusal(() => parseInstant(forty, 'expiresAt')).message).toBe(
      `expiresAt "${forty}" is not an ISO 8601 date-time with an offset, like "2027-03-01T12:00:00Z" or "2027-03-01T14:00:00+02:00".`,
    )
    expect(refusal(() => parseInstant(`${forty}yz`, 'expiresAt')).message).toBe(
      `expiresAt "${forty}"… is not an ISO 8601 date-time with an offset, like "2027-03-01T12:00:00Z" or "2027-03-01T14:00:00+02:00".`,
    )
  })
})
