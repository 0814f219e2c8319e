import type { RevocationEvent } from '@keyward/core/adapter'
import { PostgresRevocationList } from '@keyward/postgres'
import type pg from 'pg'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { cleanUp, pool, testSchema } from './support.js'

afterAll(cleanUp)

const subject = (id: string) => ({ id, ownerId: 'org_1', createdAt: Date.now() - 1_000 })

describe('PostgresRevocationList', () => {
  it("reads the database's clock", async () => {
    const db = pool()
    const list = new PostgresRevocationList(db, { schema: await testSchema(db) })
    const { rows } = await db.query(
      'SELECT floor(extract(epoch FROM now()) * 1000)::float8 AS before',
    )
    const time = await list.time()
    expect(Number.isSafeInteger(time)).toBe(true)
    expect(time).toBeGreaterThanOrEqual(rows[0].before)
    expect(Math.abs(time - Date.now())).toBeLessThan(60_000)
    await list.close()
  })

  it('fails closed before ready, and ready rejects with unavailable when the tables are missing', async () => {
    const db = pool()
    const list = new PostgresRevocationList(db, { schema: 'kwtest_no_such_schema' })
    expect(() => list.isRevoked(subject('key_a'))).toThrow(/not been loaded from PostgreSQL/)
    await expect(list.ready()).rejects.toMatchObject({ code: 'unavailable' })
    await list.close()
  })

  it('reconnects and reloads everything after losing its LISTEN connection', async () => {
    const writerPool = pool()
    const schema = await testSchema(writerPool)
    const readerPool: pg.Pool = pool({ application_name: `kw_listener_${schema}`.slice(0, 60) })
    const writer = new PostgresRevocationList(writerPool, { schema })
    const reader = new PostgresRevocationList(readerPool, { schema, onError: () => {} })
    const events: RevocationEvent[] = []
    reader.subscribe((event) => events.push(event))
    await Promise.all([writer.ready(), reader.ready()])
    const contact = reader.lastContact!

    await writerPool.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [`kw_listener_${schema}`.slice(0, 60)],
    )
    await writer.revoke('key_during', Date.now() + 60_000)
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'reset' }), { timeout: 5_000 })
    expect(reader.isRevoked(subject('key_during'))).toBe(true)
    expect(reader.fresh).toBe(true)
    expect(reader.lastContact).toBeGreaterThanOrEqual(contact)

    // And the feed works again on the new connection.
    await writer.revoke('key_after', Date.now() + 60_000)
    await vi.waitFor(() => expect(events).toContainEqual({ type: 'revoked', id: 'key_after' }), {
      timeout: 5_000,
    })
    await Promise.all([writer.close(), reader.close()])
  })
})
