import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chromium, launchChromium } from './support/chromium.js'
import { type ExampleApp, startExampleApp } from './support/example-app.js'
import {
  SETTINGS_PAGE_PATH,
  type SettingsPageServer,
  serveSettingsPage,
} from './support/settings-page-server.js'

// <keyward-api-keys> inside a React 19 app (test/browser/fixtures/react-app.tsx, bundled with
// esbuild's automatic JSX runtime) in Chromium: React sets its props as properties and
// listens to `keyward-change` through `onkeyward-change`. And the README's TSX, with the
// typing of `@keyward/ui/react`, compiles under `tsc --strict`.

const root = fileURLToPath(new URL('../..', import.meta.url))
const fixture = `${root}test/browser/fixtures/react-app.tsx`
const uiSource = `${root}packages/ui/src/`
const APP_PATH = '/static/react-app.js'
const KEY_NAME = 'Key made in React'

/** The fixture as one browser module, `@keyward/ui` (and `/react`, same runtime) from source. */
async function reactAppBundle(): Promise<string> {
  const result = await build({
    entryPoints: [fixture],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    plugins: [
      {
        name: 'keyward-ui-source',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^@keyward\/ui(\/react)?$/ }, () => ({
            path: `${uiSource}index.ts`,
          }))
        },
      },
    ],
  })
  return result.outputFiles[0]?.text ?? ''
}

/** The ```tsx blocks of packages/ui/README.md. */
async function readmeTsx(): Promise<string[]> {
  const readme = await readFile(`${root}packages/ui/README.md`, 'utf8')
  return [...readme.matchAll(/^```tsx\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '')
}

/**
 * `tsc --strict` over `files` as a React 19 app compiles them (JSX `react-jsx`, bundler
 * resolution), `@keyward/ui/react` resolved to its declaration file: tsc's output, empty when
 * they compile.
 */
async function typeCheckAsReactApp(dir: string, files: string[]): Promise<string> {
  const types = `${root}test/node_modules/@types/`
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      jsx: 'react-jsx',
      module: 'preserve',
      moduleResolution: 'bundler',
      target: 'es2022',
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      types: [],
      skipLibCheck: true,
      paths: {
        '@keyward/ui': [`${uiSource}index.ts`],
        '@keyward/ui/react': [`${uiSource}react.d.ts`],
        react: [`${types}react/index.d.ts`],
        'react/*': [`${types}react/*`],
        'react-dom/*': [`${types}react-dom/*`],
      },
    },
    files,
  }
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig))
  const tsc = `${root}node_modules/typescript/bin/tsc`
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', dir], { cwd: dir })
    return ''
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error)
  }
}

describe('<keyward-api-keys> in a React 19 app', () => {
  let app: ExampleApp
  let site: SettingsPageServer
  let chromium: Chromium
  let page: Page

  beforeAll(async () => {
    const [started, script, browser] = await Promise.all([
      startExampleApp('examples/express-api'),
      reactAppBundle(),
      launchChromium(),
    ])
    app = started
    chromium = browser
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>React app</title>
<script type="module" src="${APP_PATH}"></script></head><body><div id="root"></div></body></html>`
    site = await serveSettingsPage(app.url, { html, scripts: { [APP_PATH]: script } })
    page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
  })

  afterAll(async () => {
    await Promise.allSettled([chromium?.close(), site?.close(), app?.stop()])
  })

  it('passes its props as properties: the headers object reaches the management API', async () => {
    // The list's first page, as the element asks for it.
    const listed = page.waitForRequest(
      (request) => request.method() === 'GET' && request.url() === `${site.url}/api-keys?limit=50`,
    )
    await page.goto(`${site.url}/sign-in`)
    await page.getByRole('button', { name: 'Sign in as the demo person' }).click()
    await page.waitForURL(`${site.url}${SETTINGS_PAGE_PATH}`)
    expect((await listed).headers()['x-keyward-fixture']).toBe('react')
    await page.getByRole('button', { name: 'Create new API key' }).waitFor()
    const warningDays = await page.evaluate(
      () => document.querySelector('keyward-api-keys')?.expiryWarningDays,
    )
    expect(warningDays).toBe(3)
  })

  it('hands keyward-change to the onkeyward-change prop', async () => {
    const lastChange = page.getByRole('status', { name: 'Last change' })
    expect(await lastChange.textContent()).toBe('none')
    await page.getByRole('button', { name: 'Create new API key' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create new API key' })
    await dialog.getByRole('textbox', { name: 'Name' }).fill(KEY_NAME)
    await dialog.getByRole('checkbox', { name: 'projects:read' }).check()
    await dialog.getByRole('button', { name: 'Create key' }).click()
    await expect.poll(() => lastChange.textContent()).toBe(`created: ${KEY_NAME}`)
  })

  it("the README's TSX and this app compile under tsc --strict with @keyward/ui/react", async () => {
    const snippets = await readmeTsx()
    expect(snippets.length).toBeGreaterThan(0)
    const dir = await mkdtemp(join(tmpdir(), 'keyward-react-types-'))
    try {
      const files = await Promise.all(
        snippets.map(async (snippet, i) => {
          const file = join(dir, `readme-${i}.tsx`)
          await writeFile(file, snippet)
          return file
        }),
      )
      expect(await typeCheckAsReactApp(dir, [...files, fixture])).toBe('')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses what the typing rules out: an unknown prop, a wrongly typed property', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyward-react-types-'))
    try {
      const file = join(dir, 'wrong.tsx')
      await writeFile(
        file,
        `import '@keyward/ui/react'
export const a = <keyward-api-keys apiUrl="/api-keys" />
export const b = <keyward-api-keys expiryWarningDays="7" />
`,
      )
      const output = await typeCheckAsReactApp(dir, [file])
      expect(output).toMatch(/wrong\.tsx\(2,[^)]*\): error TS2322/)
      expect(output).toMatch(/wrong\.tsx\(3,[^)]*\): error TS2322/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
