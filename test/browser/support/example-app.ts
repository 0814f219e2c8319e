import { createInterface } from 'node:readline'
import { spawnExample } from '../../support/example-process.js'
import { stopProcess } from '../../support/processes.js'

/** An example app running as its own program, as `pnpm start` runs it. */
export interface ExampleApp {
  /** `http://127.0.0.1:<port>`. */
  url: string
  /** Stops the process by its PID. */
  stop(): Promise<void>
}

/**
 * Starts `dir` (`examples/express-api` or `examples/hono-api`) with `spawnExample` on a
 * free loopback port, keys in memory, and resolves once it printed where it listens. `env`
 * adds to (or overrides) its environment, e.g. `{ RATE_LIMIT: '100/1m' }`.
 */
export function startExampleApp(
  dir: string,
  env: Record<string, string> = {},
): Promise<ExampleApp> {
  const child = spawnExample(dir, env)
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
