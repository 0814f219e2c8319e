/**
 * Runs the example API on Fastify: `pnpm start:fastify` (or `node --import tsx src/main.ts`).
 *
 * `bootstrap()` reads the environment (`PORT`, `HOST`, `REDIS_URL`, `REDIS_NAMESPACE`,
 * `ADMIN_TOKEN`, `JWT_PRIVATE_JWK`, `TRUST_PROXY`, documented in `examples/shared/src/bootstrap.ts`) and
 * builds what this file serves: the Keyward instance (memory or Redis), the access tokens
 * and an admin token. The Express and Hono examples' `main.ts` do the same with their servers.
 */
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
  const { keyward, accessTokens, port, host, trustProxy } = example
  // The settings page's script is bundled in the background: the API answers at once.
  componentBundle().catch((error: unknown) => {
    console.error('The settings page script could not be bundled:', error)
  })
  const settings = { settingsPageHtml, componentBundle }

  const app = createApp(keyward, { accessTokens, settings, trustProxy })
  // Before listening: a Ctrl-C right after the start-up lines must find it in place.
  stopOnSignal(async () => {
    await app.close()
    await example.close()
  })

  // A port already taken (or not ours) ends the process with one line (main's catch), before
  // any "listening" line or admin token is printed.
  await app.listen({ port, host })
  const address = app.server.address()
  const actual = typeof address === 'object' && address !== null ? address.port : port
  printListening(example, 'Fastify', actual)
}

main().catch(exitOnStartFailure)
