import { createKeyward, type Keyward } from '@keyward/core'
import {
  migrate,
  type PgPool,
  type PgQuery,
  PostgresRevocationList,
  PostgresTokenStore,
} from '@keyward/postgres'
import pg from 'pg'
import { nextMessage, startChild, stopChild } from '../child.js'
import { compare, percentile } from '../micro.js'
import type { Row } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'
import {
  blockSpread,
  interleave,
  issueKeys,
  ms,
  QUANTILES,
  quantileRatio,
  quantileRows,
  rawSamples,
  timedChange,
} from '../time-to-effect.js'
import { microRow } from './verify.js'

const _sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A pool that counts the statements sent through it, by prepared-statement name. */
function countingPool(pool: pg.Pool): { pool: PgPool; counts: Map<string, number> } {
  const counts = new Map<string, number>()
  return {
    counts,
    pool: {
      query(query: PgQuery) {
        const name = query.name?.split(':').at(-1) ?? 'unnamed'
        counts.set(name, (counts.get(name) ?? 0) + 1)
        return pool.query(query)
      },
      connect: () => pool.connect(),
    },
  }
}

const total = (counts: Map<string, number>, skip: string[] = []) =>
  [...counts].reduce((sum, [name, n]) => (skip.includes(name) ? sum : sum + n), 0)

/**
 * Case 8: PostgreSQL. Statements per verified request after warm-up; a verification that
 * misses the cache against one bare `SELECT` by primary key; revocation time-to-effect in
 * another process against a bare `NOTIFY` seen there.
 */
