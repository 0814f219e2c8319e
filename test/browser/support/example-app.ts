import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { stopProcess, track } from '../../support/processes.js'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const tsx = `${root}node_modules/.bin/tsx`

/** An example app running as its own program, as `pnpm start` runs it. */
export interface ExampleApp {
  /** `http://127.0.0.1:<port>`. */
  url: string
  /** Stops the process by its PID. */
  stop(): Promise<void>
}

/**
 * Starts `dir` (`examples/express-api` or `examples/hono-api`) with `tsx src/main.ts` on a
 * free loopback port, keys in memory, and resolves once it printed where it listens. `env`
 * adds to (or overrides) its environment, e.g. `{ RATE_LIMIT: '100/1m' }`.
 */
export function startExampleApp(
  dir: string,
  env: Record<string, string> = {},
): Promise<ExampleApp> {
  const child = spawn(tsx, ['src/main.ts'], {
    cwd: `${root}${dir}`,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: '',
      DATABASE_URL: '',
      ADMIN_TOKEN: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  track(child)
  const output: string[] = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('it printed no URL within 30 s'), 30_000)
    function fail(why: string) {
      clearTimeout(timer)
      void stopProcess(child)
      reject(new Error(`${dir}: ${why}. Output:\n${output.join('\n')}`))
    }
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line)
      const url = /listening on (http:\/\/\S+)/.exec(line)?.[1]
      if (url === undefined) return
      clearTimeout(timer)
      resolve({ url, stop: () => stopProcess(child) })
    })
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line))
    child.once('exit', (code) => fail(`it exited with ${code}`))
  })
}
