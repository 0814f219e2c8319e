/**
 * Case 10: how soon a suspension made in process A shows in process B, against a revocation's,
 * over Redis and over PostgreSQL, in the same run (issue 22). B is the same child as in cases 4
 * and 8 (an instance with its own connections that runs `check()` on every turn of its loop).
 */
import type { ChildProcess } from 'node:child_process'
import { createKeyward, type Keyward } from '@keyward/core'
import { migrate, PostgresRevocationList, PostgresTokenStore } from '@keyward/postgres'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'
import { nextMessage, request, startChild, stopChild, wallClock } from '../child.js'
import { percentile } from '../micro.js'
import { benchRedis, deleteNamespace } from '../redis-server.js'
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
} from '../time-to-effect.js'

/** Bounded trials: rounds kept (one suspension and one revocation each), warm-up, time bound. */
const SAMPLING: Record<BenchSettings['mode'], SamplingOptions> = {
  quick: { samples: 60, warmup: 10, seconds: 10 },
  full: { samples: 400, warmup: 30, seconds: 60 },
}

/** The ratio a suspension may take over a revocation at p99: the same bound, plus noise. */
const GOAL = 1.1

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The sampler of one kind of change: arms B's check loop on the next issued key, runs `act` in
 * A after a random pause of up to 3 ms, and times B's refusal (which must carry `code`) from
 * the call and from its return, on the wall clock both processes share.
 */
function timed(
  observer: ChildProcess,
  issued: IssuedKey[],
  code: string,
  act: (id: string) => Promise<unknown>,
): () => Promise<Sample> {
  return async () => {
    const next = issued.pop()
    if (next === undefined) throw new Error('ran out of issued keys')
    await request(
      observer,
      { type: 'arm', token: next.token, id: next.key.id, until: 'refused' },
      'armed',
    )
    const refused = nextMessage<{ type: 'rejected'; at: number; code: string }>(
      observer,
      'rejected',
      10_000,
    )
    await sleep(Math.random() * 3)
    const calledAt = wallClock()
    await act(next.key.id)
    const returnedAt = wallClock()
    const seen = await refused
    if (seen.code !== code) throw new Error(`B answered ${seen.code}, expected ${code}`)
    return { fromCall: seen.at - calledAt, fromReturn: seen.at - returnedAt }
  }
}

/** One backend's rounds: suspensions and revocations interleaved, A → B. */
async function sample(a: Keyward, b: ChildProcess, sampling: SamplingOptions) {
  const issued = await issueKeys(a, 2 * (sampling.warmup + sampling.samples), 16)
  const sampled = await interleave(
    {
      suspension: timed(b, issued, 'suspended_token', (id) => a.keys.suspend(id)),
      revocation: timed(b, issued, 'revoked_token', (id) => a.keys.revoke(id)),
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

async function overRedis(settings: BenchSettings, sampling: SamplingOptions) {
  const redis = await benchRedis(settings.redisUrl)
  const namespace = `kwbench_susp_${process.pid}_${Date.now()}`
  const b = startChild('src/servers/redis-app.ts', [redis.url, namespace, '10000'])
  const client = new Redis(redis.url)
  const a = createKeyward({
    prefix: 'kw_live',
    store: new RedisTokenStore(client, { namespace }),
    revocations: new RedisRevocationList(client, { namespace }),
  })
  try {
    await nextMessage(b, 'ready')
    await a.ready()
    return { measured: await sample(a, b, sampling), private: redis.private, url: redis.url }
  } finally {
    await stopChild(b)
    await a.close()
    if (!redis.private) await deleteNamespace(redis.url, namespace)
    client.disconnect()
    await redis.stop()
  }
}

async function overPostgres(settings: BenchSettings, sampling: SamplingOptions) {
  const url = settings.databaseUrl
  const schema = `kwbench_susp_${process.pid}_${Date.now().toString(36)}`
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  let b: ChildProcess | undefined
  let a: Keyward | undefined
  try {
    await migrate(pool, { schema })
    b = startChild('src/servers/postgres-app.ts', [url, schema])
    a = createKeyward({
      prefix: 'kw_live',
      store: new PostgresTokenStore(pool, { schema }),
      revocations: new PostgresRevocationList(pool, { schema }),
    })
    await nextMessage(b, 'ready')
    await a.ready()
    return await sample(a, b, sampling)
  } finally {
    if (b) await stopChild(b)
    await a?.close()
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
    await pool.end()
  }
}

/**
 * Case 10: suspension time-to-effect in another process against revocation's, interleaved
 * round by round, over Redis and then over PostgreSQL.
 */
export async function suspensionCase(settings: BenchSettings): Promise<CaseResult> {
  const sampling = SAMPLING[settings.mode]
  const redis = await overRedis(settings, sampling)
  const postgres = await overPostgres(settings, sampling)
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