export async function postgresCase(settings: BenchSettings): Promise<CaseResult> {
  const url = settings.databaseUrl
  const schema = `kwbench_${process.pid}_${Date.now().toString(36)}`
  const admin = new pg.Pool({ connectionString: url, max: 6 })
  let b: ReturnType<typeof startChild> | undefined
  let echo: pg.PoolClient | undefined
  const open: Keyward[] = []
  try {
    await migrate(admin, { schema })
    const counted = countingPool(admin)
    const a = createKeyward({
      prefix: 'kw_live',
      store: new PostgresTokenStore(counted.pool, { schema }),
      revocations: new PostgresRevocationList(counted.pool, { schema }),
    })
    const missCounted = countingPool(admin)
    const uncached = createKeyward({
      prefix: 'kw_live',
      store: new PostgresTokenStore(missCounted.pool, { schema }),
      revocations: new PostgresRevocationList(admin, { schema }),
      cache: { max: 0 },
    })
    open.push(a, uncached)
    await Promise.all([a.ready(), uncached.ready()])
    const { token, key } = await a.keys.create({
      name: 'bench',
      ownerId: 'org_bench',
      scopes: ['projects:read'],
      expiresIn: '1h',
    })

    // 1. Statements per verified request, after warm-up.
    for (let i = 0; i < settings.redisRoundTrips.warmupRequests; i++) await a.verify(token)
    counted.counts.clear()
    let requests = 0
    const until = performance.now() + settings.redisRoundTrips.windowSeconds * 1_000
    while (performance.now() < until) {
      for (let i = 0; i < 1_000; i++) await a.verify(token, { scopes: ['projects:read'] })
      requests += 1_000
      await new Promise((resolve) => setImmediate(resolve))
    }
    const statements = total(counted.counts, ['touch'])
    const perRequest = statements / requests
    const touches = counted.counts.get('touch') ?? 0
    const windowCounts = new Map(counted.counts)

    // 2. A verification that misses the cache (one SELECT by the unique hash) against a bare
    //    SELECT by primary key on the same table and pool.
    const bare = {
      name: 'bench_bare_pk',
      text: `SELECT * FROM "${schema}".keyward_keys WHERE id = $1`,
      values: [key.id],
    }
    missCounted.counts.clear()
    let missVerifies = 0
    const miss = await compare(
      {
        name: 'keyward.verify, cache.max 0',
        run: () => {
          missVerifies++
          return uncached.verify(token)
        },
      },
      { name: 'bare SELECT by primary key', run: () => admin.query(bare) },
      { ...settings.micro, batchMs: Math.max(settings.micro.batchMs, 100) },
    )

    const missCalls = `${[...missCounted.counts].map(([name, n]) => `${name} ${n}`).join(', ')} over ${missVerifies} verifications`

    // 3. Revocation time-to-effect in process B, against a bare NOTIFY seen by B. Each sample
    //    issues a key in A and has B verify it and watch it (the same loop for every kind);
    //    then A makes the change. The kinds alternate in a random order each round.
    await uncached.close() // its listener would make A busier while A times the changes
    await admin.query(
      `CREATE TABLE "${schema}".bench_durable (id serial PRIMARY KEY, key_id text NOT NULL)`,
    )
    b = startChild('src/servers/postgres-app.ts', [url, schema])
    await nextMessage(b, 'ready', 30_000)
    const child = b
    const rawChannel = `${schema}_bench_raw`
    // A listens on the bare channel too, as the list in A listens on its own: in any design
    // built on NOTIFY every instance listens, the writer included, and hears its own changes.
    echo = await admin.connect()
    echo.on('notification', (message) => JSON.parse(message.payload ?? '{}'))
    await echo.query(`LISTEN "${rawChannel}"`)
    const bareNotify = (id: string) => ({
      name: 'bench_bare_notify',
      text: 'SELECT pg_notify($1, $2)',
      values: [rawChannel, JSON.stringify({ id })],
    })
    const durableNotify = (id: string) => ({
      name: 'bench_durable_notify',
      text: `WITH w AS (INSERT INTO "${schema}".bench_durable (key_id) VALUES ($2) RETURNING 1) SELECT pg_notify($1, $3) FROM w`,
      values: [rawChannel, id, JSON.stringify({ id })],
    })
    // Every key is issued before the timing starts, so no sample follows a fresh write of its own.
    const kinds = 4
    const issued = await issueKeys(
      a,
      kinds * (settings.revocation.warmup + settings.revocation.samples),
      4,
    )
    const timed = (
      until: 'refused' | 'message',
      act: (key: { id: string; expiresAt: number }) => unknown,
    ) => timedChange(child, issued, until, act)
    const revocations = a.revocations
    const sampled = await interleave(
      {
        list: timed('refused', (key) => revocations.revoke(key.id, key.expiresAt)),
        keys: timed('refused', (key) => a.keys.revoke(key.id)),
        bare: timed('message', (key) => counted.pool.query(bareNotify(key.id))),
        durable: timed('message', (key) => counted.pool.query(durableNotify(key.id))),
      },
      settings.revocation,
    )
    const fromCall = (kind: keyof typeof sampled.samples) =>
      sampled.samples[kind].map((sample) => sample.fromCall)
    const fromReturn = (kind: keyof typeof sampled.samples) =>
      sampled.samples[kind].map((sample) => sample.fromReturn)

    const rows: Row[] = [
      {
        case: 'statements per verified request, default cache, after warm-up',
        baseline: 'one statement per request (what a store lookup costs)',
        ratio: perRequest,
        format: 'times',
        measured: `${perRequest.toFixed(4)} (${statements} over ${requests} requests)`,
        baselineMeasured: '1',
        note: `background, not counted: ${touches} touch writes; the list's heartbeat SELECT 1 runs on its own connection`,
      },
      microRow('verify() missing the cache (one SELECT by hash)', miss),
    ]
    rows.push(
      ...quantileRows(
        (p) => `p${p} from revocations.revoke() called in A to B refusing`,
        'bare pg_notify seen by B, from the call, same loop',
        fromCall('list'),
        fromCall('bare'),
      ).map((row, i) => (i === 0 ? { ...row, raw: rawSamples(sampled.samples) } : row)),
      ...quantileRows(
        (p) => `p${p} from keys.revoke() returning in A to B refusing`,
        'bare pg_notify seen by B, from its return',
        fromReturn('keys'),
        fromReturn('bare'),
      ).map(({ note: _spread, ...row }) => ({ ...row, ratio: null })),
    )
    const p99 = percentile(fromCall('list'), 99)
    const rawP99 = percentile(fromCall('bare'), 99)
    const p99Ratio = quantileRatio(fromCall('list'), fromCall('bare'), 99)
    const p99Spread = blockSpread(fromCall('list'), fromCall('bare'), 99)
    return {
      section: {
        id: 'postgres',
        title: '8. PostgreSQL',
        description:
          'Keyward over PostgresTokenStore and PostgresRevocationList on the local PostgreSQL ' +
          `(${url.replace(/\/\/[^@]*@/, '//')}, a schema of its own, dropped afterwards). Statements are ` +
          'counted on the pool Keyward is given, by prepared-statement name, over ' +
          `${settings.redisRoundTrips.windowSeconds} s of \`verify()\` calls after ` +
          `${settings.redisRoundTrips.warmupRequests} warm-up calls. The cache-miss row times ` +
          '`verify()` with `cache.max 0` against a bare `SELECT * … WHERE id = $1` on the same ' +
          'table and pool, alternating batches. Revocation: process A (the runner) makes a change; ' +
          'process B, with its own pool, has verified a fresh key and runs `check()` on it on every ' +
          'turn of its event loop until the change shows: the key refused, or (the baselines) a ' +
          'notification naming it arrived on a connection B listens on, taken from the same pool (A ' +
          'listens on that channel too, as its list does on its own). ' +
          'Four kinds, one sample of each per round in a random order, on the same pool in A: the ' +
          "list's revoke() (the statement that carries the revocation), keys.revoke() (which first " +
          'reads the record and writes revokedAt on it), a bare pg_notify of the id, and one statement ' +
          'writing a row and notifying (no Keyward). ' +
          `${settings.revocation.warmup} rounds of warm-up discarded, then ${sampled.rounds} rounds ` +
          `(${sampled.seconds.toFixed(0)} s). Ratios are of percentiles over all kept rounds; the ` +
          'note gives the range over 4 consecutive blocks of rounds. B is idle apart from the check loop.',
        rows,
        notes: [
          `Statements in the window: ${[...windowCounts].map(([n, c]) => `${n} ${c}`).join(', ') || 'none'}. ` +
            `Statements during the cache-miss timing (warm-up included): ${missCalls}.`,
          'Durable writes wait for the WAL flush at commit; a bare pg_notify writes no WAL. One ' +
            'statement writing a row and notifying (no Keyward), same rounds: ' +
            QUANTILES.map((p) => `p${p} ${ms(percentile(fromCall('durable'), p))}`).join(', ') +
            ' from the call to B seeing it. The list sends a bare notification first, then the ' +
            'durable write (which notifies again as it commits), so B refuses at the bare ' +
            "notification's pace while the revocation is still durable before revoke() returns.",
          'A value below zero means B refused the key before the call had returned in A: the ' +
            'notification leaves the server at commit, while A still waits for the reply.',
        ],
      },
      targets: [
        {
          name: 'PostgreSQL statements per request (hot path)',
          measured: perRequest,
          unit: 'count',
          goal: '0',
          met: perRequest < 0.001,
        },
        {
          name: 'PostgreSQL cache-miss verify ÷ bare SELECT by primary key',
          measured: miss.ratio,
          unit: 'times',
          goal: '≤ 1.5×',
          met: miss.ratio <= 1.5,
        },
        {
          name: 'PostgreSQL revocation time-to-effect ÷ bare NOTIFY, p99',
          measured: p99Ratio,
          unit: 'times',
          goal: '≤ 1.2×',
          met: p99Ratio === null ? null : p99Ratio <= 1.2,
          note:
            `p99 ${ms(p99)} against bare NOTIFY ${ms(rawP99)}, both from the call in A, ` +
            `${sampled.rounds} samples each` +
            (p99Spread ? `; blocks ${p99Spread[0].toFixed(2)}×–${p99Spread[1].toFixed(2)}×` : ''),
        },
      ],
    }
  } finally {
    if (b) await stopChild(b)
    echo?.release(true)
    for (const keyward of open) await keyward.close()
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
    await admin.end()
  }
}
