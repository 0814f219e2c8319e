/**
 * A Keyward instance in its own process, for the cross-process tests. It shares Redis (and a
 * key namespace) with other workers and answers one JSON command per stdin line with one JSON
 * reply per stdout line: `{ id, op, args }` → `{ id, at, ok, value | error }`.
 *
 * Run by `keyward-process.ts` as `node --import tsx test/support/worker.ts` from the repo root,
 * configured through `KEYWARD_REDIS_URL`, `KEYWARD_NAMESPACE`, `KEYWARD_MAX_STALENESS`, `KEYWARD_ON_STALE`;
 * with `KEYWARD_DATABASE_URL` (and `KEYWARD_SCHEMA`) it shares PostgreSQL instead of Redis.
 */
import { createInterface } from 'node:readline'
import { createKeyward, isKeywardError } from '@keyward/core'
import { PostgresRevocationList, PostgresTokenStore } from '@keyward/postgres'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'

const redisUrl = process.env.KEYWARD_REDIS_URL ?? 'redis://127.0.0.1:6379'
const namespace = process.env.KEYWARD_NAMESPACE ?? 'keyward'
const maxStaleness = process.env.KEYWARD_MAX_STALENESS
const onStale = process.env.KEYWARD_ON_STALE as 'allow' | 'fail' | undefined

// Wall-clock time with sub-millisecond resolution, comparable between processes on one host.
const preciseNow = () => performance.timeOrigin + performance.now()

// Keyward's clock can be moved (`advanceClock`) so expiry needs no real waiting. The
// revocation list shares it, since verify passes its reading to `isRevoked` as `at`; only
// jumps move it, so the durations that freshness measures stay real.
let clockOffset = 0
const now = () => Date.now() + clockOffset

const staleness = maxStaleness === undefined ? 10_000 : Number(maxStaleness)
const freshness = {
  now,
  maxStaleness: staleness,
  // Beats often, so that a contact at a new reading follows a jump of the clock quickly.
  heartbeatInterval: Math.max(1, Math.min(100, Math.floor(staleness / 2))),
  ...(onStale === undefined ? {} : { onStale }),
}
const databaseUrl = process.env.KEYWARD_DATABASE_URL
const schema = process.env.KEYWARD_SCHEMA ?? 'public'
const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 4 }) : undefined
pool?.on('error', () => {})
const redis = pool ? undefined : new Redis(redisUrl, { retryStrategy: () => 50 })
const revocations = pool
  ? new PostgresRevocationList(pool, { schema, ...freshness, onError: () => {} })
  : new RedisRevocationList(redis!, { namespace, ...freshness })
const keyward = createKeyward({
  prefix: 'kw_test',
  now,
  store: pool
    ? new PostgresTokenStore(pool, { schema })
    : new RedisTokenStore(redis!, { namespace }),
  revocations,
  onError: () => {},
})

/** Bare `LISTEN`/`NOTIFY` beside Keyward's, for the time-to-effect baseline: payload → when seen. */
const bareSeen = new Map<string, number>()
const bareWaiters = new Map<string, (at: number) => void>()
let bareListener: pg.PoolClient | undefined

/**
 * After a jump forward, no contact covers the new readings yet (the list would rightly fail
 * closed): waits, bounded, until a heartbeat sent at or after the jump has been answered.
 */
