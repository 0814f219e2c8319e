/**
 * Runs every benchmark case and writes results/results.md and results/results.json
 * (`--quick`: fewer iterations, results/quick.md and results/quick.json).
 * Usage: tsx run.ts [--quick] [--only=verify,http,…]
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { type Results, runInfo, type Section, type TargetResult, toMarkdown } from './src/report.js'
import { type BenchSettings, benchSettings, type CaseResult } from './src/settings.js'

interface CaseEntry {
  id: string
  title: string
  /** Workspace packages whose sources must exist for the case to run. */
  needs: string[]
  /** Goals reported as "not measured" when the case cannot run. */
  targets: Array<Omit<TargetResult, 'measured' | 'met'>>
  run: (settings: BenchSettings) => Promise<CaseResult>
}

const cases: CaseEntry[] = [
  {
    id: 'verify',
    title: '1. verify() against the floor',
    needs: ['core'],
    targets: [
      { name: 'check() cache hit ÷ floor', unit: 'times', goal: '≤ 1.30×' },
      { name: 'verify() cache hit ÷ floor behind one await', unit: 'times', goal: '≤ 1.10×' },
    ],
    run: async (s) => (await import('./src/cases/verify.js')).verifyCase(s),
  },
  {
    id: 'access-tokens',
    title: '2. Access tokens against jose',
    needs: ['core', 'jwt'],
    targets: [
      { name: 'cached access-token verify ÷ jose jwtVerify', unit: 'times', goal: '≤ 0.05×' },
    ],
    run: async (s) => (await import('./src/cases/access-tokens.js')).accessTokenCase(s),
  },
  {
    id: 'http',
    title: '3. HTTP throughput',
    needs: ['core', 'express', 'hono', 'fastify'],
    targets: [
      { name: 'Express + apiKeyAuth ÷ bare Express', unit: 'percent', goal: '≥ 95 %' },
      { name: 'Hono + apiKeyAuth ÷ bare Hono', unit: 'percent', goal: '≥ 80 %' },
      { name: 'Fastify + apiKeyAuth ÷ bare Fastify', unit: 'percent', goal: '≥ 80 %' },
    ],
    run: async (s) => (await import('./src/cases/http.js')).httpCase(s),
  },
  {
    id: 'revocation',
    title: '4. Revocation propagation over Redis',
    needs: ['core', 'redis', 'express'],
    targets: [
      { name: 'revocation propagation p99 (from revoke() returning)', unit: 'ms', goal: '≤ 5 ms' },
    ],
    run: async (s) => (await import('./src/cases/revocation.js')).revocationCase(s),
  },
  {
    id: 'redis-round-trips',
    title: '5. Redis round trips per verified request',
    needs: ['core', 'redis', 'express'],
    targets: [
      { name: 'Redis round trips per request (hot path)', unit: 'count', goal: '0' },
      { name: 'Redis cache-miss verify ÷ bare GET', unit: 'times', goal: '≤ 1.25×' },
      { name: 'Redis commands per cache miss', unit: 'count', goal: '1' },
    ],
    run: async (s) => (await import('./src/cases/redis-round-trips.js')).redisRoundTripsCase(s),
  },
  {
    id: 'memory',
    title: '6. Memory',
    needs: ['core'],
    targets: [],
    run: async (s) => (await import('./src/cases/memory.js')).memoryCase(s),
  },
  {
    id: 'ui-bundle',
    title: '7. UI bundle size',
    needs: ['ui'],
    targets: [
      {
        name: '`<keyward-api-keys>` bundle, first load, minified + gzip',
        unit: 'kB',
        goal: '< 20 kB',
      },
    ],
    run: async () => (await import('./src/cases/ui-bundle.js')).uiBundleCase(),
  },
  {
    id: 'postgres',
    title: '8. PostgreSQL',
    needs: ['core', 'postgres'],
    targets: [
      { name: 'PostgreSQL statements per request (hot path)', unit: 'count', goal: '0' },
      {
        name: 'PostgreSQL cache-miss verify ÷ bare SELECT by primary key',
        unit: 'times',
        goal: '≤ 1.5×',
      },
      {
        name: 'PostgreSQL revocation time-to-effect ÷ bare NOTIFY, p99',
        unit: 'times',
        goal: '≤ 1.2×',
      },
    ],
    run: async (s) => (await import('./src/cases/postgres.js')).postgresCase(s),
  },
  {
    id: 'limits',
    title: '9. Per-key limits',
    needs: ['core', 'redis', 'express'],
    targets: [
      { name: 'approximate-mode limited ÷ unlimited req/s', unit: 'percent', goal: '≥ 95 %' },
      { name: 'exact-mode Redis round trips per limited request', unit: 'count', goal: '1' },
      {
        name: 'approximate-mode overshoot (worst) ÷ documented bound',
        unit: 'percent',
        goal: '≤ 100 %',
      },
    ],
    run: async (s) => (await import('./src/cases/limits.js')).limitsCase(s),
  },
  {
    id: 'suspension',
    title: '10. Suspension against revocation, time-to-effect in another process',
    needs: ['core', 'redis', 'postgres', 'express'],
    targets: [
      {
        name: 'Redis: suspension ÷ revocation time-to-effect in another process, p99',
        unit: 'times',
        goal: '≤ 1.10×',
      },
      {
        name: 'PostgreSQL: suspension ÷ revocation time-to-effect in another process, p99',
        unit: 'times',
        goal: '≤ 1.10×',
      },
    ],
    run: async (s) => (await import('./src/cases/suspension.js')).suspensionCase(s),
  },
  {
    id: 'paged-lists',
    title: '11. Paged lists',
    needs: ['core', 'redis', 'postgres'],
    targets: [
      {
        name: 'Redis page of 50 among 100,000 keys, p99 (worst position)',
        unit: 'ms',
        goal: '≤ 20 ms',
      },
      { name: 'Redis name-prefix search, p99 (worst prefix)', unit: 'ms', goal: '≤ 20 ms' },
      {
        name: 'PostgreSQL page of 50 among 100,000 keys, p99 (worst position)',
        unit: 'ms',
        goal: '≤ 20 ms',
      },
      { name: 'PostgreSQL name-prefix search, p99 (worst prefix)', unit: 'ms', goal: '≤ 20 ms' },
    ],
    run: async (s) => (await import('./src/cases/paged-lists.js')).pagedListsCase(s),
  },
  {
    id: 'webhooks',
    title: '12. Webhooks and lifecycle policies',
    needs: ['core', 'redis'],
    targets: [
      { name: 'check() with webhooks + policies on ÷ off', unit: 'times', goal: '≤ 1.03×' },
      { name: 'webhook delivery latency, event → receiver, p99', unit: 'ms', goal: 'reported' },
    ],
    run: async (s) => (await import('./src/cases/webhooks.js')).webhooksCase(s),
  },
  {
    id: 'handover',
    title: '13. Rotation until first use: hand-over against revocation, in another process',
    needs: ['core', 'redis', 'postgres', 'express'],
    targets: [
      {
        name: 'Redis: hand-over ÷ revocation time-to-effect in another process, p99',
        unit: 'times',
        goal: 'reported',
      },
      {
        name: 'PostgreSQL: hand-over ÷ revocation time-to-effect in another process, p99',
        unit: 'times',
        goal: 'reported',
      },
    ],
    run: async (s) => (await import('./src/cases/handover.js')).handoverCase(s),
  },
  {
    id: 'usage',
    title: '14. Usage per key',
    needs: ['core', 'redis', 'postgres'],
    targets: [
      { name: 'check() with usage on ÷ off', unit: 'times', goal: '≤ 1.05×' },
      { name: 'Redis commands per verified request, usage on', unit: 'count', goal: '0' },
      { name: 'PostgreSQL statements per verified request, usage on', unit: 'count', goal: '0' },
      {
        name: 'usage write per flush (100 keys), Redis / PostgreSQL',
        unit: 'ms',
        goal: 'reported',
      },
    ],
    run: async (s) => (await import('./src/cases/usage.js')).usageCase(s),
  },
  {
    id: 'edge',
    title: '15. Edge (workerd) against the origin',
    needs: ['core', 'hono'],
    targets: [
      { name: 'edge check() cache hit (workerd) ÷ Node floor', unit: 'times', goal: 'reported' },
      {
        name: 'edge origin calls under steady load, per pollInterval',
        unit: 'count',
        goal: '≤ 1 (+ misses)',
      },
      { name: 'edge revocation time-to-effect p99', unit: 'ms', goal: '≤ 1100 ms' },
    ],
    run: async (s) => (await import('./src/cases/edge.js')).edgeCase(s),
  },
  {
    id: 'import',
    title: '16. Import of existing keys',
    needs: ['core', 'redis', 'postgres'],
    targets: [
      { name: 'Redis import throughput, records per second', unit: 'count', goal: 'reported' },
      {
        name: 'PostgreSQL import throughput, records per second',
        unit: 'count',
        goal: 'reported',
      },
    ],
    run: async (s) => (await import('./src/cases/import.js')).importCase(s),
  },
]

