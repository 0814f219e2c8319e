/**
 * Case 13: rotation until first use (issue 25). How soon the old key ends in another process
 * once its successor is first verified, against how soon a revocation does, over Redis and over
 * PostgreSQL, in the same run. A rotates every key of the hand-over series until first use
 * before any timing; a round then verifies one successor in A (its first use: A hands over off
 * the request path) and times B's refusal of the old key, and revokes one plain key in A and
 * times B's refusal of it.
 */
import type { ChildProcess } from 'node:child_process'
import type { Keyward } from '@keyward/core'
import { percentile } from '../micro.js'
import type { Row, TargetResult } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'
import {
  type IssuedKey,
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

/** Rotates every key in `issued` until first use; answers each old key's successor token. */
async function rotateUntilFirstUse(a: Keyward, issued: IssuedKey[]): Promise<Map<string, string>> {
  const successors = new Map<string, string>()
  for (let i = 0; i < issued.length; i += 16) {
    const batch = issued.slice(i, i + 16)
    const rotated = await Promise.all(
      batch.map(({ key }) => a.keys.rotate(key.id, { until: 'first-use', gracePeriod: '1h' })),
    )
    for (const [j, { key }] of batch.entries()) successors.set(key.id, rotated[j]!.token)
  }
  return successors
}

/** One backend's rounds: a hand-over and a revocation each, A → B. */
async function sample(a: Keyward, b: ChildProcess, sampling: SamplingOptions) {
  const rounds = sampling.warmup + sampling.samples
  const handedOver = await issueKeys(a, rounds, 16)
  const revoked = await issueKeys(a, rounds, 16)
  const successors = await rotateUntilFirstUse(a, handedOver)
  const sampled = await interleave(
    {
      handover: timedChange(b, handedOver, 'refused', ({ id }) =>
        a.verify(successors.get(id) as string),
      ),
      revocation: timedChange(b, revoked, 'refused', ({ id }) => a.keys.revoke(id)),
    },
    sampling,
  )
  const of = (kind: 'handover' | 'revocation', from: keyof Sample) =>
    sampled.samples[kind].map((s) => s[from])
  return { sampled, of }
}

type Measured = Awaited<ReturnType<typeof sample>>

function rowsOf(backend: string, m: Measured): Row[] {
  return [
    ...quantileRows(
      (p) =>
        `${backend}: p${p} from the successor's first verify() called in A to B refusing the old key`,
      'keys.revoke() called in A to B refusing, same rounds',
      m.of('handover', 'fromCall'),
      m.of('revocation', 'fromCall'),
    ).map((row, i) => (i === 0 ? { ...row, raw: rawSamples(m.sampled.samples) } : row)),
    ...quantileRows(
      (p) => `${backend}: p${p} from that verify() returning`,
      'keys.revoke() returning',
      m.of('handover', 'fromReturn'),
      m.of('revocation', 'fromReturn'),
    ),
  ]
}

function targetOf(backend: string, m: Measured): TargetResult {
  const ratio = quantileRatio(m.of('handover', 'fromCall'), m.of('revocation', 'fromCall'), 99)
  const at = (kind: 'handover' | 'revocation', p: number) =>
    ms(percentile(m.of(kind, 'fromCall'), p))
  return {
    name: `${backend}: hand-over ÷ revocation time-to-effect in another process, p99`,
    measured: ratio,
    unit: 'times',
    goal: 'reported',
    met: null,
    note:
      `from the call, ${m.sampled.rounds} rounds: hand-over p50 ${at('handover', 50)} / p99 ${at('handover', 99)}, ` +
      `revocation p50 ${at('revocation', 50)} / p99 ${at('revocation', 99)}`,
  }
}

/** Case 13: hand-over time-to-effect against revocation's, over Redis and then PostgreSQL. */
export async function handoverCase(settings: BenchSettings): Promise<CaseResult> {
  const sampling = TWO_PROCESS_SAMPLING[settings.mode]
  const measure = (a: Keyward, b: ChildProcess) => sample(a, b, sampling)
  const redis = await overRedis(settings, 'handover', measure)
  const postgres = await overPostgres(settings, 'handover', measure)
  return {
    section: {
      id: 'handover',
      title: '13. Rotation until first use: hand-over against revocation, in another process',
      description:
        'Process A (the runner) rotates keys with `until: "first-use"` before any timing. Each ' +
        'round, in a random order: A verifies one successor (its first use; A ends the old key ' +
        'off the request path, through the store and the revocation list), and A revokes one ' +
        'plain key with `keys.revoke()`; process B (the child of case 4 over Redis, of case 8 ' +
        'over PostgreSQL) has verified the old or plain key and runs `check()` on it on every ' +
        'turn of its event loop until it is refused (`revoked_token`). Times from the call in A ' +
        `(the first use, or the revocation, starting) and from its return; ${sampling.warmup} rounds of warm-up discarded, at most ${sampling.samples} ` +
        `kept (${sampling.seconds} s bound) per backend. Ratios are hand-over ÷ revocation of the ` +
        'same percentile over the same rounds.',
      rows: [...rowsOf('Redis', redis.measured), ...rowsOf('PostgreSQL', postgres)],
      notes: [
        `Redis: ${redis.measured.sampled.rounds} rounds; PostgreSQL: ${postgres.sampled.rounds} rounds.`,
        'The target compares from the call: a first use and a revocation each start there. From ' +
          'the return the two differ by design: `keys.revoke()` returns once the revocation is ' +
          'announced, while `verify()` answers the successor at once and the hand-over (a store ' +
          'write, then the revocation list) runs after it, off the request path.',
        redis.private
          ? `Redis: a private redis-server (${redis.url}).`
          : `Redis: the shared server (${redis.url}).`,
      ],
    },
    targets: [targetOf('Redis', redis.measured), targetOf('PostgreSQL', postgres)],
  }
}
