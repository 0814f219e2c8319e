import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ApiKey, VerifiedKey } from '@keyward/core'
import { stopProcess, track } from './processes.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url))

/** A failure as it crossed the process boundary. */
export interface WorkerError {
  name: string
  code?: string
  status?: number
  message: string
}

/** Every reply carries the instant (epoch ms, sub-millisecond) the worker finished the command. */
export type Reply<T> = { at: number } & ({ ok: true; value: T } | { ok: false; error: WorkerError })

/** What a revocation watch saw: the first verification that failed, and when. */
export interface WatchOutcome {
  /** The error code of the first failed verification, or `undefined` if none failed in time. */
  code: string | undefined
  /** When that verification failed (epoch ms, sub-millisecond). */
  at: number
  /** Verifications made, including the failed one. */
  iterations: number
}

export interface KeywardProcessOptions {
  redisUrl?: string
  namespace?: string
  /** Share PostgreSQL at this URL instead of Redis, in `schema`. */
  databaseUrl?: string
  schema?: string
  /** Passed to the revocation list, ms. */
  maxStaleness?: number
  onStale?: 'allow' | 'fail'
}

/** A Keyward instance in its own Node process, driven over stdin/stdout JSON lines. */
export interface KeywardProcess {
  readonly pid: number
  create(input: { ownerId: string; scopes: string[]; expiresIn?: string; name?: string }): Promise<{
    token: string
    key: ApiKey
  }>
  verify(token: string, options?: { scopes?: string[] }): Promise<Reply<VerifiedKey>>
  revoke(id: string): Promise<Reply<boolean>>
  /** `keys.rotate(id, { gracePeriod, until })`. */
  rotate(
    id: string,
    gracePeriod?: number | string,
    until?: 'first-use',
  ): Promise<{ token: string; key: ApiKey }>
  /** The live key with id `id` as the store holds it now, or `undefined`. */
  get(id: string): Promise<ApiKey | undefined>
  update(id: string, input: { scopes?: string[]; name?: string }): Promise<Reply<ApiKey>>
  revokeAll(ownerId?: string): Promise<Reply<{ revokedBefore: number }>>
  /** `keys.suspend(id, { reason })`; the reply's `at` is when it resolved. */
  suspend(id: string, reason?: string): Promise<Reply<ApiKey>>
  /** `keys.resume(id)`; the reply's `at` is when it resolved. */
  resume(id: string): Promise<Reply<ApiKey>>
  /** Moves this process's Keyward clock forward by `ms` (the injected `now`). */
  advanceClock(ms: number): Promise<void>
  /**
   * Starts verifying `token` (requiring `scopes`, if given) in a tight loop inside the worker (yielding to I/O between
   * calls, at most `timeoutMs`); resolves once the loop runs. `outcome` resolves when a
   * verification fails or time runs out.
   */
  watch(
    token: string,
    timeoutMs: number,
    scopes?: string[],
  ): Promise<{ outcome: Promise<WatchOutcome> }>
  /** PostgreSQL only: LISTENs on `channel` on a connection of its own (the bare baseline). */
  bareListen(channel: string): Promise<void>
  /** PostgreSQL only: a bare `pg_notify(channel, payload)`; the reply's `at` is when it returned. */
  bareNotify(channel: string, payload: string): Promise<Reply<null>>
  /** PostgreSQL only: when the bare notification `payload` arrived (epoch ms, sub-millisecond). */
  bareSeen(payload: string): Promise<number>
  /** Closes Keyward and its connections, then stops the process by its PID. */
  stop(): Promise<void>
}

/**
 * Starts `test/support/worker.ts` under `node --import tsx`, so `@keyward/*` resolve to the
 * workspace sources through the `paths` of `tsconfig.test.json`, and waits until it is ready.
 */
