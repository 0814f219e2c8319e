/**
 * Time-to-effect sampling for the revocation cases (4 and 8): every kind of change (Keyward's
 * revocation, the bare message it is compared with, …) is sampled once per round, in a fresh
 * random order each round, so drift and neighbours' load hit every kind alike. The first
 * rounds are discarded as warm-up.
 */
import type { ChildProcess } from 'node:child_process'
import type { Keyward } from '@keyward/core'
import { nextMessage, request, wallClock } from './child.js'
import { percentile } from './micro.js'
import type { Row } from './report.js'

/** One timed change: ms from the call (and from its return) in A to the effect seen in B. */
export interface Sample {
  fromCall: number
  fromReturn: number
}

/** How many rounds to keep, how many to discard first, and the time bound. */
export interface SamplingOptions {
  /** Rounds kept (one sample of every kind each). */
  samples: number
  /** Rounds run and discarded first. */
  warmup: number
  /** Stop early once this many seconds have passed since the warm-up ended. */
  seconds: number
}

/** The outcome of {@link interleave}: the kept samples of each kind, in round order. */
export interface Sampled<K extends string> {
  samples: Record<K, Sample[]>
  /** Rounds kept: `options.samples` unless the time bound cut the run short. */
  rounds: number
  /** Seconds the kept rounds took. */
  seconds: number
}

/** Runs rounds of one sample of every kind, each round in a random order, until enough are kept. */
export async function interleave<K extends string>(
  kinds: Record<K, () => Promise<Sample>>,
  options: SamplingOptions,
): Promise<Sampled<K>> {
  const names = Object.keys(kinds) as K[]
  const samples = Object.fromEntries(names.map((name) => [name, []])) as unknown as Record<
    K,
    Sample[]
  >
  let started = performance.now()
  let kept = 0
  for (let round = 0; kept < options.samples; round++) {
    const order = [...names]
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (const name of order) {
      const sample = await kinds[name]()
      if (round >= options.warmup) samples[name].push(sample)
    }
    if (round + 1 === options.warmup) started = performance.now()
    if (round >= options.warmup) {
      kept++
      if (performance.now() - started > options.seconds * 1_000) break
    }
  }
  return { samples, rounds: kept, seconds: (performance.now() - started) / 1_000 }
}

/** Percentiles reported by {@link quantileRows}. */
export const QUANTILES = [50, 90, 99] as const

/** The kept rounds are also cut into this many consecutive blocks, to show the spread. */
const BLOCKS = 4

/** A duration in ms, as the tables show it. */
export const ms = (value: number) => `${value.toFixed(2)} ms`

/** `p` of `candidate` ÷ `p` of `baseline`, or `null` when the baseline is not positive. */
export function quantileRatio(
  candidate: readonly number[],
  baseline: readonly number[],
  p: number,
): number | null {
  const b = percentile(baseline, p)
  return b > 0 ? percentile(candidate, p) / b : null
}

/** The lowest and highest ratio at `p` over consecutive blocks of the paired samples. */
export function blockSpread(
  candidate: readonly number[],
  baseline: readonly number[],
  p: number,
): [number, number] | undefined {
  const size = Math.floor(Math.min(candidate.length, baseline.length) / BLOCKS)
  if (size < 20) return undefined
  const ratios: number[] = []
  for (let i = 0; i < BLOCKS; i++) {
    const ratio = quantileRatio(
      candidate.slice(i * size, (i + 1) * size),
      baseline.slice(i * size, (i + 1) * size),
      p,
    )
    if (ratio !== null) ratios.push(ratio)
  }
  return ratios.length > 0 ? [Math.min(...ratios), Math.max(...ratios)] : undefined
}

/** One row per quantile: candidate ÷ baseline over all kept samples, with the spread over blocks. */
export function quantileRows(
  label: (p: number) => string,
  baselineName: string,
  candidate: readonly number[],
  baseline: readonly number[],
): Row[] {
  return QUANTILES.map((p) => {
    const spread = blockSpread(candidate, baseline, p)
    const size = Math.floor(Math.min(candidate.length, baseline.length) / BLOCKS)
    return {
      case: label(p),
      baseline: baselineName,
      ratio: quantileRatio(candidate, baseline, p),
      format: 'times',
      measured: ms(percentile(candidate, p)),
      baselineMeasured: ms(percentile(baseline, p)),
      ...(spread === undefined
        ? {}
        : {
            note: `${BLOCKS} blocks of ${size}: ${spread[0].toFixed(2)}×–${spread[1].toFixed(2)}×`,
          }),
    } satisfies Row
  })
}

/** The samples of each kind for results.json: ms, 3 decimals, space-separated (one line a list). */
export function rawSamples<K extends string>(
  samples: Record<K, Sample[]>,
): Record<K, { fromCall: string; fromReturn: string }> {
  const line = (values: Sample[], from: keyof Sample) =>
    values.map((sample) => sample[from].toFixed(3)).join(' ')
  return Object.fromEntries(
    Object.entries<Sample[]>(samples).map(([kind, values]) => [
      kind,
      { fromCall: line(values, 'fromCall'), fromReturn: line(values, 'fromReturn') },
    ]),
  ) as Record<K, { fromCall: string; fromReturn: string }>
}

/** A key issued before the timing starts, with its token. */
export type IssuedKey = Awaited<ReturnType<Keyward['keys']['create']>>

/**
 * Issues `count` keys on `keyward`, `parallel` at a time, before any timing starts, so no
 * sample follows a write of its own.
 */
export async function issueKeys(
  keyward: Keyward,
  count: number,
  parallel: number,
): Promise<IssuedKey[]> {
  const issued: IssuedKey[] = []
  while (issued.length < count) {
    const batch = Math.min(parallel, count - issued.length)
    issued.push(
      ...(await Promise.all(
        Array.from({ length: batch }, () =>
          keyward.keys.create({
            name: 'revoked in the benchmark',
            ownerId: 'org_bench',
            scopes: ['projects:read'],
            expiresIn: '1h',
          }),
        ),
      )),
    )
  }
  return issued
}

interface Rejected {
  type: 'rejected'
  at: number
  code: string
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The sampler of one kind of change: takes the next issued key, arms the observer B's check
 * loop on it (`until`: B refuses the key, or B hears the bare message naming it), runs `act`
 * in A after a random pause of up to 3 ms (so samples do not lock to B's loop), and times
 * B's answer from the call and from its return, on the wall clock both processes share.
 * B's refusal must carry `code` (default `revoked_token`; `message` for the bare message).
 */
export function timedChange(
  observer: ChildProcess,
  issued: IssuedKey[],
  until: 'refused' | 'message',
  act: (key: { id: string; expiresAt: number }) => unknown,
  code: string = until === 'message' ? 'message' : 'revoked_token',
): () => Promise<Sample> {
  return async () => {
    const next = issued.pop()
    if (next === undefined) throw new Error('ran out of issued keys')
    const { token, key } = next
    await request(observer, { type: 'arm', token, id: key.id, until }, 'armed')
    const rejected = nextMessage<Rejected>(observer, 'rejected', 10_000)
    await sleep(Math.random() * 3)
    const calledAt = wallClock()
    await act({ id: key.id, expiresAt: key.expiresAt })
    const returnedAt = wallClock()
    const seen = await rejected
    if (seen.code !== code) throw new Error(`B answered ${seen.code}, expected ${code}`)
    const { at } = seen
    return { fromCall: at - calledAt, fromReturn: at - returnedAt }
  }
}
