import { revocationListConformance, tokenStoreConformance } from '@keyward/core/testing'
import { type RedisClient, RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis6'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { cleanUp, REDIS_URL, testNamespace } from './support.js'

// The peer range covers both ioredis majors (`^5.4.0 || ^6.0.0`): the same conformance suites
// on ioredis 6 clients (installed here as `ioredis6`, an alias of `ioredis@^6`).

// This program's `RedisClient` type is ioredis 5's (two majors' declarations never meet in an
// application); `tsconfig.ioredis6.json` type-checks the sources against ioredis 6 instead.
const asClient = (redis: Redis): RedisClient => redis as unknown as RedisClient

const clients: Redis[] = []
let writer: Redis
let reader: Redis

async function connect6(): Promise<Redis> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 })
  client.on('error', () => {})
  clients.push(client)
  await client.connect()
  return client
}

beforeAll(async () => {
  writer = await connect6()
  reader = await connect6()
})
afterAll(async () => {
  for (const client of clients) client.disconnect()
  await cleanUp()
})

it('runs on ioredis 6', async () => {
  const { version } = (await import('ioredis6/package.json', { with: { type: 'json' } })).default
  expect(version).toMatch(/^6\./)
})

tokenStoreConformance(
  'RedisTokenStore on ioredis 6',
  () => new RedisTokenStore(asClient(writer), { namespace: testNamespace() }),
)

revocationListConformance(
  'RedisRevocationList on ioredis 6',
  () => {
    const namespace = testNamespace()
    return {
      list: new RedisRevocationList(asClient(writer), { namespace }),
      peer: new RedisRevocationList(asClient(reader), { namespace }),
      open: () => new RedisRevocationList(asClient(reader), { namespace }),
    }
  },
  { maxStaleness: 10_000 },
)
