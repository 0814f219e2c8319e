/**
 * Runs the example API on Express: `pnpm start` (or `node --import tsx src/main.ts`).
 *
 * `bootstrap()` reads the environment (`PORT`, `HOST`, `REDIS_URL`, `REDIS_NAMESPACE`,
 * `ADMIN_TOKEN`, `JWT_PRIVATE_JWK`, `TRUST_PROXY`, documented in `examples/shared/src/bootstrap.ts`) and
 * builds what this file serves: the Keyward instance (memory or Redis), the access tokens
 * and an admin token. The Hono example's `main.ts` does the same with its own server.
 */
import { createServer } from 'node:http'
import {
  bootstrap,
  exitOnStartFailure,
  printListening,
  stopOnSignal,
} from '@keyward/example-shared'
import { componentBundle, settingsPageHtml } from '@keyward/example-shared/settings-assets'
import { createApp } from './app.js'

async function main() {
  const example = await bootstrap()
  const { keyward, accessTokens, port, host, trustProxy, edgeSecret } = example
  // The settings page's script is bundled in the background: the API answers at once.
  componentBundle().catch((error: unknown) => {
    console.error('The settings page script could not be bundled:', error)
  })
  const settings = { settingsPageHtml, componentBundle }

  const edge = edgeSecret === undefined ? undefined : { secret: edgeSecret }
  const app = createApp(keyward, { accessTokens, settings, trustProxy, edge })
  const server = createServer(app)
  // A port already taken (or not ours) ends the process with one line, before any
  // "listening" line or admin token is printed.
  server.once('error', exitOnStartFailure)
  server.listen(port, host, () => {
    const address = server.address()
    const actual = typeof address === 'object' && address !== null ? address.port : port
    printListening(example, 'Express', actual)
  })

  stopOnSignal(async () => {
    server.close()
    server.closeAllConnections()
    await example.close()
  })
}

main().catch(exitOnStartFailure)