export async function startKeywardProcess(options: KeywardProcessOptions): Promise<KeywardProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', workerPath], {
    cwd: root,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: 'tsconfig.test.json',
      ...(options.redisUrl === undefined ? {} : { KEYWARD_REDIS_URL: options.redisUrl }),
      ...(options.namespace === undefined ? {} : { KEYWARD_NAMESPACE: options.namespace }),
      ...(options.databaseUrl === undefined ? {} : { KEYWARD_DATABASE_URL: options.databaseUrl }),
      ...(options.schema === undefined ? {} : { KEYWARD_SCHEMA: options.schema }),
      ...(options.maxStaleness === undefined
        ? {}
        : { KEYWARD_MAX_STALENESS: String(options.maxStaleness) }),
      ...(options.onStale === undefined ? {} : { KEYWARD_ON_STALE: options.onStale }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  track(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000)
  })

  let nextId = 0
  const pending = new Map<
    number,
    { resolve: (reply: Reply<unknown>) => void; reject: (e: Error) => void }
  >()
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error)
    pending.clear()
  }
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      failAll(new Error(`keyward worker exited (${code ?? signal}):\n${stderr}`))
      resolve()
    })
  })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let message: { id: number } & Reply<unknown>
    try {
      message = JSON.parse(line)
    } catch {
      return // Not a protocol line (a stray log); the protocol lines are all JSON.
    }
    const waiter = pending.get(message.id)
    if (!waiter) return
    pending.delete(message.id)
    const { id: _, ...reply } = message
    waiter.resolve(reply as Reply<unknown>)
  })

  const send = <T>(
    op: string,
    args: Record<string, unknown> = {},
    timeoutMs = 15_000,
  ): Promise<Reply<T>> =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`keyward worker has exited:\n${stderr}`))
        return
      }
      const id = nextId++
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error(`keyward worker did not answer ${op} within ${timeoutMs} ms:\n${stderr}`))
      }, timeoutMs)
      pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer)
          resolve(reply as Reply<T>)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      })
      child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`)
    })

  /** For commands that must succeed: the value, or a thrown error naming the failure. */
  const expectOk = async <T>(op: string, args: Record<string, unknown> = {}): Promise<T> => {
    const reply = await send<T>(op, args)
    if (!reply.ok)
      throw new Error(
        `${op} failed in the worker: ${reply.error.code ?? reply.error.name}: ${reply.error.message}`,
      )
    return reply.value
  }

  try {
    await expectOk('ready')
  } catch (error) {
    await stopProcess(child)
    throw error
  }

  return {
    pid: child.pid!,
    create: (input) => expectOk('create', { name: 'integration key', expiresIn: '1d', ...input }),
    verify: (token, verifyOptions = {}) => send('verify', { token, ...verifyOptions }),
    revoke: (id) => send('revoke', { id }),
    rotate: (id, gracePeriod, until) =>
      expectOk('rotate', {
        id,
        ...(gracePeriod === undefined ? {} : { gracePeriod }),
        ...(until === undefined ? {} : { until }),
      }),
    get: async (id) => (await expectOk<ApiKey | null>('get', { id })) ?? undefined,
    update: (id, input) => send('update', { id, input }),
    revokeAll: (ownerId) => send('revokeAll', ownerId === undefined ? {} : { ownerId }),
    suspend: (id, reason) => send('suspend', reason === undefined ? { id } : { id, reason }),
    resume: (id) => send('resume', { id }),
    advanceClock: (ms) => expectOk('advanceClock', { ms }),
    async watch(token, timeoutMs, scopes) {
      const args = scopes === undefined ? { token, timeoutMs } : { token, timeoutMs, scopes }
      const { watchId } = await expectOk<{ watchId: number }>('watch', args)
      return { outcome: expectOk<WatchOutcome>('watchResult', { watchId }) }
    },
    bareListen: (channel) => expectOk('bareListen', { channel }),
    bareNotify: (channel, payload) => send('bareNotify', { channel, payload }),
    bareSeen: (payload) => expectOk('bareSeen', { payload }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // A clean close releases the Redis connections; the PID is the fallback.
        await Promise.race([send('close', {}, 3_000).catch(() => {}), exited])
      }
      await stopProcess(child)
    },
  }
}
