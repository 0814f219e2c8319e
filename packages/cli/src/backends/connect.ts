import { InvalidArgumentError } from '@keyward/core'
import { apiBackend } from './api.js'
import type { Backend } from './backend.js'
import { connectPostgresBackend } from './postgres.js'
import { connectRedisBackend } from './redis.js'

/** The global options that say where the keys live. */
export interface BackendOptions {
  redis?: string
  namespace?: string
  database?: string
  schema?: string
  api?: string
}

/**
 * The backend `options` name, connected: the management API at `--api` (admin token from
 * `KEYWARD_API_TOKEN`), else the stores of the options or the environment. Rejects
 * `InvalidArgumentError` when they name none, or both an API and a store.
 */
export async function connectBackend(
  options: BackendOptions,
  env: Record<string, string | undefined>,
  prefix: string | undefined,
): Promise<Backend> {
  const apiUrl = options.api
  if (apiUrl !== undefined && (options.redis !== undefined || options.database !== undefined)) {
    throw new InvalidArgumentError('api', 'Give --api or a store (--redis, --database), not both.')
  }
  if (apiUrl !== undefined) {
    const token = env.KEYWARD_API_TOKEN
    if (!token) {
      throw new InvalidArgumentError(
        'KEYWARD_API_TOKEN',
        'Set KEYWARD_API_TOKEN to an API key holding the manage scope; it is never read from the command line.',
      )
    }
    if (!/^https?:\/\//.test(apiUrl)) {
      throw new InvalidArgumentError('api', '--api must be an http(s) URL.')
    }
    return apiBackend({ url: apiUrl, token })
  }
  const connecting = connectStore(options, env, prefix)
  if (!connecting) {
    throw new InvalidArgumentError(
      'backend',
      'Say where the keys live: --redis URL (or REDIS_URL), --database URL (or DATABASE_URL), or --api URL with KEYWARD_API_TOKEN.',
    )
  }
  return connecting
}

/**
 * Connects to the stores the applications share. `--redis` / `--database` name the deployment
 * completely when either is given; otherwise `REDIS_URL` / `DATABASE_URL` do, as they do for
 * the applications. Both: keys in PostgreSQL, revocations through Redis (the mixed deployment).
 */
function connectStore(
  options: BackendOptions,
  env: Record<string, string | undefined>,
  prefix: string | undefined,
): Promise<Backend> | undefined {
  const fromFlags = options.redis !== undefined || options.database !== undefined
  const redisUrl = (fromFlags ? options.redis : env.REDIS_URL) || undefined
  const databaseUrl = (fromFlags ? options.database : env.DATABASE_URL) || undefined
  const namespace = options.namespace ?? (env.KEYWARD_NAMESPACE || 'keyward')
  const common = {
    ...(prefix === undefined ? {} : { prefix }),
    ...(env.KEYWARD_PEPPER ? { pepper: env.KEYWARD_PEPPER } : {}),
  }
  if (databaseUrl !== undefined) {
    const schema = options.schema ?? (env.DATABASE_SCHEMA || undefined)
    return connectPostgresBackend({
      url: databaseUrl,
      ...(schema === undefined ? {} : { schema }),
      ...(redisUrl === undefined ? {} : { redis: { url: redisUrl, namespace } }),
      ...common,
    })
  }
  if (redisUrl !== undefined) return connectRedisBackend({ url: redisUrl, namespace, ...common })
  return undefined
}
