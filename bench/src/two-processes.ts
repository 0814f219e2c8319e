/**
 * Two processes over one backend, for the time-to-effect cases that compare a kind of change
 * with a revocation (10, 13): A is the runner's own instance, B the child of case 4 (Redis) or
 * case 8 (PostgreSQL), an instance with connections of its own that runs `check()` on an armed
 * token on every turn of its event loop. Each backend is set up, measured and torn down here.
 */
import type { ChildProcess } from 'node:child_process'
import { createKeyward, type Keyward } from '@keyward/core'
import { migrate, PostgresRevocationList, PostgresTokenStore } from '@keyward/postgres'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'
import { nextMessage, startChild, stopChild } from './child.js'
import { benchRedis, deleteNamespace } from './redis-server.js'
import type { BenchSettings } from './settings.js'
import type { SamplingOptions } from './time-to-effect.js'

/** Bounded trials of the two-process cases: rounds kept, warm-up, time bound. */
export const TWO_PROCESS_SAMPLING: Record<BenchSettings['mode'], SamplingOptions> = {
  quick: { samples: 60, warmup: 10, seconds: 10 },
  full: { samples: 400, warmup: 30, seconds: 60 },
}

/** What a measurement gets: A, the runner's instance, and B, the observing child. */
export type TwoProcessRun<T> = (a: Keyward, b: ChildProcess) => Promise<T>

/** Runs `measure` with A and B sharing a fresh Redis namespace named after `label`. */
export async function overRedis<T>(
  settings: BenchSettings,
  label: string,
  measure: TwoProcessRun<T>,
): Promise<{ measured: T; private: boolean; url: string }> {
  const redis = await benchRedis(settings.redisUrl)
  const namespace = `kwbench_${label}_${process.pid}_${Date.now()}`
  const b = startChild('src/servers/redis-app.ts', [redis.url, namespace, '10000'])
  const client = new Redis(redis.url)
  const a = createKeyward({
    prefix: 'kw_live',
    store: new RedisTokenStore(client, { namespace }),
    revocations: new RedisRevocationList(client, { namespace }),
  })
  try {
    await nextMessage(b, 'ready')
    await a.ready()
    return { measured: await measure(a, b), private: redis.private, url: redis.url }
  } finally {
    await stopChild(b)
    await a.close()
    if (!redis.private) await deleteNamespace(redis.url, namespace)
    client.disconnect()
    await redis.stop()
  }
}

/** Runs `measure` with A and B sharing a fresh PostgreSQL schema named after `label`. */
export async function overPostgres<T>(
  settings: BenchSettings,
  label: string,
  measure: TwoProcessRun<T>,
): Promise<T> {
  const url = settings.databaseUrl
  const schema = `kwbench_${label}_${process.pid}_${Date.now().toString(36)}`
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  let b: ChildProcess | undefined
  let a: Keyward | undefined
  try {
    await migrate(pool, { schema })
    b = startChild('src/servers/postgres-app.ts', [url, schema])
    a = createKeyward({
      prefix: 'kw_live',
      store: new PostgresTokenStore(pool, { schema }),
      revocations: new PostgresRevocationList(pool, { schema }),
    })
    await nextMessage(b, 'ready')
    await a.ready()
    return await measure(a, b)
  } finally {
    if (b) await stopChild(b)
    await a?.close()
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {})
    await pool.end()
  }
}
