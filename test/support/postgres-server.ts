import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { track, waitFor } from './processes.js'

/** A PostgreSQL server this test run created (`initdb`) and started on a loopback port, and owns. */
export interface PostgresServer {
  readonly port: number
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string
  /** The PID of the running postmaster, or `undefined` while stopped. */
  readonly pid: number | undefined
  /** Stops the server by its PID (fast shutdown: sessions are ended); the data stays. */
  stop(): Promise<void>
  /** Starts the server again on the same port and data directory. */
  restart(): Promise<void>
  /** Stops the server and removes its data directory. */
  dispose(): Promise<void>
}

/** The directory of the newest installed PostgreSQL's programs (`initdb`, `postgres`). */
async function binaries(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql').catch(() => [] as string[]))
    .filter((v) => /^\d+$/.test(v))
    .sort((x, y) => Number(y) - Number(x))
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL programs not found under /usr/lib/postgresql (apt-get install postgresql)',
    )
  }
  return `/usr/lib/postgresql/${versions[0]}/bin`
}

/** PostgreSQL refuses to run as root: as root, run its programs as the `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim())
  return { uid: id('-u'), gid: id('-g') }
}

/** Whether a server answers on `port`: a PostgreSQL SSLRequest gets one byte back, `S` or `N`. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write(Buffer.from([0, 0, 0, 8, 4, 210, 22, 47])))
    socket.once('data', (data: Buffer) => done(data[0] === 83 || data[0] === 78))
  })
}

/** Whether the server runs queries yet (it answers the SSLRequest while still starting up). */
async function acceptsQueries(port: number): Promise<boolean> {
  const client = new pg.Client({
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Creates a cluster in a fresh temp directory (`initdb`, trust authentication) and starts
 * `postgres` on `127.0.0.1:<port>` as a child of this process, fsync off. Stop it with
 * `stop()` or `dispose()`; a process exit hook kills it if the test run dies first.
 */
export async function startPostgresServer(port: number): Promise<PostgresServer> {
  if (await answers(port)) {
    throw new Error(
      `port ${port} is already in use; the outage tests start their own PostgreSQL there`,
    )
  }
  const bin = await binaries()
  const user = runAs()
  const dir = await mkdtemp(join(tmpdir(), `keyward-postgres-${port}-`))
  if (user) await chown(dir, user.uid, user.gid)
  const as = user ? { uid: user.uid, gid: user.gid } : {}
  execFileSync(
    `${bin}/initdb`,
    ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    { ...as, stdio: 'pipe', cwd: dir },
  )

  let child: ChildProcess | undefined
  const start = async () => {
    const started = spawn(
      `${bin}/postgres`,
      [
        '-D',
        dir,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
      ],
      { ...as, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    track(started)
    let output = ''
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000)
    }
    started.stdout?.on('data', collect)
    started.stderr?.on('data', collect)
    const failed = new Promise<never>((_, reject) => {
      started.once('error', reject)
      started.once('exit', (code, signal) =>
        reject(new Error(`postgres on port ${port} exited early (${code ?? signal}):\n${output}`)),
      )
    })
    failed.catch(() => {})
    await Promise.race([
      failed,
      waitFor(`postgres on port ${port}`, () => acceptsQueries(port), { timeoutMs: 15_000 }),
    ])
    child = started
  }
  const stop = async () => {
    const current = child
    child = undefined
    if (!current || current.exitCode !== null || current.signalCode !== null) return
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()))
    // SIGINT is PostgreSQL's fast shutdown: open sessions end at once (SIGTERM would wait for them).
    process.kill(current.pid!, 'SIGINT')
    await exited
  }
  await start()
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    get pid() {
      return child?.pid
    },
    stop,
    async restart() {
      if (child) throw new Error(`postgres on port ${port} is still running`)
      await start()
    },
    async dispose() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
