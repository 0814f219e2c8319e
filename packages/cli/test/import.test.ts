import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createKeyward, type Keyward, type RevocationList, type TokenStore } from '@keyward/core'
import { migrate, PostgresRevocationList, PostgresTokenStore } from '@keyward/postgres'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DATABASE_URL, keyward, REDIS_URL } from './support.js'

// `keyward import FILE.jsonl` against Redis and PostgreSQL, each beside an application instance
// configured with the same `legacyTokens` pattern: what the import stored is judged by what
// that application verifies.

const RUN = `kwimp_${process.pid}_${Date.now().toString(36)}`
const LEGACY = '^sk_[0-9a-f]{40}$'
const legacyToken = () => `sk_${randomBytes(20).toString('hex')}`
const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ name: 'Imported', ownerId: 'org_imp', scopes: [], expiresIn: '30d', ...fields })

let redis: Redis
let db: pg.Pool
let dir: string
const schemas: string[] = []
const apps: Keyward[] = []

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  await redis.ping()
  db = new pg.Pool({ connectionString: DATABASE_URL, max: 4 })
  db.on('error', () => {})
  await db.query('SELECT 1')
  dir = await mkdtemp(join(tmpdir(), 'keyward-import-'))
})
afterAll(async () => {
  for (const app of apps) await app.close()
  if (redis) {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${RUN}*`, 'COUNT', 10_000)
      cursor = next
      if (keys.length > 0) await redis.unlink(...keys)
    } while (cursor !== '0')
    await redis.quit()
  }
  if (db) {
    for (const schema of schemas) await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await db.end()
  }
  if (dir) await rm(dir, { recursive: true, force: true })
})

interface Deployment {
  args: string[]
  app: Keyward
  store: TokenStore
}

async function appOn(store: TokenStore, revocations: RevocationList): Promise<Keyward> {
  const app = createKeyward({ store, revocations, legacyTokens: new RegExp(LEGACY), onError() {} })
  apps.push(app)
  await app.ready()
  return app
}

let deployments = 0
const deploy: Record<string, () => Promise<Deployment>> = {
  async Redis() {
    const namespace = `${RUN}_${++deployments}`
    const store = new RedisTokenStore(redis, { namespace })
    const app = await appOn(store, new RedisRevocationList(redis, { namespace }))
    return { args: ['--redis', REDIS_URL, '--namespace', namespace], app, store }
  },
  async PostgreSQL() {
    const schema = `${RUN}_${++deployments}`
    schemas.push(schema)
    await migrate(db, { schema })
    const store = new PostgresTokenStore(db, { schema })
    const app = await appOn(store, new PostgresRevocationList(db, { schema, onError() {} }))
    return { args: ['--database', DATABASE_URL, '--schema', schema], app, store }
  },
}

/** What `app` answers for `token`: `'verified'` or the refusal's code. */
async function outcome(app: Keyward, token: string): Promise<string> {
  try {
    await app.verify(token)
    return 'verified'
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}

describe.each(Object.keys(deploy))('keyward import into %s', (name) => {
  let target: Deployment
  beforeAll(async () => {
    target = await deploy[name]!()
  })

  it('imports tokens and digests, names each invalid line, exits 1, and a re-run changes nothing', async () => {
    const [a, b, c] = [legacyToken(), legacyToken(), legacyToken()]
    const file = join(dir, `${name}-small.jsonl`)
    await writeFile(
      file,
      [
        line({ token: a, metadata: { team: 'billing' } }),
        '',
        line({ hash: createHash('sha256').update(b).digest('hex') }),
        `{"token": "${c}", "name": `,
        line({ token: 'garbage-token' }),
        line({ token: c, scopes: ['no wildcards*'] }),
        line({ token: c, expiresIn: '-1d' }),
        line({ token: a }),
      ].join('\n'),
    )
    const args = [...target.args, 'import', file, '--legacy-tokens', LEGACY]
    const first = await keyward(args)
    expect(first.code, first.stderr).toBe(1)
    const problems = first.stdout.split('\n').filter((text) => text.startsWith('line '))
    expect(problems.map((text) => text.split(':')[0] + text.split(':')[1]!)).toStrictEqual([
      'line 4 invalid line',
      'line 5 invalid token',
      'line 6 invalid scopes[0]',
      'line 7 invalid expiresIn',
    ])
    expect(first.stdout).toContain(
      'Imported 2 of 7 records: 1 duplicate (already stored), 4 invalid.',
    )
    for (const token of [a, b, c, 'garbage-token']) {
      expect(first.stdout + first.stderr).not.toContain(token)
    }
    expect(await outcome(target.app, a)).toBe('verified')
    expect(await outcome(target.app, b)).toBe('verified')
    expect(await outcome(target.app, c)).toBe('unknown_token')
    expect((await target.app.verify(a)).metadata).toStrictEqual({ team: 'billing' })

    const again = await keyward(['--json', ...args])
    const report = JSON.parse(again.stdout)
    expect(report).toMatchObject({ imported: 0, duplicates: 3, invalid: 4 })
    expect(report.results.map((r: { line: number; status: string }) => r.line)).toStrictEqual([
      1, 3, 4, 5, 6, 7, 8,
    ])
    expect((await target.store.listByOwner('org_imp')).keys).toHaveLength(2)
  })

  it('imports 100 000 records from a JSONL file; a sample of them verifies', async () => {
    const count = 100_000
    const file = join(dir, `${name}-100k.jsonl`)
    const sample: string[] = []
    const out = createWriteStream(file)
    for (let i = 0; i < count; i++) {
      const token = legacyToken()
      if (i % 9_973 === 0) sample.push(token)
      const record = line({ token, name: `Key ${i}`, ownerId: `org_${i % 100}` })
      if (!out.write(`${record}\n`)) await once(out, 'drain')
    }
    out.end()
    await once(out, 'finish')
    const started = performance.now()
    const result = await keyward([
      ...target.args,
      '--json',
      'import',
      file,
      '--legacy-tokens',
      LEGACY,
    ])
    const seconds = (performance.now() - started) / 1000
    console.log(
      `keyward import of ${count} records into ${name}: ${seconds.toFixed(1)} s (${Math.round(count / seconds)} records/s)`,
    )
    expect(result.code, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report).toMatchObject({ imported: count, duplicates: 0, invalid: 0 })
    expect(sample).toHaveLength(11)
    for (const token of sample) expect(await outcome(target.app, token)).toBe('verified')
    expect(await outcome(target.app, legacyToken())).toBe('unknown_token')
  }, 300_000)
})
