import { createInterface } from 'node:readline'
import type { KeywardApiKeys } from '@keyward/ui'
import type { Page } from 'playwright-core'
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

/**
 * Signs the demo person in to `app` on `page` and waits for an empty "Settings → API Keys";
 * then creates a key named `name` (`projects:read`, 30 days) through the management API, as
 * another tab would, and waits until the reloaded list shows it active. Resolves to its token.
 */
export async function signInWithOneKey(page: Page, app: ExampleApp, name: string): Promise<string> {
  await page.goto(`${app.url}/sign-in`)
  await page.getByRole('button', { name: 'Sign in as the demo person' }).click()
  await page.waitForURL(`${app.url}/settings/api-keys`)
  await page.getByRole('heading', { name: 'No API keys yet' }).waitFor()
  const token = await page.evaluate(async (keyName) => {
    const response = await fetch('/api-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: keyName, scopes: ['projects:read'], expiresIn: 30 * 86_400 }),
    })
    return ((await response.json()) as { token: string }).token
  }, name)
  await page.evaluate(() => document.querySelector<KeywardApiKeys>('keyward-api-keys')?.reload())
  await page
    .getByRole('row', { name: new RegExp(name) })
    .getByText('Active')
    .waitFor()
  return token
}
