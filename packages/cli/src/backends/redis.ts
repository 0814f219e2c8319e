import { UnavailableError } from '@keyward/core'
import {
  RedisAuditLog,
  RedisRevocationList,
  RedisTokenStore,
  RedisUsageBackend,
} from '@keyward/redis'
import { Redis } from 'ioredis'
import { redactUrl } from '../lib/redact.js'
import type { Backend } from './backend.js'
import { lifecycleBackend } from './lifecycle.js'

/** How the CLI reaches the Redis an application uses. */
export interface RedisBackendOptions {
  url: string
  /** The applications' `namespace` option. Default `'keyward'`. */
  namespace?: string
  /** Prefix new tokens are issued with. Default `'kw_live'`. */
  prefix?: string
  /** The applications' `pepper`, if they use one (read from the environment, never argv). */
  pepper?: string
}

/**
 * Connects to Redis and manages keys through core's lifecycle over `RedisTokenStore` and
 * `RedisRevocationList`, exactly as an application instance would: revocations reach every
 * running instance at once. Rejects `UnavailableError` when Redis does not answer.
 */
export async function connectRedisBackend(options: RedisBackendOptions): Promise<Backend> {
  const where = redactUrl(options.url)
  const redis = await openRedis(options.url)
  const namespace = options.namespace ?? 'keyward'
  const store = new RedisTokenStore(redis, { namespace })

  /** Every owner with a key, from the store's per-owner index (`{ns}:owner:<ownerId>`). */
  const owners = async (): Promise<string[]> => {
    const marker = `{${store.namespace}}:owner:`
    const found = new Set<string>()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${marker}*`, 'COUNT', 1000)
      cursor = next
      for (const key of keys) found.add(key.slice(marker.length))
    } while (cursor !== '0')
    return [...found].sort()
  }

  return lifecycleBackend({
    description: `Redis at ${where} (namespace ${namespace})`,
    store,
    revocations: new RedisRevocationList(redis, { namespace }),
    audit: new RedisAuditLog(redis, { namespace }),
    usage: new RedisUsageBackend(redis, { namespace }),
    owners,
    loadFailure: `Cannot load revocations from Redis at ${where}.`,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.pepper ? { pepper: options.pepper } : {}),
    disconnect: () => closeRedis(redis),
  })
}

/** A connected client on `url`; rejects `UnavailableError` (password redacted) when none answers. */
export async function openRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 5_000,
  })
  let lastError: Error | undefined
  redis.on('error', (error: Error) => {
    lastError = error // Reported through the failing command, with this as the reason.
  })
  try {
    await redis.connect()
  } catch (error) {
    redis.disconnect()
    const reason = (lastError ?? (error as Error)).message
    throw new UnavailableError(`Cannot reach Redis at ${redactUrl(url)}: ${reason}`, {
      cause: error,
    })
  }
  return redis
}

/** Quits `redis`, or drops the connection when quitting fails. Never rejects. */
export async function closeRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect())
}
