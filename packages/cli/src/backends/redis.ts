import { createKeyward, type Keyward, NotFoundError, UnavailableError } from '@keyward/core'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import { redactUrl } from '../lib/redact.js'
import { type Backend, keyView } from './backend.js'

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
  const redis = new Redis(options.url, {
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
    throw new UnavailableError(`Cannot reach Redis at ${where}: ${reason}`, {
      cause: error,
    })
  }
  const namespace = options.namespace ?? 'keyward'
  const store = new RedisTokenStore(redis, { namespace })
  const revocations = new RedisRevocationList(redis, { namespace })
  let keyward: Keyward | undefined
  /** One instance per run, issuing `prefix` (rotation keeps the key's own prefix). */
  const lifecycle = async (prefix = options.prefix ?? 'kw_live') => {
    keyward ??= createKeyward({
      prefix,
      store,
      revocations,
      ...(options.pepper ? { pepper: options.pepper } : {}),
      onError: () => {},
    })
    try {
      await keyward.ready()
    } catch (error) {
      throw new UnavailableError(`Cannot load revocations from Redis at ${where}.`, {
        cause: error,
      })
    }
    return keyward
  }

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

  return {
    description: `Redis at ${where} (namespace ${namespace})`,
    async list(ownerId) {
      const { keys, now } = await lifecycle()
      const ids = ownerId === undefined ? await owners() : [ownerId]
      const views = []
      for (const owner of ids) {
        for (const key of await keys.list(owner)) views.push(keyView(key, now()))
      }
      return views
    },
    async create(input) {
      const { keys, now } = await lifecycle()
      const { token, key } = await keys.create({
        name: input.name,
        ownerId: input.ownerId as string,
        scopes: input.scopes,
        ...(input.expiresIn === undefined ? {} : { expiresIn: input.expiresIn }),
        ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
        ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
      })
      return { token, key: keyView(key, now()) }
    },
    async rotate(id, gracePeriod) {
      const record = await store.get(id)
      if (!record) throw new NotFoundError(`No key ${id}.`)
      const { keys, now } = await lifecycle(record.prefix)
      const { token, key } = await keys.rotate(id, gracePeriod === undefined ? {} : { gracePeriod })
      return { token, key: keyView(key, now()) }
    },
    async revoke(id) {
      const { keys } = await lifecycle()
      const key = await keys.get(id, { includeRevoked: true })
      if (!key) throw new NotFoundError(`No key ${id}.`)
      return keys.revoke(id)
    },
    async revokeAll(ownerId) {
      const { keys } = await lifecycle()
      const { revokedBefore } = await keys.revokeAll(ownerId === undefined ? {} : { ownerId })
      return { revokedBefore: new Date(revokedBefore).toISOString() }
    },
    async close() {
      await (keyward ? keyward.close() : revocations.close()).catch(() => {})
      await redis.quit().catch(() => redis.disconnect())
    },
  }
}
