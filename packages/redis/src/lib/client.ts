import { assertImplements } from '@keyward/core/adapter'
import type { Cluster, Redis } from 'ioredis'

/** The ioredis connection Keyward works on: a standalone `Redis` or a `Cluster`. */
export type RedisClient = Redis | Cluster

/** Throws at construction when `redis` is not an ioredis client, instead of on a request. */
export function assertRedisClient(redis: unknown): asserts redis is RedisClient {
  assertImplements(
    redis,
    'redis',
    ['duplicate', 'evalsha', 'hgetall', 'multi'],
    'redis must be an ioredis Redis or Cluster instance',
  )
}

/**
 * Redis answers `WRONGTYPE` when a key under our namespace holds data we did not write;
 * that is foreign or corrupt data, reported as such (with the key) rather than as an outage.
 */
export function explainReplyError(error: unknown, key: string): unknown {
  if (error instanceof Error && error.message.startsWith('WRONGTYPE')) {
    return new TypeError(`Redis key ${key} holds data Keyward did not write (wrong type)`, {
      cause: error,
    })
  }
  return error
}

type RedisDuplicate = (this: RedisClient, override?: object) => RedisClient
type ClusterDuplicate = (this: RedisClient, nodes?: unknown[], override?: object) => RedisClient

/**
 * A new connection with `client`'s options (`redis.duplicate()`), except that it reconnects
 * after `reconnectDelay(attempt)` ms instead of on the caller's schedule. ioredis 6 types
 * `duplicate` generically per class, so the union's two signatures cannot be called as one.
 */
export function duplicateClient(
  client: RedisClient,
  reconnectDelay: (attempt: number) => number,
): RedisClient {
  if (client.isCluster) {
    const duplicate = client.duplicate as unknown as ClusterDuplicate
    return duplicate.call(client, undefined, { clusterRetryStrategy: reconnectDelay })
  }
  const duplicate = client.duplicate as unknown as RedisDuplicate
  return duplicate.call(client, { retryStrategy: reconnectDelay })
}

/** Whether a connection can carry commands right now. */
export function isReady(client: RedisClient): boolean {
  return client.status === 'ready'
}
