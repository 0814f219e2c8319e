import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { configDuration, durationToMs, parseDuration } from './duration.js'

describe('durations', () => {
  it('parses seconds and d/h/m/s strings', () => {
    expect(durationToMs(90)).toBe(90_000)
    expect(durationToMs(0.5)).toBe(500)
    expect(durationToMs('90d')).toBe(90 * 86_400_000)
    expect(durationToMs('12h')).toBe(12 * 3_600_000)
    expect(durationToMs('30m')).toBe(30 * 60_000)
    expect(durationToMs('45s')).toBe(45_000)
  })

  it('round-trips every whole amount of every unit', () => {
    const units = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 }
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.constantFrom('d', 'h', 'm', 's'),
        (n, unit) => {
          expect(durationToMs(`${n}${unit}`)).toBe(n * units[unit as keyof typeof units])
          expect(durationToMs(n)).toBe(n * 1000)
        },
      ),
    )
  })

  it('rejects anything else, naming the field', () => {
    for (const bad of [
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '',
      '90',
      '1w',
      ' 1d',
      '1.5h',
      '-1d',
      'd',
      null,
      {},
      '1D',
    ]) {
      expect(durationToMs(bad)).toBeUndefined()
      expect(() => parseDuration(bad, 'expiresIn')).toThrowError(
        expect.objectContaining({ code: 'invalid_argument', field: 'expiresIn' }),
      )
    }
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!/^\d{1,9}[dhms]$/.test(text))
        expect(durationToMs(text)).toBeUndefined()
      }),
    )
  })

  it('fails configuration with a TypeError naming the option', () => {
    expect(configDuration(undefined, 'maxLifetime', 7)).toBe(7)
    expect(() => configDuration('forever', 'maxLifetime', 7)).toThrow(/^maxLifetime must be/)
    expect(() => configDuration(0, 'maxLifetime', 7)).toThrow(TypeError)
  })
})
