import { createKeyward, isKeywardError, type Keyward } from '@keyward/core'
import { revocationListConformance, tokenStoreConformance } from '@keyward/core/testing'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Cluster } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RedisCluster, startRedisCluster } from './support/cluster.js'
import { waitFor } from './support/processes.js'
import { testNamespace } from './support/redis-namespace.js'

// A real three-master Redis Cluster of our own (ports 7100–7102): every Keyward key lives
// under one hash tag, so scripts and transactions stay in one slot wherever that slot is.
let cluster: RedisCluster
const clients = new Set<Cluster>()
const namespace = testNamespace('cluster')

/** A new ioredis `Cluster` client, as each process of an application would hold one. */
function connect(): Cluster {
  const client = new Cluster([...cluster.nodes])
  clients.add(client)
  return client
}

let writer: Cluster
let reader: Cluster
let late: Cluster

beforeAll(async () => {
  cluster = await startRedisCluster([7100, 7101, 7102])
  writer = connect()
  reader = connect()
  late = connect()
}, 60_000)

afterAll(async () => {
  for (const client of clients) await client.quit().catch(() => client.disconnect())
  // Stops exactly the three node processes started above, by PID.
  await cluster?.stop()
})

tokenStoreConformance(
  'RedisTokenStore on a Redis Cluster',
  () => new RedisTokenStore(writer, { namespace }),
)

// Every revocation test needs an empty backend: a namespace of its own.
let lists = 0
revocationListConformance(
  'RedisRevocationList on a Redis Cluster',
  () => {
    const listNamespace = `${namespace}-${lists++}`
    return {
      list: new RedisRevocationList(writer, { namespace: listNamespace }),
      peer: new RedisRevocationList(reader, { namespace: listNamespace }),
      open: () => new RedisRevocationList(late, { namespace: listNamespace }),
    }
  },
  { maxStaleness: 10_000 },
)

describe('Keyward on a Redis Cluster', () => {
  const instance = (client: Cluster): Keyward => {
    const keywardNamespace = `${namespace}-keyward`
    return createKeyward({
      prefix: 'kw_test',
      store: new RedisTokenStore(client, { namespace: keywardNamespace }),
      revocations: new RedisRevocationList(client, { namespace: keywardNamespace }),
    })
  }
  const codeOf = async (keyward: Keyward, token: string) => {
    try {
      await keyward.verify(token)
      return 'verified'
    } catch (error) {
      return isKeywardError(error) ? error.code : String(error)
    }
  }

  it('creates on one instance, verifies on another, and revocation reaches it', async () => {
    const a = instance(writer)
    const b = instance(reader)
    try {
      await Promise.all([a.ready(), b.ready()])
      const { token, key } = await a.keys.create({
        name: 'cluster key',
        ownerId: 'org_cluster',
        scopes: ['projects:read'],
        expiresIn: '1d',
      })
      expect(await b.verify(token, { scopes: ['projects:read'] })).toMatchObject({
        id: key.id,
        ownerId: 'org_cluster',
        scopes: ['projects:read'],
      })
      expect((await b.keys.list('org_cluster')).map((listed) => listed.id)).toStrictEqual([key.id])

      expect(await a.keys.revoke(key.id)).toBe(true)
      await waitFor(
        'the revocation to reach B',
        async () => (await codeOf(b, token)) === 'revoked_token',
        {
          timeoutMs: 3_000,
          intervalMs: 5,
        },
      )
      expect(await b.keys.get(key.id)).toBeUndefined()
      // An instance started afterwards loads the revocation from the cluster.
      const c = instance(late)
      try {
        await c.ready()
        expect(await codeOf(c, token)).toBe('revoked_token')
      } finally {
        await c.close()
      }
    } finally {
      await a.close()
      await b.close()
    }
  })
})
