import { spawn } from 'node:child_process'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { run } from '../src/program.js'

/** The repository root, where the tsx config for the workspace sources is. */
export const root = fileURLToPath(new URL('../../..', import.meta.url))
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url))

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** What one run of `keyward` printed and exited with. */
export interface Result {
  code: number | null
  stdout: string
  stderr: string
}

/** How a run is started: its environment (nothing else is set) and what stdin holds. */
export interface RunOptions {
  env?: Record<string, string>
  /** Written to stdin, which is then closed (closed at once without it). */
  input?: string
}

/**
 * `keyward` in this process, through the program's `run()` entry (what the bin calls), with
 * its own stdout, stderr, stdin and an environment holding only `env`.
 */
export async function keyward(
  args: readonly string[],
  { env = {}, input }: RunOptions = {},
): Promise<Result> {
  let stdout = ''
  let stderr = ''
  const stdin = new PassThrough()
  stdin.end(input ?? '')
  const code = await run(args, {
    stdout: {
      write: (text: string) => {
        stdout += text
      },
    },
    stderr: {
      write: (text: string) => {
        stderr += text
      },
    },
    stdin,
    env,
  })
  return { code, stdout, stderr }
}

/**
 * The real `keyward` bin in a process of its own (through tsx, so the workspace sources are
 * used), as a user or a hook runs it: stdin a pipe, the exit code the process's. The backend
 * variables of the test runner's environment are blanked; `env` sets them.
 */
export function spawnKeyward(
  args: readonly string[],
  { env = {}, input }: RunOptions = {},
): Promise<Result> {
  const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], {
    cwd: root,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: 'tsconfig.test.json',
      REDIS_URL: '',
      DATABASE_URL: '',
      DATABASE_SCHEMA: '',
      KEYWARD_NAMESPACE: '',
      KEYWARD_API_TOKEN: '',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk
  })
  if (input !== undefined) child.stdin.write(input)
  child.stdin.end()
  return new Promise((resolve) => {
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}
