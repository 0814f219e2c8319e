import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const benchDir = fileURLToPath(new URL('..', import.meta.url))

/** Options of {@link startChild}. */
export interface ChildOptions {
  /** Extra Node flags (`--expose-gc`, `--max-old-space-size=…`). */
  nodeFlags?: string[]
  env?: Record<string, string>
}

/**
 * Starts `script` (a path relative to bench/) in its own Node process running TypeScript
 * through tsx, with an IPC channel. The bench tsconfig maps `@keyward/*` to the sources.
 */
export function startChild(
  script: string,
  args: string[] = [],
  options: ChildOptions = {},
): ChildProcess {
  return fork(fileURLToPath(new URL(`../${script}`, import.meta.url)), args, {
    cwd: benchDir,
    execArgv: ['--import', 'tsx', ...(options.nodeFlags ?? [])],
    env: { ...process.env, TSX_TSCONFIG_PATH: `${benchDir}tsconfig.json`, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

/**
 * Epoch ms with sub-millisecond resolution, from the machine clock every process shares, so
 * times taken in two processes can be subtracted.
 */
export function wallClock(): number {
  return performance.timeOrigin + performance.now()
}

/** A message between the runner and a child: `type` says what it is. */
export interface Message {
  type: string
  [field: string]: unknown
}

/**
 * The next message from `child` of type `type`. Rejects when the child exits first, reports
 * an `error` message, or nothing comes within `timeoutMs`.
 */
export function nextMessage<T extends { type: string }>(
  child: ChildProcess,
  type: T['type'],
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    const onMessage = (message: Message) => {
      if (message?.type === 'error') {
        done()
        reject(new Error(`child ${child.pid}: ${String(message.message)}`))
      } else if (message?.type === type) {
        done()
        resolve(message as T)
      }
    }
    const onExit = (code: number | null) => {
      done()
      reject(new Error(`child ${child.pid} exited (${code}) before sending ${type}`))
    }
    const timer = setTimeout(() => {
      done()
      reject(new Error(`child ${child.pid} sent no ${type} within ${timeoutMs} ms`))
    }, timeoutMs)
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

/** Sends `message` and waits for the reply of type `reply`. */
export function request<T extends { type: string }>(
  child: ChildProcess,
  message: Message,
  reply: T['type'],
  timeoutMs?: number,
): Promise<T> {
  const answer = nextMessage<T>(child, reply, timeoutMs)
  child.send(message)
  return answer
}

/** Ends `child` (this child only, by its pid) and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

/**
 * For child scripts: sends `message` to the runner. Exits when the runner goes away, so no
 * child outlives a crashed run.
 */
export function toParent(message: Message): void {
  process.send?.(message)
}

/** For child scripts: exit with the runner; report a crash as an `error` message. */
export function childLifecycle(): void {
  process.on('disconnect', () => process.exit(0))
  process.on('uncaughtException', (error) => {
    toParent({ type: 'error', message: error instanceof Error ? error.message : String(error) })
    process.exit(1)
  })
  process.on('unhandledRejection', (error) => {
    toParent({ type: 'error', message: error instanceof Error ? error.message : String(error) })
    process.exit(1)
  })
}

/** For child scripts: handle messages from the runner. */
export function onParentMessage(handler: (message: Message) => void | Promise<void>): void {
  process.on('message', (message: Message) => {
    Promise.resolve(handler(message)).catch((error: unknown) => {
      toParent({ type: 'error', message: error instanceof Error ? error.message : String(error) })
    })
  })
}
