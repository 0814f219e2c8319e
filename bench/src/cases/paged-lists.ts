import { randomBytes } from 'node:crypto'
import {
  createKeyward,
  type KeyRecord,
  type Keyward,
  type ListPageOptions,
  MemoryRevocationList,
  toApiKeyJson,
} from '@keyward/core'
import { encodeCursor } from '@keyward/core/adapter'
import { migrate, PostgresTokenStore } from '@keyward/postgres'
import { RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'
import { percentile } from '../micro.js'
import { benchRedis, deleteNamespace } from '../redis-server.js'
import { formatBytes, type Row, type TargetResult } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'

const GOAL_MS = 20
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const OWNER = 'org_bench_paged'

/** How many keys, and how many timed calls per position and backend. */
function scale(settings: BenchSettings) {
  return settings.mode === 'quick' ? { keys: 20_000, samples: 60 } : { keys: 100_000, samples: 200 }
}

function keyId(): string {
  const bytes = randomBytes(16)
  return `key_${[...bytes].map((b) => BASE62[b % 62]).join('')}`
}

/** `count` records of one owner, one a millisecond, named `device-<i>`; oldest first. */
function records(count: number, now: number): KeyRecord[] {
  const base = now - count - 60_000
  return Array.from({ length: count }, (_, i) => ({
    id: keyId(),
    hash: randomBytes(32).toString('base64url'),
    prefix: 'kw_live',
    hint: 'kw_live_Ab12…',
    name: `device-${i}`,
    ownerId: OWNER,
    scopes: ['projects:read'],
    createdAt: base + i,
    expiresAt: now + 86_400_000 * 30,
  }))
}

/**
 * Redis: the hashes and indexes the store's insert script writes (record, hash index, owner
 * set, names set), sent raw in pipelines of 2 000 records; one record then goes through the
 * store itself, so a format drift fails the paging check.
 */
async function seedRedis(client: Redis, namespace: string, all: readonly KeyRecord[]) {
  const tag = `{${namespace}}`
  const ttl = 86_400_000 * 31
  await client.zadd(`${tag}:names:${OWNER}`, 0, '\0')
  for (let i = 0; i < all.length; i += 2_000) {
    const pipeline = client.pipeline()
    for (const r of all.slice(i, i + 2_000)) {
      const folded = r.name.toLowerCase()
      pipeline.hset(`${tag}:key:${r.id}`, {
        id: r.id,
        hash: r.hash,
        prefix: r.prefix,
        hint: r.hint,
        name: r.name,
        ownerId: r.ownerId,
        createdAt: String(r.createdAt),
        expiresAt: String(r.expiresAt),
        scopes: JSON.stringify(r.scopes),
        nameKey: folded,
      })
      pipeline.pexpire(`${tag}:key:${r.id}`, ttl)
      pipeline.set(`${tag}:hash:${r.hash}`, r.id, 'PX', ttl)
      pipeline.zadd(`${tag}:owner:${OWNER}`, r.createdAt, r.id)
      pipeline.zadd(
        `${tag}:names:${OWNER}`,
        0,
        `${folded}\0${String(r.createdAt).padStart(16, '0')}\0${r.id}`,
      )
    }
    await pipeline.exec()
  }
  await client.pexpire(`${tag}:owner:${OWNER}`, ttl)
  await client.pexpire(`${tag}:names:${OWNER}`, ttl)
}

/** PostgreSQL: multi-row INSERTs from arrays, 5 000 rows each, then ANALYZE. */
async function seedPostgres(pool: pg.Pool, schema: string, all: readonly KeyRecord[]) {
  for (let i = 0; i < all.length; i += 5_000) {
    const rows = all.slice(i, i + 5_000)
    await pool.query(
      `INSERT INTO "${schema}".keyward_keys
         (id, hash, prefix, hint, name, owner_id, scopes, created_at, expires_at)
       SELECT id, hash, 'kw_live', 'kw_live_Ab12…', name, $1, '["projects:read"]'::jsonb, c, e
       FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
         AS t(id, hash, name, c, e)`,
      [
        OWNER,
        rows.map((r) => r.id),
        rows.map((r) => r.hash),
        rows.map((r) => r.name),
        rows.map((r) => r.createdAt),
        rows.map((r) => r.expiresAt),
      ],
    )
  }
  await pool.query(`ANALYZE "${schema}".keyward_keys`)
}

interface Position {
  label: string
  options: ListPageOptions
}

/** The pages timed: first, middle and last (by cursor), and name prefixes of three sizes. */
function positions(all: readonly KeyRecord[]): { pages: Position[]; searches: Position[] } {
  const newestFirst = [...all].reverse()
  const after = (index: number) => encodeCursor(newestFirst[index - 1]!)
  const n = all.length
  return {
    pages: [
      { label: 'first page', options: {} },
      { label: 'middle page (cursor)', options: { cursor: after(Math.floor(n / 2)) } },
      { label: 'last page (cursor)', options: { cursor: after(n - 50) } },
    ],
    searches: [
      { label: 'name prefix, 11 matches', options: { name: 'DEVICE-1234' } },
      { label: 'name prefix, 1/9 of keys', options: { name: 'device-9' } },
      { label: 'name prefix, every key', options: { name: 'device-' } },
    ],
  }
}

interface Timing {
  p50: number
  p99: number
  bytes: number
  count: number
}

/** One timed call: what it answered, in keys and JSON bytes. */
type Probe = () => Promise<{ bytes: number; count: number }>

/** A page of `keys.listPage` as the management API would send it. */
function pageProbe(keyward: Keyward, options: ListPageOptions): Probe {
  return async () => {
    const page = await keyward.keys.listPage(OWNER, options)
    const now = Date.now()
    const json = JSON.stringify({
      keys: page.keys.map((key) => toApiKeyJson(key, now)),
      nextCursor: page.nextCursor,
    })
    return { bytes: Buffer.byteLength(json), count: page.keys.length }
  }
}

/** Times `samples` calls of each probe, interleaved so load spikes hit all alike. */
async function timeProbes(probes: readonly Probe[], samples: number): Promise<Timing[]> {
  const times = probes.map(() => [] as number[])
  const sizes = probes.map(() => ({ bytes: 0, count: 0 }))
  for (let round = -5; round < samples; round++) {
    for (const [i, probe] of probes.entries()) {
      const started = performance.now()
      const size = await probe()
      const elapsed = performance.now() - started
      if (round < 0) continue
      times[i]!.push(elapsed)
      sizes[i] = size
    }
  }
  return probes.map((_, i) => ({
    p50: percentile(times[i]!, 50),
    p99: percentile(times[i]!, 99),
    ...sizes[i]!,
  }))
}

/** Pages through every key, 100 a page: how many keys came more than once or never. */
async function pageThroughAll(keyward: Keyward, all: readonly KeyRecord[]) {
  const seen = new Map<string, number>()
  let cursor: string | undefined
  const started = performance.now()
  let pages = 0
  for (; pages < all.length; pages++) {
    const page = await keyward.keys.listPage(OWNER, {
      limit: 100,
      ...(cursor === undefined ? {} : { cursor }),
    })
    for (const key of page.keys) seen.set(key.id, (seen.get(key.id) ?? 0) + 1)
    if (page.nextCursor === null) break
    cursor = page.nextCursor
  }
  const repeated = [...seen.values()].filter((n) => n > 1).length
  const missing = all.filter((record) => !seen.has(record.id)).length
  return { repeated, missing, pages: pages + 1, seconds: (performance.now() - started) / 1000 }
}

const ms = (value: number) => `${value.toFixed(2)} ms`

function rows(
  backend: string,
  list: readonly Position[],
  timings: readonly Timing[],
  floor: Timing,
  floorName: string,
): Row[] {
  return list.map((position, i) => {
    const t = timings[i]!
    return {
      case: `${backend}: ${position.label}`,
      baseline: floorName,
      ratio: t.p50 / floor.p50,
      format: 'times',
      measured: `p50 ${ms(t.p50)} · p99 ${ms(t.p99)} · ${t.count} keys, ${formatBytes(t.bytes)}`,
      baselineMeasured: `p50 ${ms(floor.p50)} · p99 ${ms(floor.p99)}`,
      raw: { candidate: t, floor },
    }
  })
}

interface BackendRun {
  name: string
  keyward: Keyward
  /** The least a page costs on this backend: the same 50 records read bare, no filter, no core. */
  floor: Probe
  floorName: string
  cleanup: () => Promise<void>
}

async function redisBackend(settings: BenchSettings, all: readonly KeyRecord[]) {
  const server = await benchRedis(settings.redisUrl)
  const client = new Redis(server.url)
  const namespace = `kwbench_paged_${process.pid}_${Date.now().toString(36)}`
  const store = new RedisTokenStore(client, { namespace })
  const cleanup = async () => {
    client.disconnect()
    if (!server.private) await deleteNamespace(server.url, namespace)
    await server.stop()
  }
  try {
    await seedRedis(client, namespace, all.slice(0, -1))
    await store.insert(all.at(-1)!)
  } catch (error) {
    await cleanup()
    throw error
  }
  const owner = `{${namespace}}:owner:${OWNER}`
  const floor: Probe = async () => {
    const ids = await client.zrevrange(owner, 0, 49)
    const pipeline = client.pipeline()
    for (const id of ids) pipeline.hgetall(`{${namespace}}:key:${id}`)
    const replies = (await pipeline.exec()) ?? []
    return { bytes: Buffer.byteLength(JSON.stringify(replies)), count: replies.length }
  }
  const floorName = 'bare ZREVRANGE + 50 HGETALL (pipelined)'
  return { name: 'Redis', store, floor, floorName, cleanup }
}

async function postgresBackend(settings: BenchSettings, all: readonly KeyRecord[]) {
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 4 })
  const schema = `kwbench_paged_${process.pid}_${Date.now().toString(36)}`
  const cleanup = async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
    await pool.end()
  }
  try {
    await migrate(pool, { schema })
    await seedPostgres(pool, schema, all)
  } catch (error) {
    await cleanup()
    throw error
  }
  const floor: Probe = async () => {
    const { rows } = await pool.query({
      name: 'bench:floor',
      text: `SELECT * FROM "${schema}".keyward_keys WHERE owner_id = $1
             ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT 51`,
      values: [OWNER],
    })
    return { bytes: Buffer.byteLength(JSON.stringify(rows)), count: rows.length }
  }
  const floorName = 'bare SELECT of the first 51 rows'
  const store = new PostgresTokenStore(pool, { schema })
  return { name: 'PostgreSQL', store, floor, floorName, cleanup }
}

