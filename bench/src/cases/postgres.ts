import { createKeyward, type Keyward } from '@keyward/core'
import {
  migrate,
  type PgPool,
  type PgQuery,
  PostgresRevocationList,
  PostgresTokenStore,
} from '@keyward/postgres'
import pg from 'pg'
import { nextMessage, request, startChild, stopChild, wallClock } from '../child.js'
import { compare, percentile } from '../micro.js'
import type { Row } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'
import { microRow } from './verify.js'

interface Rejected {
  type: 'rejected'
  at: number
  code: string
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const ms = (value: number) => `${value.toFixed(2)} ms`

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
  const admin = new pg.Pool({ connectionString: url, max: 4 })
  let b: ReturnType<typeof startChild> | undefined
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

    // 3. Revocation time-to-effect in process B, against a bare NOTIFY seen by B.
    b = startChild('src/servers/postgres-app.ts', [url, schema])
    await nextMessage(b, 'ready', 30_000)
    const list = { fromCall: [] as number[], fromReturn: [] as number[] }
    const revoke = { fromReturn: [] as number[] }
    const raw = { fromCall: [] as number[], fromReturn: [] as number[] }
    const revocations = a.revocations
    const durable: number[] = []
    await admin.query(
      `CREATE TABLE "${schema}".bench_durable (id serial PRIMARY KEY, at bigint NOT NULL)`,
    )
    for (let i = 0; i < settings.revocation.samples; i++) {
      await request(b, { type: 'arm-raw' }, 'armed')
      const rejected = nextMessage<Rejected>(b, 'rejected', 10_000)
      await sleep(Math.random() * 3)
      const calledAt = wallClock()
      await admin.query(
        `WITH w AS (INSERT INTO "${schema}".bench_durable (at) VALUES (1) RETURNING 1) SELECT pg_notify('${schema}_bench_raw', 'durable') FROM w`,
      )
      durable.push((await rejected).at - calledAt)
    }
    for (let i = 0; i < settings.revocation.samples * 3; i++) {
      const kind = i % 3
      let act: () => Promise<unknown>
      if (kind === 2) {
        await request(b, { type: 'arm-raw' }, 'armed')
        act = () => admin.query(`SELECT pg_notify('${schema}_bench_raw', 'revoked')`)
      } else {
        const issued = await a.keys.create({
          name: 'revoked in the benchmark',
          ownerId: 'org_bench',
          scopes: ['projects:read'],
          expiresIn: '1h',
        })
        await request(b, { type: 'arm', token: issued.token }, 'armed')
        act =
          kind === 0
            ? () => revocations.revoke(issued.key.id, issued.key.expiresAt)
            : () => a.keys.revoke(issued.key.id)
      }
      const rejected = nextMessage<Rejected>(b, 'rejected', 10_000)
      await sleep(Math.random() * 3)
      const calledAt = wallClock()
      await act()
      const returnedAt = wallClock()
      const { at, code } = await rejected
      if (code !== (kind === 2 ? 'message' : 'revoked_token')) throw new Error(`B answered ${code}`)
      if (kind === 0) {
        list.fromCall.push(at - calledAt)
        list.fromReturn.push(at - returnedAt)
      } else if (kind === 1) {
        revoke.fromReturn.push(at - returnedAt)
      } else {
        raw.fromCall.push(at - calledAt)
        raw.fromReturn.push(at - returnedAt)
      }
    }

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
    for (const p of [50, 99]) {
      const candidate = percentile(list.fromCall, p)
      const baseline = percentile(raw.fromCall, p)
      rows.push({
        case: `p${p} from revocations.revoke() called in A to B refusing`,
        baseline: 'bare pg_notify seen by B, from the call, same loop',
        ratio: baseline > 0 ? candidate / baseline : null,
        format: 'times',
        measured: ms(candidate),
        baselineMeasured: ms(baseline),
      })
      rows.push({
        case: `p${p} from keys.revoke() returning in A to B refusing`,
        baseline: 'bare pg_notify seen by B, from its return',
        ratio: null,
        format: 'times',
        measured: ms(percentile(revoke.fromReturn, p)),
        baselineMeasured: ms(percentile(raw.fromReturn, p)),
      })
    }
    const p99 = percentile(list.fromCall, 99)
    const rawP99 = percentile(raw.fromCall, 99)
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
          'table and pool, alternating batches. Revocation: process A (the runner) revokes; process ' +
          'B, with its own pool, had verified the key and checks it on every turn of its event loop ' +
          `until refused; ${settings.revocation.samples} samples each of the list's revoke() (the ` +
          'statement that carries the revocation), of keys.revoke() (which first reads the record ' +
          'and writes revokedAt on it), and of a bare pg_notify that B listens for on a connection ' +
          'of its own. B is idle apart from the check loop.',
        rows,
        notes: [
          `Statements in the window: ${[...windowCounts].map(([n, c]) => `${n} ${c}`).join(', ') || 'none'}. ` +
            `Statements during the cache-miss timing (warm-up included): ${missCalls}.`,
          `Durable writes wait for the WAL flush at commit; a bare pg_notify writes no WAL. In the same run, one ` +
            `statement writing a row and notifying (no Keyward) took p50 ${ms(percentile(durable, 50))}, ` +
            `p99 ${ms(percentile(durable, 99))} from the call to B seeing it: the floor for any revocation ` +
            'that survives a crash of the database.',
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
          measured: rawP99 > 0 ? p99 / rawP99 : null,
          unit: 'times',
          goal: '≤ 1.2×',
          met: rawP99 > 0 ? p99 / rawP99 <= 1.2 : null,
          note: `p99 ${ms(p99)} against bare NOTIFY ${ms(rawP99)}, both from the call in A`,
        },
      ],
    }
  } finally {
    if (b) await stopChild(b)
    for (const keyward of open) await keyward.close()
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
    await admin.end()
  }
}
