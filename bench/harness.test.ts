import { describe, expect, it } from 'vitest'
import { compare, median, percentile } from './src/micro.js'

// A smoke test of the harness's output shape; timings are never asserted.
describe('micro-benchmark harness', () => {
  it('compares a candidate with its baseline in rounds and reports medians and ratios', async () => {
    let calls = 0
    const result = await compare(
      { name: 'candidate', run: () => calls++ },
      { name: 'baseline', run: () => Promise.resolve(0) },
      { rounds: 3, warmupMs: 1, batchMs: 1 },
    )
    expect(result.candidate.name).toBe('candidate')
    expect(result.baseline.name).toBe('baseline')
    expect(result.candidate.samples).toHaveLength(3)
    expect(result.baseline.samples).toHaveLength(3)
    expect(result.ratios).toHaveLength(3)
    expect(result.candidate.batch).toBeGreaterThan(0)
    expect(result.ratio).toBe(median(result.ratios))
    expect(Number.isFinite(result.ratio)).toBe(true)
    expect(calls).toBeGreaterThan(0)
  })

  it('fails a subject that throws when it should not, and one that succeeds when it should throw', async () => {
    const options = { rounds: 1, warmupMs: 1, batchMs: 1 }
    const ok = { name: 'ok', run: () => 1 }
    const throws = () => {
      throw new Error('nope')
    }
    await expect(compare({ name: 'broken', run: throws }, ok, options)).rejects.toThrow(/broken/)
    await expect(
      compare({ name: 'lenient', run: () => 1, rejects: true }, ok, options),
    ).rejects.toThrow(/lenient/)
    const result = await compare({ name: 'rejects', run: throws, rejects: true }, ok, options)
    expect(result.ratios).toHaveLength(1)
  })

  it('computes percentiles with interpolation', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5)
    expect(percentile([5], 99)).toBe(5)
  })
})
