/**
 * Runs `src/app.ts` locally in workerd (the Cloudflare Workers runtime) through miniflare, no
 * wrangler and no Cloudflare account: `pnpm start`, with the origin's URL and edge secret in
 * the environment (`KEYWARD_ORIGIN_URL`, `KEYWARD_EDGE_SECRET`; optional `KEYWARD_PREFIX`,
 * `KEYWARD_POLL_INTERVAL`, `KEYWARD_MAX_STALENESS`, `PORT` default 8787).
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const outfile = here('../dist/worker.js')
await build({
  entryPoints: [here('../src/app.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  mainFields: ['module', 'main'],
  conditions: ['workerd', 'worker', 'browser'],
  logLevel: 'warning',
})

const bindings: Record<string, string> = {}
for (const name of [
  'KEYWARD_ORIGIN_URL',
  'KEYWARD_EDGE_SECRET',
  'KEYWARD_PREFIX',
  'KEYWARD_POLL_INTERVAL',
  'KEYWARD_MAX_STALENESS',
]) {
  const value = process.env[name]
  if (value !== undefined && value !== '') bindings[name] = value
}
if (!bindings.KEYWARD_ORIGIN_URL || !bindings.KEYWARD_EDGE_SECRET) {
  console.error(
    'Set KEYWARD_ORIGIN_URL (e.g. http://127.0.0.1:3000/api-keys) and KEYWARD_EDGE_SECRET.',
  )
  process.exit(1)
}
const mf = new Miniflare({
  modules: true,
  scriptPath: outfile,
  compatibilityDate: '2025-09-01',
  bindings,
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 8787),
  cf: false,
  telemetry: { enabled: false },
})
const url = await mf.ready
console.log(`edge-hono in workerd on ${url.origin} (origin ${bindings.KEYWARD_ORIGIN_URL})`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void mf.dispose().then(() => process.exit(0))
  })
}
