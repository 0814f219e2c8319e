/**
 * Edge runtimes for integration tests, as test/edge-runtimes.test.ts runs them: workerd through
 * miniflare, Deno and Bun from their npm packages, each serving one esbuild bundle made from the
 * workspace sources over real HTTP on loopback.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { stopProcess, track, waitFor } from './processes.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const source = (path: string) => join(ROOT, path)
const require = createRequire(import.meta.url)

/** Where an npm package of a runtime keeps its binary for this platform. */
export function binaryOf(runtime: 'deno' | 'bun'): string {
  const fromPackage = createRequire(require.resolve(`${runtime}/package.json`))
  const arch = process.arch === 'arm64' ? (runtime === 'bun' ? 'aarch64' : 'arm64') : 'x64'
  const [platformPackage, file] =
    runtime === 'deno'
      ? [`@deno/${process.platform}-${arch}${process.platform === 'linux' ? '-glibc' : ''}`, 'deno']
      : [`@oven/bun-${process.platform}-${arch}`, 'bin/bun']
  return join(fromPackage.resolve(`${platformPackage}/package.json`), '..', file)
}

/** One ESM file for edge runtimes in `work`, with the workspace packages taken from their sources. */
export async function bundle(work: string, name: string, path: string): Promise<string> {
  const outfile = join(work, `${name}.js`)
  await build({
    entryPoints: [path],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    nodePaths: [source('test/node_modules')],
    alias: {
      '@keyward/core': source('packages/core/src'),
      '@keyward/hono': source('packages/hono/src'),
    },
    logLevel: 'silent',
  })
  return outfile
}

/** A running app: a base URL, what it printed, and how to stop it. */
export interface Running {
  url: string
  output: () => string
  stop: () => Promise<void>
}

export type Bindings = Record<string, string>

export async function inWorkerd(
  work: string,
  script: string,
  bindings: Bindings,
): Promise<Running> {
  let output = ''
  const mf = new Miniflare({
    modules: true,
    scriptPath: script,
    modulesRoot: work,
    compatibilityDate: '2025-09-01',
    bindings,
    host: '127.0.0.1',
    port: 0,
    cf: false, // no request to Cloudflare for the `cf` object
    telemetry: { enabled: false },
    handleStructuredLogs: ({ message }: { message: string }) => {
      output += `${message}\n`
    },
  })
  const url = await mf.ready
  return { url: url.origin, output: () => output, stop: () => mf.dispose() }
}

/**
 * Deno or Bun serving `script`'s default export (a Worker-style `{ fetch(request, env) }`):
 * with `env` as the bindings, or with `'runtime'` the runtime's own second argument (Deno's
 * `ServeHandlerInfo`, Bun's `Server`), as `Deno.serve(app.fetch)` and `Bun.serve(app)` pass it.
 */
export async function inProcess(
  work: string,
  runtime: 'deno' | 'bun',
  script: string,
  env: Bindings | 'runtime',
) {
  const entry = join(work, `${runtime}-${script.split('/').pop()}`)
  const serve =
    runtime === 'deno'
      ? `Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log('listening on ' + port) }, handle)`
      : `const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handle })\nconsole.log('listening on ' + server.port)`
  await writeFile(
    entry,
    `import app from ${JSON.stringify(script)}\n` +
      (env === 'runtime'
        ? 'const handle = (request, info) => app.fetch(request, info)\n'
        : `const env = ${JSON.stringify(env)}\n` +
          'const handle = (request) => app.fetch(request, env)\n') +
      `${serve}\n`,
  )
  const args = runtime === 'deno' ? ['run', '--allow-net=127.0.0.1', '--no-prompt', entry] : [entry]
  const child: ChildProcess = spawn(binaryOf(runtime), args, {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: work,
      NO_COLOR: '1',
      DENO_DIR: join(work, '.deno'),
      DENO_NO_UPDATE_CHECK: '1',
      BUN_INSTALL_CACHE_DIR: join(work, '.bun'),
      DO_NOT_TRACK: '1',
    },
  })
  track(child)
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const port = await waitFor(`${runtime} to listen`, () => /listening on (\d+)/.exec(output)?.[1], {
    timeoutMs: 15_000,
  })
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: () => stopProcess(child),
  }
}

/** Each runtime, serving `script` (a Worker-style default export) with `bindings` as its env. */
export const EDGE_RUNTIMES = {
  workerd: (work: string, script: string, bindings: Bindings) => inWorkerd(work, script, bindings),
  deno: (work: string, script: string, bindings: Bindings) =>
    inProcess(work, 'deno', script, bindings),
  bun: (work: string, script: string, bindings: Bindings) =>
    inProcess(work, 'bun', script, bindings),
} as const