async function contactAfterJump(): Promise<void> {
  const jumpedTo = now()
  const deadline = Date.now() + 5_000
  while ((revocations.lastContact ?? Number.NEGATIVE_INFINITY) < jumpedTo) {
    if (Date.now() > deadline) throw new Error('no contact with Redis after moving the clock')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const watches = new Map<
  number,
  Promise<{ code: string | undefined; at: number; iterations: number }>
>()
let nextWatch = 0

/** Verifies `token` until it fails or `timeoutMs` passes, yielding to I/O between calls. */
async function watch(token: string, timeoutMs: number, scopes: string[] | undefined) {
  const options = scopes === undefined ? {} : { scopes }
  const deadline = preciseNow() + timeoutMs
  let iterations = 0
  while (preciseNow() < deadline) {
    iterations++
    try {
      await keyward.verify(token, options)
    } catch (error) {
      return {
        code: isKeywardError(error) ? error.code : String(error),
        at: preciseNow(),
        iterations,
      }
    }
    // setImmediate lets the poll phase run, so pub/sub messages arrive between verifications.
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { code: undefined, at: preciseNow(), iterations }
}

type Args = Record<string, unknown>
const commands: Record<string, (args: Args) => Promise<unknown>> = {
  ready: () => keyward.ready(),
  create: (args) =>
    keyward.keys.create({
      name: args.name as string,
      ownerId: args.ownerId as string,
      scopes: args.scopes as string[],
      expiresIn: args.expiresIn as string,
    }),
  verify: (args) =>
    keyward.verify(args.token as string, args.scopes ? { scopes: args.scopes as string[] } : {}),
  revoke: (args) => keyward.keys.revoke(args.id as string),
  rotate: (args) =>
    keyward.keys.rotate(args.id as string, {
      ...(args.gracePeriod === undefined
        ? {}
        : { gracePeriod: args.gracePeriod as number | string }),
      ...(args.until === undefined ? {} : { until: args.until as 'first-use' }),
    }),
  get: (args) => keyward.keys.get(args.id as string),
  update: (args) => keyward.keys.update(args.id as string, args.input as { scopes?: string[] }),
  revokeAll: (args) =>
    keyward.keys.revokeAll(args.ownerId === undefined ? {} : { ownerId: args.ownerId as string }),
  suspend: (args) =>
    keyward.keys.suspend(
      args.id as string,
      args.reason === undefined ? {} : { reason: args.reason as string },
    ),
  resume: (args) => keyward.keys.resume(args.id as string),
  advanceClock: async (args) => {
    clockOffset += args.ms as number
    if ((args.ms as number) > 0) await contactAfterJump()
  },
  watch: async (args) => {
    const watchId = nextWatch++
    watches.set(
      watchId,
      watch(args.token as string, args.timeoutMs as number, args.scopes as string[] | undefined),
    )
    return { watchId }
  },
  watchResult: async (args) => {
    const outcome = watches.get(args.watchId as number)
    watches.delete(args.watchId as number)
    if (!outcome) throw new Error('no such watch')
    return outcome
  },
  bareListen: async (args) => {
    if (!pool) throw new Error('bareListen needs KEYWARD_DATABASE_URL')
    bareListener ??= await pool.connect()
    bareListener.on('notification', ({ payload = '' }) => {
      const at = preciseNow()
      bareSeen.set(payload, at)
      bareWaiters.get(payload)?.(at)
    })
    await bareListener.query(`LISTEN "${args.channel as string}"`)
  },
  bareNotify: async (args) => {
    if (!pool) throw new Error('bareNotify needs KEYWARD_DATABASE_URL')
    await pool.query('SELECT pg_notify($1, $2)', [args.channel, args.payload])
  },
  bareSeen: (args) => {
    const payload = args.payload as string
    const seen = bareSeen.get(payload)
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no bare notification')), 5_000)
      bareWaiters.set(payload, (at) => {
        clearTimeout(timer)
        bareWaiters.delete(payload)
        resolve(at)
      })
    })
  },
  close: async () => {
    await keyward.close()
    bareListener?.release(true)
    redis?.disconnect()
    await pool?.end()
  },
}

const reply = (message: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify(message)}\n`)

createInterface({ input: process.stdin }).on('line', async (line) => {
  const { id, op, args } = JSON.parse(line) as { id: number; op: string; args: Args }
  const command = commands[op]
  try {
    if (!command) throw new Error(`unknown command ${op}`)
    const value = await command(args)
    reply({ id, at: preciseNow(), ok: true, value: value ?? null })
    if (op === 'close') process.exit(0)
  } catch (error) {
    const failure = isKeywardError(error)
      ? { name: error.name, code: error.code, status: error.status, message: error.message }
      : { name: error instanceof Error ? error.name : 'Error', message: String(error) }
    reply({ id, at: preciseNow(), ok: false, error: failure })
  }
})

// The parent going away closes stdin: nothing is left to serve.
process.stdin.once('end', () => process.exit(0))
