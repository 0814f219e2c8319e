import { createKeyward } from '@keyward/core'
import { usageBackendConformance } from '@keyward/core/testing'
import { PostgresUsageBackend } from '@keyward/postgres'
import type pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { cleanUp, pool, testSchema } from './support.js'

let writer: pg.Pool
let schema: string

beforeAll(async () => {
  writer = pool()
  schema = await testSchema(writer)
})
afterAll(cleanUp)

usageBackendConformance('PostgresUsageBackend', () => new PostgresUsageBackend(writer, { schema }))

it('writes a flush as one statement, and a verification sends PostgreSQL nothing', async () => {
  const statements: string[] = []
  const counted = {
    query: (query: { text: string }) => {
      statements.push(query.text)
      return writer.query(query as never)
    },
    connect: () => writer.connect(),
  }
  const backend = new PostgresUsageBackend(counted as never, { schema })
  const keyward = createKeyward({ prefix: 'kw_live', usage: { backend } })
  const { token, key } = await keyward.keys.create({
    name: 'CI',
    ownerId: 'org_1',
    scopes: [],
    expiresIn: '1d',
  })
  await keyward.verify(token)
  await keyward.usage!.flush()
  statements.length = 0
  for (let n = 0; n < 10_000; n++) {
    expect(keyward.check(token, undefined, 1, `203.0.113.${n % 7}`, 'curl/8.5')).toMatchObject({
      id: key.id,
    })
  }
  expect(statements).toEqual([])
  await keyward.usage!.flush()
  expect(statements).toHaveLength(1)
  const { buckets } = await keyward.usage!.get(key.id, { granularity: 'day' })
  expect(buckets.at(-1)?.outcomes).toEqual({ valid: 10_001 })
  const stored = await writer.query(
    `SELECT ip FROM "${schema}".keyward_usage_addresses WHERE key_id = $1 ORDER BY ip`,
    [key.id],
  )
  expect(stored.rows.length).toBeLessThanOrEqual(7)
  expect((await keyward.keys.get(key.id))?.recentIps).toHaveLength(5)
  await keyward.close()
})
