import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import type { Row } from '../report.js'
import type { CaseResult } from '../settings.js'

/** The size goal for the component with its dependencies, minified and gzipped, in kB. */
const GOAL_KB = 20

interface Sizes {
  minified: number
  gzipped: number
}

/** The sizes of `files` together, each gzipped alone (each is fetched alone). */
function sizesOf(...files: string[]): Sizes {
  const sizes = { minified: 0, gzipped: 0 }
  for (const code of files) {
    const bytes = Buffer.from(code)
    sizes.minified += bytes.length
    sizes.gzipped += gzipSync(bytes, { level: 9 }).length
  }
  return sizes
}

const uiDir = new URL('../../../packages/ui/', import.meta.url).pathname

/** The browser bundle's files: what a page loads first, and what it loads on a dialog's opening. */
interface Shipped {
  /** `keyward-ui.js` and the chunks it imports statically. */
  firstLoad: string[]
  /** The chunks only a dynamic `import()` reaches (the dialogs). */
  lazy: string[]
}

/**
 * The browser bundle as `@keyward/ui` publishes it (`dist/keyward-ui.js` and the chunks beside
 * it), rebuilt first by the package's own `build:browser` script so the figures are the files a
 * page would load.
 */
async function shippedBundle(): Promise<Shipped> {
  await promisify(execFile)('pnpm', ['run', '--silent', 'build:browser'], { cwd: uiDir })
  const read = (name: string) => readFile(`${uiDir}dist/${name}`, 'utf8')
  const entry = await read('keyward-ui.js')
  const staticImports = [...entry.matchAll(/from"\.\/(keyward-ui-[\w-]+\.js)"/g)].map((m) => m[1])
  const chunks = (await readdir(`${uiDir}dist`)).filter((name) => /^keyward-ui-.*\.js$/.test(name))
  const firstLoad = [entry, ...(await Promise.all(staticImports.map((name) => read(name ?? ''))))]
  const lazy = await Promise.all(
    chunks.filter((name) => !staticImports.includes(name)).map((name) => read(name)),
  )
  return { firstLoad, lazy }
}

/** Lit alone, bundled the same way: what every Lit element pays before its own code. */
async function litBaseline(): Promise<string> {
  const result = await build({
    stdin: {
      contents: "export { LitElement, css, html, nothing } from 'lit'",
      resolveDir: uiDir,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
  })
  return result.outputFiles[0]?.text ?? ''
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`

/**
 * Case 7: the browser bundle of `<keyward-api-keys>` that `@keyward/ui` ships (esbuild,
 * minified ES module, Lit included), gzipped at level 9, against Lit alone bundled the same way.
 */
export async function uiBundleCase(): Promise<CaseResult> {
  const [component, lit] = await Promise.all([shippedBundle(), litBaseline()])
  const ui = sizesOf(...component.firstLoad)
  const dialogs = sizesOf(...component.lazy)
  const base = sizesOf(lit)
  const row = (what: keyof Sizes, label: string): Row => ({
    case: `\`<keyward-api-keys>\` with Lit, ${label}`,
    baseline: `Lit alone, ${label}`,
    ratio: ui[what] / base[what],
    format: 'times',
    measured: kB(ui[what]),
    baselineMeasured: kB(base[what]),
    raw: { component: ui, dialogs, lit: base },
  })
  const gzipKb = ui.gzipped / 1000
  return {
    section: {
      id: 'ui-bundle',
      title: '7. UI bundle size',
      description:
        'The first load of the `<keyward-api-keys>` browser bundle `@keyward/ui` ships, ' +
        '`dist/keyward-ui.js` and the chunk it imports (its `build:browser` script: esbuild, ' +
        'minified ES modules split by code splitting, Lit included; the dialogs are a chunk ' +
        'of their own, loaded on first opening), raw and gzipped (level 9, each file alone), ' +
        'against Lit alone bundled the same way. ' +
        'Sizes are deterministic: no rounds.',
      rows: [row('minified', 'minified'), row('gzipped', 'minified + gzip')],
      notes: [
        `the component's own code adds ${kB(ui.gzipped - base.gzipped)} gzipped to Lit`,
        `the dialogs' chunk, loaded on a dialog's first opening: ${kB(dialogs.gzipped)} gzipped`,
      ],
    },
    targets: [
      {
        name: '`<keyward-api-keys>` bundle, first load, minified + gzip',
        measured: gzipKb,
        unit: 'kB',
        goal: `< ${GOAL_KB} kB`,
        met: gzipKb < GOAL_KB,
        note: `Lit alone: ${kB(base.gzipped)}`,
      },
    ],
  }
}
