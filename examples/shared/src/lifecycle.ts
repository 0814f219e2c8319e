import { isKeywardError } from '@keyward/core'
import type { Example } from './bootstrap.js'

/**
 * Prints the start-up lines: the URL, the store, and the admin token (on purpose, so the
 * README's curl session can use it; a real service would never print a token).
 */
export function printListening(example: Example, framework: string, port: number): void {
  console.log(`Keyward example API (${framework}) listening on http://${example.host}:${port}`)
  console.log(`store: ${example.store}`)
  console.log(`admin token: ${example.adminToken}`)
  console.log(`settings page: http://${example.host}:${port}/settings/api-keys (demo sign-in)`)
}

/** On the first SIGTERM or SIGINT: runs `stop`, then exits with 0 whether it succeeded or not. */
export function stopOnSignal(stop: () => Promise<void>): void {
  const onSignal = () => {
    stop().finally(() => process.exit(0))
  }
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
}

/** For `main().catch(…)`: says why the example could not start, then exits with 1. */
export function exitOnStartFailure(error: unknown): never {
  const reason = isKeywardError(error) ? `${error.code}: ${error.message}` : error
  console.error('The example API could not start:', reason)
  process.exit(1)
}
