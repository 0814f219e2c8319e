/**
 * The micro-benchmark harness: a candidate and its baseline run in alternating batches, so
 * clock drift, thermal throttling and neighbours' load hit both alike, and the reported ratio
 * is the median of the per-round ratios.
 */

/** Something to time: one operation per call. A returned promise is awaited. */
export interface Subject {
  name: string
  run: () => unknown
  /**
   * Whether every call is expected to throw or reject (malformed or unknown tokens). A call
   * that does what it should not fails the benchmark, so a broken setup cannot look fast.
   * Default `false`.
   */
  rejects?: boolean
}

/** How long to measure. */
export interface MicroOptions {
  /** Rounds; each runs one batch of the candidate and one of the baseline. */
  rounds: number
  /** Warm-up time per subject before measuring (JIT, caches), in ms. */
  warmupMs: number
  /** Target duration of one batch, in ms; batch sizes are calibrated during warm-up. */
  batchMs: number
}

/** One subject's measurements. */
export interface SubjectResult {
  name: string
  /** Median over rounds of the mean time per operation of a batch, in ns. */
  nsPerOp: number
  /** Operations per batch. */
  batch: number
  /** Mean ns per operation of each round's batch, in round order. */
  samples: number[]
}

/** The outcome of {@link compare}. */
export interface Comparison {
  candidate: SubjectResult
  baseline: SubjectResult
  /** Median of the per-round ratios candidate ÷ baseline (time per operation). */
  ratio: number
  /** Each round's ratio, in round order. */
  ratios: number[]
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  return percentile(values, 50)
}

/** The `p`-th percentile (0–100) of a non-empty list, nearest-rank with interpolation. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty list')
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (p / 100) * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low)
}

let sink: unknown

/** Runs `subject` `count` times and returns the mean ns per operation. */
async function runBatch(subject: Subject, count: number): Promise<number> {
  let failures = 0
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) {
    try {
      const result = subject.run()
      sink = result instanceof Promise ? await result : result
    } catch {
      failures++
    }
  }
  const elapsed = Number(process.hrtime.bigint() - start)
  const expected = subject.rejects ? count : 0
  if (failures !== expected) {
    throw new Error(
      `${subject.name}: ${failures} of ${count} calls failed, expected ${subject.rejects ? 'all' : 'none'}`,
    )
  }
  return elapsed / count
}

/** Warms `subject` up for about `ms` and returns how many operations fill one batch. */
async function calibrate(subject: Subject, ms: number, batchMs: number): Promise<number> {
  let count = 1
  let nsPerOp = await runBatch(subject, count)
  const until = performance.now() + ms
  while (performance.now() < until) {
    nsPerOp = await runBatch(subject, count)
    if (nsPerOp * count < 2_000_000) count *= 2
  }
  return Math.max(1, Math.round((batchMs * 1e6) / nsPerOp))
}

/**
 * Times `candidate` against `baseline`: warm-up and calibration, then `rounds` rounds of one
 * batch each, the order alternating between rounds (A B, B A, …) so drift cancels.
 */
export async function compare(
  candidate: Subject,
  baseline: Subject,
  options: MicroOptions,
): Promise<Comparison> {
  if (!Number.isInteger(options.rounds) || options.rounds < 1) {
    throw new TypeError('rounds must be a positive integer')
  }
  const candidateBatch = await calibrate(candidate, options.warmupMs, options.batchMs)
  const baselineBatch = await calibrate(baseline, options.warmupMs, options.batchMs)
  const candidateSamples: number[] = []
  const baselineSamples: number[] = []
  const ratios: number[] = []
  for (let round = 0; round < options.rounds; round++) {
    let c: number
    let b: number
    if (round % 2 === 0) {
      b = await runBatch(baseline, baselineBatch)
      c = await runBatch(candidate, candidateBatch)
    } else {
      c = await runBatch(candidate, candidateBatch)
      b = await runBatch(baseline, baselineBatch)
    }
    candidateSamples.push(c)
    baselineSamples.push(b)
    ratios.push(c / b)
  }
  void sink
  return {
    candidate: {
      name: candidate.name,
      nsPerOp: median(candidateSamples),
      batch: candidateBatch,
      samples: candidateSamples,
    },
    baseline: {
      name: baseline.name,
      nsPerOp: median(baselineSamples),
      batch: baselineBatch,
      samples: baselineSamples,
    },
    ratio: median(ratios),
    ratios,
  }
}
