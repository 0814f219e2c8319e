import { describe, expect, it } from 'vitest'
import { defaultStrings } from '../strings.js'
import { splitOutcomes, usageLabel, usagePoints } from './usage-chart.js'

describe('usage in words and points', () => {
  it('counts every outcome but valid as refused', () => {
    expect(splitOutcomes({ valid: 7, insufficient_scope: 2, rate_limited: 3 })).toEqual({
      valid: 7,
      refused: 5,
    })
    expect(splitOutcomes({})).toEqual({ valid: 0, refused: 0 })
  })

  it('labels a chart with its total and refusals, formatted in the locale', () => {
    const points = usagePoints({
      keyId: 'key_1',
      granularity: 'day',
      buckets: [
        { start: '2026-12-06T00:00:00.000Z', outcomes: { valid: 1200 } },
        { start: '2026-12-07T00:00:00.000Z', outcomes: { valid: 22, suspended_token: 12 } },
      ],
    })
    expect(points).toEqual([
      { start: '2026-12-06T00:00:00.000Z', valid: 1200, refused: 0 },
      { start: '2026-12-07T00:00:00.000Z', valid: 22, refused: 12 },
    ])
    expect(usageLabel(defaultStrings, 'en', defaultStrings.usageLastDays, points)).toBe(
      'Requests in the last 30 days: 1,234 (12 refused)',
    )
    expect(usageLabel(defaultStrings, 'de', defaultStrings.usageLastDays, [])).toBe(
      'Requests in the last 30 days: 0 (0 refused)',
    )
  })
})
