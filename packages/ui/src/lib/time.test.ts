import { describe, expect, it } from 'vitest'
import {
  expiryOf,
  expiryRange,
  formatDuration,
  formatWindow,
  localDay,
  relativeTime,
} from './time.js'

const DAY = 86_400
const YEAR = 365 * DAY
// Local times, so the test holds in any time zone.
const now = new Date(2026, 0, 15, 10, 30).getTime()

describe('expiry dates', () => {
  it('offers tomorrow up to the day the longest lifetime ends', () => {
    expect(expiryRange(now, YEAR)).toEqual({ min: '2026-01-16', max: '2027-01-15' })
  })

  it('ends a chosen day at its last second', () => {
    expect(expiryOf('2026-04-15', now, YEAR)).toEqual(new Date(2026, 3, 15, 23, 59, 59))
  })

  it('keeps the last day offered a minute inside the longest lifetime', () => {
    const at = expiryOf('2027-01-15', now, YEAR)
    expect(at?.getTime()).toBe(now + YEAR * 1000 - 60_000)
  })

  it('refuses days outside the range and values that are not days', () => {
    expect(expiryOf('2027-01-16', now, YEAR)).toBeUndefined()
    expect(expiryOf('2026-01-15', now, YEAR)).toBeUndefined()
    expect(expiryOf('', now, YEAR)).toBeUndefined()
    expect(expiryOf('15/04/2026', now, YEAR)).toBeUndefined()
  })

  it('writes local days as an <input type="date"> value', () => {
    expect(localDay(new Date(2026, 8, 3, 23, 59))).toBe('2026-09-03')
  })
})

describe('words for times', () => {
  it('says how far an instant is, in its largest unit', () => {
    expect(relativeTime(now, now + 6 * DAY * 1000, 'en')).toBe('in 6 days')
    expect(relativeTime(now, now - 3 * 3_600_000, 'en')).toBe('3 hours ago')
    expect(relativeTime(now, now + 10_000, 'en')).toBe('now')
  })

  it('names a duration in its largest whole unit', () => {
    expect(formatDuration(7 * DAY, 'en')).toBe('7 days')
    expect(formatDuration(3_600, 'en')).toBe('1 hour')
    expect(formatDuration(90, 'en')).toBe('90 seconds')
  })

  it('names a window as it follows "per" or "every": one whole unit without its number', () => {
    expect(formatWindow(60, 'en')).toBe('minute')
    expect(formatWindow(DAY, 'en')).toBe('day')
    expect(formatWindow(1, 'en')).toBe('second')
    expect(formatWindow(30 * DAY, 'en')).toBe('30 days')
    expect(formatWindow(90, 'en')).toBe('90 seconds')
    expect(formatWindow(3_600, 'de')).toBe('Stunde')
  })
})
