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
  // Listening with `on` (not `once`) keeps a second Ctrl-C during shutdown from killing the
  // process by the default action; the first signal alone starts the stop.
  let stopping = false
  const onSignal = () => {
    if (stopping) return
    stopping = true
    stop().finally(() => process.exit(0))
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}

/**
 * For `main().catch(…)` and a server's `error` event: says in one line why the example could
 * not start (never a stack: a configuration mistake is not a bug), then exits with 1.
 */
export function exitOnStartFailure(error: unknown): never {
  console.error(`The example API could not start: ${startFailure(error)}`)
  process.exit(1)
}

function startFailure(error: unknown): string {
  const { code, address, port } = (error ?? {}) as {
    code?: unknown
    address?: unknown
    port?: unknown
  }
  if (code === 'EADDRINUSE') return `port ${port} on ${address} is already taken (EADDRINUSE).`
  if (code === 'EACCES') return `port ${port} on ${address} is not ours to take (EACCES).`
  if (isKeywardError(error)) return `${error.code}: ${error.message}`
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/\s*\n\s*/g, ' ')
}
