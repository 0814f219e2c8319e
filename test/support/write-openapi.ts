/**
 * Writes `@keyward/core`'s OpenAPI files (`openapi.json`, `openapi.js`, `openapi.d.ts`) from
 * the code: `pnpm --filter @keyward/core openapi`. `test/openapi.test.ts` fails until they
 * are rewritten after a change to a route, a field or a limit.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { WRITTEN_FILES, writtenFiles } from './openapi-files.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const files = await writtenFiles()
for (const [name, path] of Object.entries(WRITTEN_FILES)) {
  await writeFile(`${ROOT}${path}`, files[name as keyof typeof WRITTEN_FILES])
  console.log(`wrote ${path}`)
}
