import { revocationListConformance, tokenStoreConformance } from '@keyward/core/testing'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll } from 'vitest'
import { cleanUp, connect, testNamespace } from './support.js'

let writer: Redis
let reader: Redis

beforeAll(async () => {
  writer = await connect()
  reader = await connect()
})
afterAll(cleanUp)

tokenStoreConformance(
  'RedisTokenStore',
  () => new RedisTokenStore(writer, { namespace: testNamespace() }),
)

revocationListConformance(
  'RedisRevocationList',
  () => {
    const namespace = testNamespace()
    return {
      list: new RedisRevocationList(writer, { namespace }),
      // A second process would have its own connections: so does the peer.
      peer: new RedisRevocationList(reader, { namespace }),
      open: () => new RedisRevocationList(reader, { namespace }),
    }
  },
  { maxStaleness: 10_000 },
)
