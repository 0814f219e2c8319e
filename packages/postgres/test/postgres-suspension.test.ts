import { type RevocationList, UnavailableError } from '@keyward/core'
import type { RevocationEvent } from '@keyward/core/adapter'
import { migrate, PostgresRevocationList } from '@keyward/postgres'
import type pg from 'pg'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { cleanUp, pool, testSchema } from './support.js'

// Suspensions in PostgresRevocationList (issue 22): stored, announced and reloaded like revocations.

const HOUR = 3_600_000
const lists: PostgresRevocationList[] = []

afterAll(async () => {
  for (const list of lists) await list.close()
  await cleanUp()
})

function listOn(db: pg.Pool, options: ConstructorParameters<typeof PostgresRevocationList>[1]) {
  const list = new PostgresRevocationList(db, { onError: () => {}, ...options })
  lists.push(list)
  return list
}

/** Resolves with the next event on `list` that `matches` (bounded by the test timeout). */
function nextEvent(list: RevocationList, matches: (event: RevocationEvent) => boolean) {
  return new Promise<RevocationEvent>((resolve) => {
    const stop = list.subscribe((event) => {
      if (!matches(event)) return
      stop()
      resolve(event)
    })
  })
}

async function rows(db: pg.Pool, schema: string) {
  const { rows } = await db.query(
    `SELECT id, expires_at::text AS expires_at, suspended FROM "${schema}".keyward_suspensions ORDER BY id`,
  )
  return rows
}

describe('suspensions in PostgreSQL', () => {
  it('keeps a suspended id in keyward_suspensions with its expiry; a resume lifts it', async () => {
    const db = pool()
    const schema = await testSchema(db)
    const list = listOn(db, { schema })
    await list.ready()
    const expiresAt = Date.now() + HOUR
    await list.suspend('key_suspended0000001', expiresAt)
    expect(await rows(db, schema)).toStrictEqual([
      { id: 'key_suspended0000001', expires_at: String(expiresAt), suspended: true },
    ])
    await list.resume('key_suspended0000001')
    expect(await rows(db, schema)).toStrictEqual([
      { id: 'key_suspended0000001', expires_at: '0', suspended: false },
    ])
    expect(list.isSuspended('key_suspended0000001')).toBe(false)
    // The resumed row goes at the next write.
    await list.suspend('key_suspended0000002', expiresAt)
    expect((await rows(db, schema)).map((row) => row.id)).toStrictEqual(['key_suspended0000002'])
  })

  it('prunes only suspensions of keys expired by now', async () => {
    let now = 1_700_000_000_000
    const db = pool()
    const schema = await testSchema(db)
    const list = listOn(db, { schema, now: () => now })
    await list.ready()
    await list.suspend('key_suspended0000001', now + 1_000)
    await list.suspend('key_suspended0000002', now + HOUR)
    now += 2_000
    await list.suspend('key_suspended0000003', now + 1_000)
    expect((await rows(db, schema)).map((row) => row.id)).toStrictEqual([
      'key_suspended0000002',
      'key_suspended0000003',
    ])
  })

  it('adds the suspensions table to a schema migrated before it', async () => {
    const db = pool()
    const schema = await testSchema(db)
    await db.query(`DROP TABLE "${schema}".keyward_suspensions`)
    const stale = listOn(db, { schema })
    await expect(stale.ready()).rejects.toMatchObject({ code: 'unavailable' })
    expect(() => stale.isSuspended('key_1')).toThrow(UnavailableError)
    await migrate(db, { schema })
    const list = listOn(db, { schema })
    await list.ready()
    await list.suspend('key_suspended0000001', Date.now() + HOUR)
    expect(await rows(db, schema)).toHaveLength(1)
  })

  it('reloads suspensions and resumes it missed while its LISTEN connection was away', async () => {
    const writerPool = pool()
    const schema = await testSchema(writerPool)
    const name = `kw_susp_${schema}`.slice(0, 60)
    const watched = listOn(pool({ application_name: name }), { schema })
    const writer = listOn(writerPool, { schema })
    await Promise.all([watched.ready(), writer.ready()])
    await writer.suspend('key_resumedwhileaway', Date.now() + HOUR)
    await vi.waitFor(() => expect(watched.isSuspended('key_resumedwhileaway')).toBe(true))

    const reset = nextEvent(watched, (e) => e.type === 'reset')
    await writerPool.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [name],
    )
    await writer.suspend('key_suspendedwhileaw', Date.now() + HOUR)
    await writer.resume('key_resumedwhileaway')
    await reset
    await vi.waitFor(() => {
      expect(watched.isSuspended('key_suspendedwhileaw')).toBe(true)
      expect(watched.isSuspended('key_resumedwhileaway')).toBe(false)
    })
  })

  it('leaves every instance on the state the database holds when two suspend and resume one key at once', async () => {
    const db = pool()
    const schema = await testSchema(db)
    const a = listOn(pool(), { schema })
    const b = listOn(pool(), { schema })
    await Promise.all([a.ready(), b.ready()])
    const id = 'key_contended0000001'
    /** Waits until `list` has heard everything committed before now. */
    const heardFrom = async (list: RevocationList, other: RevocationList, round: number) => {
      const marker = `key_marker${String(round).padStart(10, '0')}`
      const heard = nextEvent(list, (e) => e.type === 'updated' && e.id === marker)
      await other.publishUpdate?.(marker)
      await heard
    }
    for (let round = 0; round < 20; round++) {
      const [first, second] = round % 2 === 0 ? [a, b] : [b, a]
      await Promise.all([first.suspend(id, Date.now() + HOUR), second.resume(id)])
      await heardFrom(a, b, round * 2)
      await heardFrom(b, a, round * 2 + 1)
      const stored = (await rows(db, schema)).some((row) => row.id === id && row.suspended)
      expect([a.isSuspended(id), b.isSuspended(id)], `round ${round}`).toEqual([stored, stored])
    }
  })
})
