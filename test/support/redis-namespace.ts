import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'

/** The shared Redis the tests use unless they start their own. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A key namespace no other test run uses, so runs never see each other's keys. */
export function testNamespace(label: string): string {
  return `kwit-${label}-${randomBytes(6).toString('hex')}`
}

/**
 * Fails with a clear message when nothing answers at `url`, instead of every test timing out.
 * Resolves to a connected client; `quit()` it when done.
 */
export async function connectRedis(url = REDIS_URL): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  })
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    redis.disconnect()
    throw new Error(`These tests need Redis at ${url} (set REDIS_URL): ${(error as Error).message}`)
  }
  return redis
}

/** Deletes every key of a namespace (keys carry the namespace, e.g. in a `{ns}` hash tag). */
export async function deleteNamespace(redis: Redis, namespace: string): Promise<number> {
  let deleted = 0
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${namespace}*`, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) deleted += await redis.del(...keys)
  } while (cursor !== '0')
  return deleted
}
