import { webhookQueueConformance } from '@keyward/core/testing'
import { type PgPool, PostgresWebhookQueue } from '@keyward/postgres'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanUp, pool, testSchema } from './support.js'

let writer: pg.Pool
let reader: pg.Pool

beforeAll(() => {
  writer = pool()
  reader = pool()
})
afterAll(cleanUp)

webhookQueueConformance('PostgresWebhookQueue', async () => {
  const schema = await testSchema(writer)
  return {
    queue: new PostgresWebhookQueue(writer, { schema }),
    // Another process would have its own pool: so does the peer.
    peer: new PostgresWebhookQueue(reader, { schema }),
  }
})

describe('PostgresWebhookQueue options', () => {
  it('refuses what is not a pg Pool or a schema name at construction', () => {
    expect(() => new PostgresWebhookQueue({} as PgPool)).toThrow('pool must be a node-postgres')
    expect(() => new PostgresWebhookQueue(writer, { schema: 'Bad-Name' })).toThrow('schema must be')
  })
})
