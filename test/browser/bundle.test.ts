import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chromium, launchChromium } from './support/chromium.js'
import { type ExampleApp, startExampleApp } from './support/example-app.js'
import {
  buildBrowserBundle,
  SETTINGS_PAGE_PATH,
  type SettingsPageServer,
  serveSettingsPage,
} from './support/settings-page-server.js'

// A page with no build step: it loads `@keyward/ui`'s published browser bundle
// (dist/keyward-ui.js, as built by the package) with one script tag, as the README shows, and
// nothing else of ours. The management API is the example app's, on the same origin.

const FRAMEWORKS = [
  ['Express', 'examples/express-api'],
  ['Hono', 'examples/hono-api'],
  ['Fastify', 'examples/fastify-api'],
] as const

const BUNDLE_PATH = '/static/keyward-ui.js'
const KEY_NAME = 'Bundle-only page key'

/** The README's plain-HTML page, with the bundle served from this origin. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>API keys (browser bundle)</title>
  <script type="module" src="${BUNDLE_PATH}"></script>
</head>
<body>
  <main>
    <keyward-api-keys api="/api-keys"></keyward-api-keys>
  </main>
</body>
</html>
`

/** GET /v1/projects on the example app with `token` as a Bearer token: the status. */
async function projectsStatus(base: string, token: string): Promise<number> {
  const response = await fetch(`${base}/v1/projects`, {
    headers: { authorization: `Bearer ${token}` },
  })
  await response.arrayBuffer()
  return response.status
}

describe.each(FRAMEWORKS)('the browser bundle alone, against %s', (_framework, dir) => {
  let app: ExampleApp
  let site: SettingsPageServer
  let chromium: Chromium
  let page: Page
  let token: string
  /** Every script the page requested. */
  const scripts: string[] = []

  beforeAll(async () => {
    const [started, bundle, browser] = await Promise.all([
      startExampleApp(dir),
      buildBrowserBundle(),
      launchChromium(),
    ])
    app = started
    chromium = browser
    site = await serveSettingsPage(app.url, { html: PAGE, scripts: { [BUNDLE_PATH]: bundle } })
    page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url())
    })
  })

  afterAll(async () => {
    await Promise.allSettled([chromium?.close(), site?.close(), app?.stop()])
  })

  it('signs in and draws the element from the bundle, the only script the page loads', async () => {
    await page.goto(`${site.url}/sign-in`)
    await page.getByRole('button', { name: 'Sign in as the demo person' }).click()
    await page.waitForURL(`${site.url}${SETTINGS_PAGE_PATH}`)
    await page.getByRole('button', { name: 'Create new API key' }).waitFor()
    expect(scripts).toEqual([`${site.url}${BUNDLE_PATH}`])
  })

  it('creates a key, copies its token once, and the token works', async () => {
    await page.getByRole('button', { name: 'Create new API key' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create new API key' })
    await dialog.getByRole('textbox', { name: 'Name' }).fill(KEY_NAME)
    await dialog.getByRole('checkbox', { name: 'projects:read' }).check()
    await dialog.getByRole('button', { name: 'Create key' }).click()

    const reveal = page.getByRole('dialog', { name: 'Copy your new API key' })
    await reveal.getByRole('button', { name: 'Copy', exact: true }).click()
    await reveal.getByRole('button', { name: 'Copied' }).waitFor()
    token = await page.evaluate(() => navigator.clipboard.readText())
    expect(token).toMatch(/^kw_test_/)
    await reveal.getByRole('button', { name: 'Done' }).click()
    await reveal.waitFor({ state: 'hidden' })
    expect(await projectsStatus(app.url, token)).toBe(200)
  })

  it('deletes the key after its confirmation: 401 at once', async () => {
    await page.getByRole('button', { name: `Actions for ${KEY_NAME}` }).click()
    await page.getByRole('menuitem', { name: 'Delete' }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Delete this API key?' })
    expect(await confirm.textContent()).toContain(KEY_NAME)
    await confirm.getByRole('button', { name: 'Delete key' }).click()
    await confirm.waitFor({ state: 'hidden' })
    await page
      .getByRole('button', { name: `Actions for ${KEY_NAME}` })
      .waitFor({ state: 'detached' })
    expect(await projectsStatus(app.url, token)).toBe(401)
  })
})
