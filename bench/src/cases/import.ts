import { randomBytes } from 'node:crypto'
import { createKeyward, type KeyRecord, MemoryRevocationList, type TokenStore } from '@keyward/core'
import { migrate, PostgresTokenStore } from '@keyward/postgres'
import { RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'
import { benchRedis, deleteNamespace } from '../redis-server.js'
import type { Row, TargetResult } from '../report.js'
import type { BenchSettings, CaseResult } from '../settings.js'

const LEGACY = /^sk_[0-9a-f]{40}$/
const BATCH = 1_000

function scale(settings: BenchSettings) {
  return settings.mode === 'quick' ? { records: 20_000 } : { records: 100_000 }
}

/** `count` lines of an import file: legacy tokens of 100 owners, as `keyward import` reads them. */
function importRecords(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    token: `sk_${randomBytes(20).toString('hex')}`,
    name: `Imported ${i}`,
    ownerId: `org_${i % 100}`,
    scopes: ['projects:read'],
    expiresIn: '30d',
  }))
}

/** The same number of records, built already: what the bare store insert takes. */
function bareRecords(count: number, now: number): KeyRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `key_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16)}`,
    hash: randomBytes(32).toString('base64url'),
    prefix: 'legacy',
    hint: 'sk_0…',
    name: `Bare ${i}`,
    ownerId: `org_bare_${i % 100}`,
    scopes: ['projects:read'],
    createdAt: now,
    expiresAt: now + 30 * 86_400_000,
  }))
}

interface Backend {
  name: string
  store: TokenStore & { insertMany(records: readonly KeyRecord[]): Promise<boolean[]> }
  cleanup(): Promise<void>
}

async function redisBackend(settings: BenchSettings): Promise<Backend> {
  const server = await benchRedis(settings.redisUrl)
  const client = new Redis(server.url)
  const namespace = `kwbench_import_${process.pid}_${Date.now().toString(36)}`
  return {
    name: 'Redis',
    store: new RedisTokenStore(client, { namespace }),
    async cleanup() {
      client.disconnect()
      if (!server.private) await deleteNamespace(server.url, namespace)
      await server.stop()
    },
  }
}

async function postgresBackend(settings: BenchSettings): Promise<Backend> {
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 4 })
  const schema = `kwbench_import_${process.pid}_${Date.now().toString(36)}`
  await migrate(pool, { schema })
  return {
    name: 'PostgreSQL',
    store: new PostgresTokenStore(pool, { schema }),
    async cleanup() {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
      await pool.end()
    },
  }
}

/** Seconds `work` takes. */
async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return (performance.now() - started) / 1000
}

/**
 * Case 16: import throughput. `keys.import` of legacy tokens (checked with create's rules,
 * hashed, stored with `insertMany`, one `imported` event each into the in-process audit log) in
 * batches of 1 000, as `keyward import` sends them, on Redis and on PostgreSQL; the baseline is
 * the store's bare `insertMany` of as many records built already. Then the same import again:
 * every record a duplicate.
 */
export async function importCase(settings: BenchSettings): Promise<CaseResult> {
  const { records: count } = scale(settings)
  const rows: Row[] = []
  const targets: TargetResult[] = []
  const notes: string[] = []
  for (const open of [redisBackend, postgresBackend]) {
    const backend = await open(settings)
    const keyward = createKeyward({
      store: backend.store,
      revocations: new MemoryRevocationList(),
      singleInstance: true,
      legacyTokens: LEGACY,
      onError: () => {},
    })
    try {
      const records = importRecords(count)
      const bare = bareRecords(count, Date.now())
      const floor = await seconds(async () => {
        for (let i = 0; i < count; i += BATCH) {
          await backend.store.insertMany(bare.slice(i, i + BATCH))
        }
      })
      let imported = 0
      const took = await seconds(async () => {
        for (let i = 0; i < count; i += BATCH) {
          imported += (await keyward.keys.import(records.slice(i, i + BATCH))).imported
        }
      })
      let duplicates = 0
      const again = await seconds(async () => {
        for (let i = 0; i < count; i += BATCH) {
          duplicates += (await keyward.keys.import(records.slice(i, i + BATCH))).duplicates
        }
      })
      const perSecond = Math.round(count / took)
      rows.push(
        {
          case: `${backend.name}: keys.import of ${count.toLocaleString('en')} legacy tokens`,
          baseline: 'bare store insertMany of as many records',
          ratio: took / floor,
          format: 'times',
          measured: `${took.toFixed(2)} s · ${perSecond.toLocaleString('en')} records/s`,
          baselineMeasured: `${floor.toFixed(2)} s · ${Math.round(count / floor).toLocaleString('en')} records/s`,
        },
        {
          case: `${backend.name}: the same import again (all duplicates)`,
          baseline: 'bare store insertMany of as many records',
          ratio: again / floor,
          format: 'times',
          measured: `${again.toFixed(2)} s · ${Math.round(count / again).toLocaleString('en')} records/s`,
          baselineMeasured: `${floor.toFixed(2)} s`,
        },
      )
      targets.push({
        name: `${backend.name} import throughput, records per second`,
        measured: perSecond,
        unit: 'count',
        goal: 'reported',
        met: null,
        note: `${imported.toLocaleString('en')} imported, then ${duplicates.toLocaleString('en')} duplicates on the re-run`,
      })
      notes.push(
        `${backend.name}: ${imported} imported in ${took.toFixed(2)} s; re-run ${duplicates} duplicates in ${again.toFixed(2)} s.`,
      )
    } finally {
      await keyward.close()
      await backend.cleanup()
    }
  }
  return {
    section: {
      id: 'import',
      title: '16. Import of existing keys',
      description:
        `${count.toLocaleString('en')} legacy tokens (100 owners) imported with \`keys.import\` in ` +
        'batches of 1 000, as `keyward import FILE.jsonl` sends them: each record checked with ' +
        "create's rules, hashed, stored with the store's `insertMany` (Redis: one pipelined " +
        'script per record; PostgreSQL: one multi-row INSERT … ON CONFLICT DO NOTHING per batch) ' +
        'and audited. The ratio is the import time ÷ the bare `insertMany` of as many records ' +
        'built already, same run.',
      rows,
      notes,
    },
    targets,
  }
}
