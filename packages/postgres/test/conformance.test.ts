import { revocationListConformance, tokenStoreConformance } from '@keyward/core/testing'
import { PostgresRevocationList, PostgresTokenStore } from '@keyward/postgres'
import type pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { cleanUp, pool, testSchema } from './support.js'

let writer: pg.Pool
let reader: pg.Pool
let storeSchema: string

beforeAll(async () => {
  writer = pool()
  reader = pool()
  storeSchema = await testSchema(writer)
})
afterAll(cleanUp)

// The suite uses fresh ids, hashes and owners in every test: one schema serves them all.
tokenStoreConformance(
  'PostgresTokenStore',
  () => new PostgresTokenStore(writer, { schema: storeSchema }),
)

revocationListConformance(
  'PostgresRevocationList',
  async () => {
    // Global epochs written by one test would revoke the next one's subjects: a schema each.
    const schema = await testSchema(writer)
    return {
      list: new PostgresRevocationList(writer, { schema }),
      // A second process would have its own pool: so does the peer.
      peer: new PostgresRevocationList(reader, { schema }),
      open: () => new PostgresRevocationList(reader, { schema }),
    }
  },
  { maxStaleness: 10_000 },
)