const root = fileURLToPath(new URL('..', import.meta.url))
const missing = (pkg: string) => !existsSync(`${root}packages/${pkg}/src/index.ts`)

async function main() {
  const mode = process.argv.includes('--quick') ? 'quick' : 'full'
  const only = process.argv
    .find((arg) => arg.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',')
  const settings = benchSettings(mode)
  const started = performance.now()
  const info = runInfo(mode, settings)
  console.log(`keyward bench (${mode}) · Node ${info.node} · ${info.cpu} × ${info.cpuCount}`)

  const sections: Section[] = []
  const targets: TargetResult[] = []
  for (const entry of cases) {
    if (only && !only.includes(entry.id)) continue
    const absent = entry.needs.filter(missing)
    if (absent.length > 0) {
      const reason = `${absent.map((p) => `@keyward/${p}`).join(', ')} not in the workspace yet`
      console.log(`- ${entry.title}: skipped (${reason})`)
      sections.push({
        id: entry.id,
        title: entry.title,
        description: '',
        rows: [],
        notes: [],
        skipped: reason,
      })
      targets.push(...entry.targets.map((t) => ({ ...t, measured: null, met: null })))
      continue
    }
    const caseStart = performance.now()
    console.log(`- ${entry.title} …`)
    const result = await entry.run(settings)
    console.log(`  done in ${((performance.now() - caseStart) / 1000).toFixed(1)} s`)
    sections.push(result.section)
    targets.push(...result.targets)
  }

  const results: Results = {
    run: { ...info, durationSeconds: (performance.now() - started) / 1000 },
    targets,
    sections,
  }
  const markdown = toMarkdown(results)
  const dir = new URL('./results/', import.meta.url)
  await mkdir(dir, { recursive: true })
  const name = only ? 'partial' : mode === 'quick' ? 'quick' : 'results'
  await writeFile(new URL(`${name}.md`, dir), markdown)
  await writeFile(new URL(`${name}.json`, dir), `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\n${markdown}`)
  console.log(`written to bench/results/${name}.md and ${name}.json`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
