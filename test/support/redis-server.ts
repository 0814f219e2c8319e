import { type ChildProcess, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { stopProcess, track, waitFor } from './processes.js'

/** A `redis-server` this test run started on a loopback port, and owns. */
export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** The PID of the current server process, or `undefined` while stopped. */
  readonly pid: number | undefined
  /** Stops the server process by its PID; its data is gone (nothing is persisted). */
  stop(): Promise<void>
  /** Starts a fresh, empty server on the same port. */
  restart(): Promise<void>
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
 * Starts a standalone `redis-server` on `127.0.0.1:<port>`, with nothing persisted, as a child
 * of this process. Stop it with `stop()`; a process exit hook kills it if a test run dies first.
 */
export async function startRedisServer(port: number): Promise<RedisServer> {
  let child: ChildProcess | undefined = await spawnRedis(port, [])
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid
    },
    async stop() {
      const current = child
      child = undefined
      if (current) await stopProcess(current)
    },
    async restart() {
      if (child) throw new Error(`redis-server on port ${port} is still running`)
      child = await spawnRedis(port, [])
    },
  }
}
