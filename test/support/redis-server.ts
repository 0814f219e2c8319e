import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stopProcess, track, waitFor } from './processes.js'

/** A `redis-server` this test run started on a loopback port, and owns. */
export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** The PID of the current server process, or `undefined` while stopped. */
  readonly pid: number | undefined
  /**
   * Writes a snapshot (`SAVE`) that the next `restart()` loads, as a Redis with persistence
   * would come back. Without it, a restarted server starts empty.
   */
  save(): Promise<void>
  /** Stops the server process by its PID. Nothing is saved unless `save()` was called. */
  stop(): Promise<void>
  /** Starts the server again on the same port, with the last `save()`d data if any. */
  restart(): Promise<void>
  /** Stops the server and removes its data directory. */
  dispose(): Promise<void>
}

/**
 * Sends one inline command over a fresh TCP connection and resolves to the raw reply,
 * so probing a server needs no client library (and no reconnect logic to confuse things).
 */
export function rawCommand(port: number, command: string, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    let reply = ''
    const done = (error?: Error) => {
      clearTimeout(timer)
      socket.destroy()
      if (error) reject(error)
      else resolve(reply)
    }
    const timer = setTimeout(() => done(new Error(`no reply on port ${port}`)), timeoutMs)
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(`${command}\r\n`))
    socket.on('data', (chunk: string) => {
      reply += chunk
      // Simple and bulk replies both end with CRLF once complete; bulk replies announce their length.
      const bulk = /^\$(\d+)\r\n/.exec(reply)
      if (bulk ? reply.length >= bulk[0].length + Number(bulk[1]) + 2 : reply.endsWith('\r\n'))
        done()
    })
    socket.on('error', (error) => done(error))
  })
}

/** Whether something already listens on `port` (then it is not ours to use). */
async function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Spawns `redis-server` with `args` and waits until it answers `PING` on `port`. */
export async function spawnRedis(
  port: number,
  args: readonly string[],
  cwd?: string,
): Promise<ChildProcess> {
  if (await isListening(port)) {
    throw new Error(
      `port ${port} is already in use; the integration tests start their own redis-server there`,
    )
  }
  const child = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd === undefined ? {} : { cwd }) },
  )
  track(child)
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000)
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000)
  })
  const failed = new Promise<never>((_, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) =>
      reject(
        new Error(`redis-server on port ${port} exited early (${code ?? signal}):\n${output}`),
      ),
    )
  })
  failed.catch(() => {})
  try {
    await Promise.race([
      failed,
      waitFor(
        `redis-server on port ${port}`,
        async () => (await rawCommand(port, 'PING')).startsWith('+PONG'),
        {
          timeoutMs: 5_000,
        },
      ),
    ])
  } catch (error) {
    await stopProcess(child)
    throw error
  }
  return child
}

/**
 * Starts a standalone `redis-server` on `127.0.0.1:<port>` as a child of this process, with
 * automatic snapshots off and its data directory in a fresh temp directory. Stop it with
 * `stop()` or `dispose()`; a process exit hook kills it if a test run dies first.
 */
export async function startRedisServer(port: number): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), `keyward-redis-${port}-`))
  const args = ['--dir', dir, '--dbfilename', 'dump.rdb']
  let child: ChildProcess | undefined
  try {
    child = await spawnRedis(port, args)
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  const stop = async () => {
    const current = child
    child = undefined
    if (current) await stopProcess(current)
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid
    },
    async save() {
      const reply = await rawCommand(port, 'SAVE', 5_000)
      if (!reply.startsWith('+OK')) throw new Error(`SAVE on port ${port} answered ${reply.trim()}`)
    },
    stop,
    async restart() {
      if (child) throw new Error(`redis-server on port ${port} is still running`)
      child = await spawnRedis(port, args)
    },
    async dispose() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
