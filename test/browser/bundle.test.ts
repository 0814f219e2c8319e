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
// (dist/keyward-ui.js, as built by the package, and the chunks beside it) with one script tag,
// as the README shows, and nothing else of ours. The management API is the example app's, on the same origin.

const FRAMEWORKS = [
  ['Express', 'examples/express-api'],
  ['Hono', 'examples/hono-api'],
  ['Fastify', 'examples/fastify-api'],
] as const

const BUNDLE_PATH = '/static/keyward-ui.js'
const KEY_NAME = 'Bundle-only page key'
const RENAMED = `${KEY_NAME} (renamed)`

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
    site = await serveSettingsPage(app.url, { html: PAGE, scripts: bundle })
    page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url())
    })
  })

  afterAll(async () => {
    await Promise.allSettled([chromium?.close(), site?.close(), app?.stop()])
  })

  it('signs in and draws the element from the bundle and its shared chunk, not the dialogs', async () => {
    await page.goto(`${site.url}/sign-in`)
    await page.getByRole('button', { name: 'Sign in as the demo person' }).click()
    await page.waitForURL(`${site.url}${SETTINGS_PAGE_PATH}`)
    await page.getByRole('button', { name: 'Create new API key' }).waitFor()
    const paths = scripts.map((url) => new URL(url).pathname)
    expect(paths[0]).toBe(BUNDLE_PATH)
    expect(paths.slice(1)).toEqual([expect.stringMatching(/^\/static\/keyward-ui-chunk-\w+\.js$/)])
  })

  it('creates a key, copies its token once, and the token works', async () => {
    await page.getByRole('button', { name: 'Create new API key' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create new API key' })
    await dialog.waitFor()
    // The dialogs came with the first opening, from beside the bundle.
    expect(scripts.map((url) => new URL(url).pathname)).toContainEqual(
      expect.stringMatching(/^\/static\/keyward-ui-dialogs-\w+\.js$/),
    )
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

  // The build gives the views' callbacks and the dialogs' state short names: every dialog
  // that changes a key runs here, through the bundle.
  it('renames, limits, suspends, resumes and fences the key through its menu', async () => {
    const open = async (name: string, entry: string, title: string) => {
      await page.getByRole('button', { name: `Actions for ${name}` }).click()
      await page.getByRole('menuitem', { name: entry }).click()
      return page.getByRole('dialog', { name: title })
    }
    const announced = (text: string) => page.getByText(text).waitFor({ state: 'attached' })

    let dialog = await open(KEY_NAME, 'Rename', `Rename “${KEY_NAME}”`)
    await dialog.getByRole('textbox', { name: 'Name' }).fill(RENAMED)
    await dialog.getByRole('button', { name: 'Save name' }).click()
    await announced(`API key renamed to “${RENAMED}”.`)
    const row = page.getByRole('row', { name: new RegExp(RENAMED.replace(/[()]/g, '\\$&')) })

    dialog = await open(RENAMED, 'Change limits', `Limits of “${RENAMED}”`)
    await dialog.getByRole('textbox', { name: 'Requests' }).fill('100')
    await dialog.getByRole('button', { name: 'Save limits' }).click()
    await row.getByText('100 requests per minute').waitFor()

    dialog = await open(RENAMED, 'Suspend', `Suspend “${RENAMED}”`)
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Bundle check')
    await dialog.getByRole('button', { name: 'Suspend key' }).click()
    await row.getByText('Reason: Bundle check').waitFor()
    expect(await projectsStatus(app.url, token)).toBe(401)

    dialog = await open(RENAMED, 'Resume', `Resume “${RENAMED}”`)
    await dialog.getByRole('button', { name: 'Resume key' }).click()
    await row.getByText('Active').waitFor()
    expect(await projectsStatus(app.url, token)).toBe(200)

    dialog = await open(RENAMED, 'Allowed IPs', `Allowed IPs of “${RENAMED}”`)
    await dialog.getByRole('textbox', { name: 'Allowed IPs' }).fill('203.0.113.7')
    await dialog.getByRole('button', { name: 'Save allowed IPs' }).click()
    await row.getByText('Only from 203.0.113.7').waitFor()
    expect(await projectsStatus(app.url, token)).toBe(403)
  })

  it('deletes the key after its confirmation: 401 at once', async () => {
    await page.getByRole('button', { name: `Actions for ${RENAMED}` }).click()
    await page.getByRole('menuitem', { name: 'Delete' }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Delete this API key?' })
    expect(await confirm.textContent()).toContain(RENAMED)
    await confirm.getByRole('button', { name: 'Delete key' }).click()
    await confirm.waitFor({ state: 'hidden' })
    await page
      .getByRole('button', { name: `Actions for ${RENAMED}` })
      .waitFor({ state: 'detached' })
    expect(await projectsStatus(app.url, token)).toBe(401)
  })
})
