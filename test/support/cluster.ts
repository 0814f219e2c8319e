import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stopProcess, track, waitFor } from './processes.js'
import { rawCommand, spawnRedis } from './redis-server.js'

/** A three-master Redis Cluster this test run started, and owns. */
export interface RedisCluster {
  /** The master nodes, as ioredis `Cluster` start nodes. */
  readonly nodes: readonly { host: string; port: number }[]
  /** The PIDs of the node processes. */
  readonly pids: readonly number[]
  /** Stops every node by its PID and removes the node config files. */
  stop(): Promise<void>
}

/** Runs `redis-cli` to completion (bounded), resolving to its output; rejects on a non-zero exit. */
function redisCli(args: readonly string[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    track(child)
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    const timer = setTimeout(() => {
      void stopProcess(child, 500)
    }, timeoutMs)
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(output)
      else reject(new Error(`redis-cli ${args.join(' ')} failed (${code ?? signal}):\n${output}`))
    })
  })
}

/**
 * Starts `redis-server --cluster-enabled yes` on each of `ports` (node configs in a fresh temp
 * directory), joins them with `redis-cli --cluster create … --cluster-replicas 0`, and waits
 * until every node reports `cluster_state:ok`. On any failure the nodes started so far are stopped.
 */
export async function startRedisCluster(
  ports: readonly number[] = [7100, 7101, 7102],
): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'keyward-cluster-'))
  const children: ChildProcess[] = []
  const stop = async () => {
    await Promise.all(children.map((child) => stopProcess(child)))
    await rm(dir, { recursive: true, force: true })
  }
  try {
    for (const port of ports) {
      children.push(
        await spawnRedis(
          port,
          [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--cluster-node-timeout',
            '2000',
            '--dir',
            dir,
          ],
          dir,
        ),
      )
    }
    await redisCli([
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ])
    for (const port of ports) {
      await waitFor(
        `cluster_state:ok on port ${port}`,
        async () => (await rawCommand(port, 'CLUSTER INFO')).includes('cluster_state:ok'),
        { timeoutMs: 15_000, intervalMs: 100 },
      )
    }
  } catch (error) {
    await stop()
    throw error
  }
  return {
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    pids: children.map((child) => child.pid!),
    stop,
  }
}
