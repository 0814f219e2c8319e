import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/**
 * Every child process the integration tests start, so each one can be stopped by its own PID
 * even when a test fails or the test process exits without running `afterAll`.
 */
const running = new Set<ChildProcess>()

function killAll(): void {
  for (const child of running) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
  }
}

let hooked = false

/**
 * Kills what is still running when this process ends, however it ends: vitest stops its
 * workers with SIGTERM, which skips `exit` listeners unless the signal is handled.
 */
function hookExit(): void {
  if (hooked) return
  hooked = true
  process.once('exit', killAll)
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll()
      // Then die of the signal as if nobody had listened.
      process.kill(process.pid, signal)
    })
  }
}

/** Remembers `child` until it exits. */
export function track(child: ChildProcess): void {
  hookExit()
  running.add(child)
  child.once('exit', () => running.delete(child))
}

/**
 * Stops `child` by its PID: `SIGTERM`, then `SIGKILL` if it is still there after `graceMs`.
 * Resolves once it has exited.
 */
export async function stopProcess(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  process.kill(child.pid, 'SIGTERM')
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGKILL')
    }
  }, graceMs)
  await exited
  clearTimeout(timer)
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Polls `probe` every `intervalMs` until it returns a truthy value, at most `timeoutMs`;
 * rejects with `what` in the message when time runs out.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value) return value
    } catch (error) {
      lastError = error
    }
    await sleep(intervalMs)
  }
  const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`)
}

/** A test worker in its own Node process (see {@link spawnTsWorker}). */
export interface TsWorker {
  child: ChildProcess
  /** Its first line on stdout, parsed as JSON; rejects (with its stderr) if it exits first. */
  ready: Promise<unknown>
  /** Resolves when it has exited, however. */
  exited: Promise<void>
  /** The last 4 000 characters of its stderr. */
  stderr(): string
}

/**
 * Runs the TypeScript file `path` with tsx in its own process, from the repository root, with
 * `env` added to this one's; tracked, so a test run never leaves it behind.
 */
export function spawnTsWorker(path: string, env: Record<string, string>): TsWorker {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, ...env, TSX_TSCONFIG_PATH: 'tsconfig.test.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  track(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const ready = new Promise<unknown>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line)))
    void exited.then(() => reject(new Error(`${path} exited early:\n${stderr}`)))
  })
  return { child, ready, exited, stderr: () => stderr }
}
