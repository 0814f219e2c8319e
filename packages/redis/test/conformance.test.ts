import { PollingRevocationList, RevocationFeed } from '@keyward/core'
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

/**
 * An edge instance's list: a `PollingRevocationList` reading the feed an origin process serves
 * from its own `RedisRevocationList` (on its own connection), with a request every few ms as a
 * busy isolate would have (it polls only when requests ask). Writes go through the origin's
 * list, so each change travels Redis → origin mirror → feed → poll; how a write made by
 * another process reaches the origin's mirror is RedisRevocationList's own conformance above.
 */
revocationListConformance(
  'PollingRevocationList over an origin on RedisRevocationList',
  async () => {
    const namespace = testNamespace()
    const origin = new RedisRevocationList(writer, { namespace })
    await origin.ready()
    const feed = new RevocationFeed(origin)
    const instances = new Set<PollingRevocationList>()
    const polling = () => {
      const edge = new PollingRevocationList(
        { changes: async (since) => JSON.parse(JSON.stringify(feed.changes(since))) },
        { pollInterval: 5, maxStaleness: 10_000 },
      )
      const probe = { id: 'key_traffic', ownerId: 'traffic', createdAt: 0 }
      const timer = setInterval(() => {
        try {
          edge.isRevoked(probe)
        } catch {
          // Before its first poll the list fails closed; traffic goes on.
        }
      }, 2)
      const close = edge.close.bind(edge)
      edge.close = async () => {
        clearInterval(timer)
        instances.delete(edge)
        await close()
        if (instances.size === 0) {
          feed.close()
          await origin.close()
        }
      }
      instances.add(edge)
      return edge
    }
    return { list: origin, peer: polling(), open: polling }
  },
  { maxStaleness: 10_000 },
)
