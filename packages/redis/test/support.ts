import { Redis, type RedisOptions } from 'ioredis'

/** The server Redis-backed tests run against. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

const RUN = `kwtest:${process.pid}:${Date.now().toString(36)}`
let namespaces = 0

/** A namespace of its own for one test (or suite instance), under this run's prefix. */
export function testNamespace(): string {
  namespaces += 1
  return `${RUN}:${namespaces}`
}

const clients = new Set<Redis>()

/**
 * A connected client on its own connection, closed by {@link closeClients}. Fails with a
 * message saying what is missing when no server answers at `REDIS_URL`.
 */
export async function connect(options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, ...options })
  client.on('error', () => {})
  clients.add(client)
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `Redis tests need a Redis server at ${REDIS_URL} (set REDIS_URL): ${String(error)}`,
    )
  }
  return client
}

/** Every key of this run's namespaces, with the values they hold, as one string per key. */
export async function dumpNamespace(client: Redis, namespace = RUN): Promise<Map<string, string>> {
  const dump = new Map<string, string>()
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `{${namespace}*`, 'COUNT', 1000)
    cursor = next
    for (const key of keys) {
      const type = await client.type(key)
      const value =
        type === 'hash'
          ? await client.hgetall(key)
          : type === 'zset'
            ? await client.zrange(key, 0, -1, 'WITHSCORES')
            : type === 'set'
              ? await client.smembers(key)
              : type === 'string'
                ? await client.get(key)
                : type
      dump.set(key, JSON.stringify(value))
    }
  } while (cursor !== '0')
  return dump
}

/** Deletes every key of this run and closes every client {@link connect} opened. */
export async function cleanUp(): Promise<void> {
  const client = await connect()
  const keys = [...(await dumpNamespace(client)).keys()]
  for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500))
  for (const open of clients) open.disconnect()
  clients.clear()
}
