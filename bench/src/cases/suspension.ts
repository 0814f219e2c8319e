/**
 * Case 10: how soon a suspension made in process A shows in process B, against a revocation's,
 * over Redis and over PostgreSQL, in the same run (issue 22). B is the same child as in cases 4
 * and 8 (an instance with its own connections that runs `check()` on every turn of its loop).
 */
import type { ChildProcess } from 'node:child_process'
import type { Keyward } from '@keyward/core'
import { percentile } from '../micro.js'
import type { Row, TargetResult } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'
import {
  interleave,
  issueKeys,
  ms,
  quantileRatio,
  quantileRows,
  rawSamples,
  type Sample,
  type SamplingOptions,
  timedChange,
} from '../time-to-effect.js'
import { overPostgres, overRedis, TWO_PROCESS_SAMPLING } from '../two-processes.js'

/** The ratio a suspension may take over a revocation at p99: the same bound, plus noise. */
const GOAL = 1.1

/** One backend's rounds: suspensions and revocations interleaved, A → B. */
async function sample(a: Keyward, b: ChildProcess, sampling: SamplingOptions) {
  const issued = await issueKeys(a, 2 * (sampling.warmup + sampling.samples), 16)
  const sampled = await interleave(
    {
      suspension: timedChange(
        b,
        issued,
        'refused',
        ({ id }) => a.keys.suspend(id),
        'suspended_token',
      ),
      revocation: timedChange(b, issued, 'refused', ({ id }) => a.keys.revoke(id)),
    },
    sampling,
  )
  const of = (kind: 'suspension' | 'revocation', from: keyof Sample) =>
    sampled.samples[kind].map((s) => s[from])
  return { sampled, of }
}

type Measured = Awaited<ReturnType<typeof sample>>

function rowsOf(backend: string, m: Measured): Row[] {
  return [
    ...quantileRows(
      (p) => `${backend}: p${p} from keys.suspend() returning in A to B refusing`,
      'keys.revoke() returning in A to B refusing, same rounds',
      m.of('suspension', 'fromReturn'),
      m.of('revocation', 'fromReturn'),
    ).map((row, i) => (i === 0 ? { ...row, raw: rawSamples(m.sampled.samples) } : row)),
    ...quantileRows(
      (p) => `${backend}: p${p} from keys.suspend() called`,
      'keys.revoke() called',
      m.of('suspension', 'fromCall'),
      m.of('revocation', 'fromCall'),
    ),
  ]
}

function targetOf(backend: string, m: Measured): TargetResult {
  const ratio = quantileRatio(
    m.of('suspension', 'fromReturn'),
    m.of('revocation', 'fromReturn'),
    99,
  )
  const [s50, s99, r50, r99] = [
    percentile(m.of('suspension', 'fromReturn'), 50),
    percentile(m.of('suspension', 'fromReturn'), 99),
    percentile(m.of('revocation', 'fromReturn'), 50),
    percentile(m.of('revocation', 'fromReturn'), 99),
  ]
  return {
    name: `${backend}: suspension ÷ revocation time-to-effect in another process, p99`,
    measured: ratio,
    unit: 'times',
    goal: `≤ ${GOAL.toFixed(2)}×`,
    met: ratio === null ? null : ratio <= GOAL,
    note:
      `from the call returning, ${m.sampled.rounds} rounds: suspension p50 ${ms(s50)} / p99 ${ms(s99)}, ` +
      `revocation p50 ${ms(r50)} / p99 ${ms(r99)}`,
  }
}

/**
 * Case 10: suspension time-to-effect in another process against revocation's, interleaved
 * round by round, over Redis and then over PostgreSQL.
 */
export async function suspensionCase(settings: BenchSettings): Promise<CaseResult> {
  const sampling = TWO_PROCESS_SAMPLING[settings.mode]
  const measure = (a: Keyward, b: ChildProcess) => sample(a, b, sampling)
  const redis = await overRedis(settings, 'susp', measure)
  const postgres = await overPostgres(settings, 'susp', measure)
  return {
    section: {
      id: 'suspension',
      title: '10. Suspension against revocation, time-to-effect in another process',
      description:
        'Process A (the runner) suspends or revokes a key through `keys.suspend()` / `keys.revoke()`; ' +
        'process B (the child of case 4 over Redis, of case 8 over PostgreSQL, with connections of ' +
        'its own) has verified the key and runs `check()` on it on every turn of its event loop ' +
        'until it is refused (`suspended_token`, `revoked_token`). One suspension and one ' +
        'revocation per round, in a random order, on fresh keys issued before the timing; ' +
        `${sampling.warmup} rounds of warm-up discarded, at most ${sampling.samples} rounds kept ` +
        `(${sampling.seconds} s bound) per backend. Times from \`performance.timeOrigin + ` +
        'performance.now()`, the clock both processes share. Ratios are suspension ÷ revocation ' +
        'of the same percentile over the same rounds.',
      rows: [...rowsOf('Redis', redis.measured), ...rowsOf('PostgreSQL', postgres)],
      notes: [
        `Redis: ${redis.measured.sampled.rounds} rounds (${redis.measured.sampled.seconds.toFixed(0)} s); ` +
          `PostgreSQL: ${postgres.sampled.rounds} rounds (${postgres.sampled.seconds.toFixed(0)} s).`,
        'A value below zero means B refused the key before the call had returned in A: the list ' +
          'announces the change (Redis PUBLISH inside the script, PostgreSQL a bare NOTIFY first) ' +
          'before A has its answer.',
        `The goal (≤ ${GOAL.toFixed(2)}× at p99) reads "within the same bound as revocation", ` +
          'with 10 % for noise between two interleaved series.',
        redis.private
          ? `Redis: a private redis-server (${redis.url}).`
          : `Redis: the shared server (${redis.url}).`,
      ],
    },
    targets: [targetOf('Redis', redis.measured), targetOf('PostgreSQL', postgres)],
  }
}
