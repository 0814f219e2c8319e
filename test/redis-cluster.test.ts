import { createKeyward, isKeywardError, type Keyward } from '@keyward/core'
import { revocationListConformance, tokenStoreConformance } from '@keyward/core/testing'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Cluster, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RedisCluster, startRedisCluster } from './support/cluster.js'
import { waitFor } from './support/processes.js'
import { commandsSentFor as sentFor } from './support/redis-monitor.js'
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

/**
 * The commands naming `tag` that clients send to any master while `action` runs, as MONITOR
 * on each node reports them (commands run inside a script are not round trips). MONITOR
 * reports in the order a node runs commands, and every key under `tag` lives on one node, so
 * once a marker key under `tag`, read after `action`, shows up, everything before it has.
 */
async function commandsSentFor(tag: string, action: () => Promise<unknown>): Promise<string[]> {
  const nodes = cluster.nodes.map(({ host, port }) => new Redis({ host, port, lazyConnect: true }))
  try {
    return await sentFor(nodes, writer, tag, action)
  } finally {
    for (const node of nodes) node.disconnect()
  }
}

describe('RedisTokenStore round trips on a Redis Cluster', () => {
  it('finds a record by its hash in one command, known or unknown', async () => {
    const storeNamespace = `${namespace}-count`
    const tag = `{${storeNamespace}}`
    const store = new RedisTokenStore(writer, { namespace: storeNamespace })
    const now = Date.now()
    const hash = 'h'.repeat(43)
    await store.insert({
      id: 'key_0123456789abcdef',
      hash,
      prefix: 'kw_test',
      hint: 'kw_test_abcd…',
      name: 'counted',
      ownerId: 'org_count',
      scopes: [],
      createdAt: now,
      expiresAt: now + 3_600_000,
    })
    // The first script call on a node may cost a second command (NOSCRIPT, then EVAL).
    await store.findByHash('u'.repeat(43))

    let found: unknown
    expect(
      await commandsSentFor(tag, async () => {
        found = await store.findByHash(hash)
      }),
    ).toEqual(['evalsha'])
    expect(found).toMatchObject({ id: 'key_0123456789abcdef', hash })
    expect(
      await commandsSentFor(tag, async () => {
        found = await store.findByHash('v'.repeat(43))
      }),
    ).toEqual(['evalsha'])
    expect(found).toBeUndefined()
  })
})

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