/**
 * Case 11: paged lists. One owner with 100 000 keys on Redis and on PostgreSQL (seeded
 * directly, dropped afterwards): `keys.listPage` timed in process (store and core) on the
 * first, a middle and the last page and on name prefixes matching 11, a ninth and all of the
 * keys, with the bytes of the management API's JSON for that page; then every page walked
 * once, counting keys repeated or missing.
 */
export async function pagedListsCase(settings: BenchSettings): Promise<CaseResult> {
  const { keys, samples } = scale(settings)
  const all = records(keys, Date.now())
  const { pages, searches } = positions(all)
  const allRows: Row[] = []
  const targets: TargetResult[] = []
  const notes: string[] = []
  for (const open of [redisBackend, postgresBackend]) {
    const seedStart = performance.now()
    const backend = await open(settings, all)
    const seeded = (performance.now() - seedStart) / 1000
    const run: BackendRun = {
      name: backend.name,
      keyward: createKeyward({
        prefix: 'kw_live',
        store: backend.store,
        revocations: new MemoryRevocationList(),
        singleInstance: true,
      }),
      floor: backend.floor,
      floorName: backend.floorName,
      cleanup: backend.cleanup,
    }
    try {
      const probes = [...pages, ...searches].map((p) => pageProbe(run.keyward, p.options))
      const timings = await timeProbes([run.floor, ...probes], samples)
      const floor = timings[0]!
      const pageTimes = timings.slice(1, 1 + pages.length)
      const searchTimes = timings.slice(1 + pages.length)
      const walk = await pageThroughAll(run.keyward, all)
      allRows.push(
        ...rows(run.name, pages, pageTimes, floor, run.floorName),
        ...rows(run.name, searches, searchTimes, floor, run.floorName),
      )
      const worstPage = Math.max(...pageTimes.map((t) => t.p99))
      const worstSearch = Math.max(...searchTimes.map((t) => t.p99))
      targets.push(
        {
          name: `${run.name} page of 50 among ${keys.toLocaleString('en')} keys, p99 (worst position)`,
          measured: worstPage,
          unit: 'ms',
          goal: `≤ ${GOAL_MS} ms`,
          met: worstPage <= GOAL_MS,
        },
        {
          name: `${run.name} name-prefix search, p99 (worst prefix)`,
          measured: worstSearch,
          unit: 'ms',
          goal: `≤ ${GOAL_MS} ms`,
          met: worstSearch <= GOAL_MS,
        },
        {
          name: `${run.name} keys repeated or missing paging through all ${keys.toLocaleString('en')}`,
          measured: walk.repeated + walk.missing,
          unit: 'count',
          goal: '0',
          met: walk.repeated + walk.missing === 0,
        },
      )
      notes.push(
        `${run.name}: seeded ${keys.toLocaleString('en')} keys in ${seeded.toFixed(1)} s; paged ` +
          `through all of them in ${walk.pages} pages of 100 in ${walk.seconds.toFixed(1)} s ` +
          `(${walk.repeated} repeated, ${walk.missing} missing).`,
      )
    } finally {
      await run.keyward.close()
      await run.cleanup()
    }
  }
  return {
    section: {
      id: 'paged-lists',
      title: '10. Paged lists',
      description:
        `One owner with ${keys.toLocaleString('en')} keys. Each row: ${samples} calls of ` +
        '`keys.listPage` (store and core, in process, over loopback to the server), interleaved ' +
        'with the other rows of its backend and with the bare read of the same page; the size is ' +
        'the management API JSON of that page. The ratio is p50 ÷ the bare read p50; the goal ' +
        '(≤ 20 ms p99) is absolute and in the targets.',
      rows: allRows,
      notes,
    },
    targets,
  }
}
