import { type ChildProcess, spawn } from 'node:child_process'
import { Redis } from 'ioredis'

/** A Redis for the benchmark: a private server when one could be started, else the shared one. */
export interface BenchRedis {
  url: string
  /** Whether only this run uses it: `INFO commandstats` then counts nothing but our commands. */
  private: boolean
  /** Stops the private server (by its pid); no-op for the shared one. */
  stop(): Promise<void>
}

/** Ports this benchmark may start its own redis-server on. */
const PORTS = [6420, 6421, 6422, 6423, 6424, 6425, 6426, 6427, 6428, 6429]

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    return (await client.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

async function startOn(port: number): Promise<ChildProcess | undefined> {
  if (await answers(`redis://127.0.0.1:${port}`)) return undefined // someone else's
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  const failed = new Promise<false>((resolve) => {
    server.once('error', () => resolve(false))
    server.once('exit', () => resolve(false))
  })
  for (let i = 0; i < 50; i++) {
    const up = await Promise.race([answers(`redis://127.0.0.1:${port}`), failed])
    if (up) return server
    if (server.exitCode !== null || server.pid === undefined) return undefined
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  server.kill('SIGTERM')
  return undefined
}

/**
 * Starts a private redis-server on the first free port of 6420–6429; falls back to
 * `fallbackUrl` (the shared server) when none can be started.
 */
export async function benchRedis(fallbackUrl: string): Promise<BenchRedis> {
  for (const port of PORTS) {
    const server = await startOn(port)
    if (!server) continue
    return {
      url: `redis://127.0.0.1:${port}`,
      private: true,
      async stop() {
        if (server.exitCode !== null) return
        const exited = new Promise((resolve) => server.once('exit', resolve))
        server.kill('SIGTERM')
        await exited
      },
    }
  }
  if (!(await answers(fallbackUrl))) throw new Error(`no Redis answers at ${fallbackUrl}`)
  return { url: fallbackUrl, private: false, stop: async () => {} }
}

/** Deletes every key of `namespace` (its `{namespace}` hash tag), for the shared server. */
export async function deleteNamespace(url: string, namespace: string): Promise<void> {
  const client = new Redis(url)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `{${namespace}}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await client.del(...keys)
    } while (cursor !== '0')
  } finally {
    client.disconnect()
  }
}

/** `INFO commandstats` as command → calls. */
export async function commandCalls(client: Redis): Promise<Map<string, number>> {
  const info = await client.info('commandstats')
  const calls = new Map<string, number>()
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim())
    if (match) calls.set(match[1]!, Number(match[2]))
  }
  return calls
}

/** Calls per command between two snapshots, without zero entries. */
export function callsBetween(
  before: Map<string, number>,
  after: Map<string, number>,
): Map<string, number> {
  const diff = new Map<string, number>()
  for (const [command, calls] of after) {
    const delta = calls - (before.get(command) ?? 0)
    if (delta > 0) diff.set(command, delta)
  }
  return diff
}
