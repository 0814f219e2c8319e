import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
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

function sizesOf(code: string): Sizes {
  const bytes = Buffer.from(code)
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length }
}

const uiDir = new URL('../../../packages/ui/', import.meta.url).pathname

/**
 * The browser bundle as `@keyward/ui` publishes it (`dist/keyward-ui.js`), rebuilt first by
 * the package's own `build:browser` script so the figure is the file a page would load.
 */
async function shippedBundle(): Promise<string> {
  await promisify(execFile)('pnpm', ['run', '--silent', 'build:browser'], { cwd: uiDir })
  return readFile(`${uiDir}dist/keyward-ui.js`, 'utf8')
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
  const ui = sizesOf(component)
  const base = sizesOf(lit)
  const row = (what: keyof Sizes, label: string): Row => ({
    case: `\`<keyward-api-keys>\` with Lit, ${label}`,
    baseline: `Lit alone, ${label}`,
    ratio: ui[what] / base[what],
    format: 'times',
    measured: kB(ui[what]),
    baselineMeasured: kB(base[what]),
    raw: { component: ui, lit: base },
  })
  const gzipKb = ui.gzipped / 1000
  return {
    section: {
      id: 'ui-bundle',
      title: '7. UI bundle size',
      description:
        'The `<keyward-api-keys>` browser bundle `@keyward/ui` ships, `dist/keyward-ui.js` ' +
        '(its `build:browser` script: esbuild, one minified ES module, Lit included), raw and ' +
        'gzipped (level 9), against Lit alone bundled the same way. ' +
        'Sizes are deterministic: no rounds.',
      rows: [row('minified', 'minified'), row('gzipped', 'minified + gzip')],
      notes: [`the component's own code adds ${kB(ui.gzipped - base.gzipped)} gzipped to Lit`],
    },
    targets: [
      {
        name: '`<keyward-api-keys>` bundle, minified + gzip',
        measured: gzipKb,
        unit: 'kB',
        goal: `< ${GOAL_KB} kB`,
        met: gzipKb < GOAL_KB,
        note: `Lit alone: ${kB(base.gzipped)}`,
      },
    ],
  }
}
