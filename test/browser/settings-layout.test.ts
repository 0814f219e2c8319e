import { mkdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { CDPSession, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Chromium, launchChromium } from './support/chromium.js'
import { type ExampleApp, startExampleApp } from './support/example-app.js'
import { focused, tabTo } from './support/page-focus.js'

// The settings page at phone, tablet and desktop widths, in light and dark, on every example
// apps: no sideways scroll, names that wrap between words, targets a finger can hit (WCAG 2.2
// SC 2.5.8, 24 × 24 px, and 44 × 44 px for the "…" button and its entries), the keyboard,
// and axe-core with every rule. `UPDATE_SCREENSHOTS=1` also writes the README's desktop and
// phone screenshots (Express run) to docs/screenshots/.

const FRAMEWORKS = [
  ['Express', 'examples/express-api'],
  ['Hono', 'examples/hono-api'],
  ['Fastify', 'examples/fastify-api'],
] as const
const WIDTHS = [390, 768, 1280] as const
const SCHEMES = ['light', 'dark'] as const
const KEY_NAMES = [
  'Metered partner',
  'Snowflake Native App Integration',
  'Nightly warehouse export to the analytics warehouse',
  'Xyzzy-0123456789abcdefghijklmnopqrstuvwxyz-0123456789abcdefghijklmnop',
]

const root = fileURLToPath(new URL('../..', import.meta.url))
const screenshotDir = `${root}docs/screenshots/`
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/**
 * What scrolls sideways: the document, the element (its content wider than itself), or a
 * scrolling box inside its shadow root.
 */
function sidewaysScroll(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const host = document.querySelector('keyward-api-keys')!
    const boxes = [document.documentElement, host, ...host.shadowRoot!.querySelectorAll('*')]
    return boxes
      .filter((box) => {
        const { overflowX } = getComputedStyle(box)
        const scrolls =
          box === host || box === document.documentElement || /auto|scroll/.test(overflowX)
        return scrolls && box.scrollWidth > box.clientWidth
      })
      .map((box) => `${box.tagName}#${box.id}: ${box.scrollWidth} > ${box.clientWidth}`)
  })
}

/**
 * Each key name as rendered: its lines, its words, and the words split across lines (a word
 * is split when its own characters sit on more than one line).
 */
function nameLayout(
  page: Page,
): Promise<{ name: string; lines: number; words: number; fill: number; split: string[] }[]> {
  return page.evaluate(() => {
    const host = document.querySelector('keyward-api-keys')!
    const linesOf = (range: Range) =>
      new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)))
        .size
    return [...host.shadowRoot!.querySelectorAll('.name')].map((element) => {
      // Lit marks its parts with comments: the name is the text node beside them.
      const text = [...element.childNodes].find((node) => node.nodeType === Node.TEXT_NODE) as Text
      const name = text.data
      const range = document.createRange()
      range.selectNodeContents(text)
      const split: string[] = []
      let at = 0
      for (const word of name.split(' ')) {
        const start = name.indexOf(word, at)
        at = start + word.length
        range.setStart(text, start)
        range.setEnd(text, at)
        if (linesOf(range) > 1) split.push(word)
      }
      range.selectNodeContents(text)
      // How many lines the name would fill laid end to end: what a single long word needs.
      const length = [...range.getClientRects()].reduce((sum, r) => sum + r.width, 0)
      const fill = Math.ceil(length / element.clientWidth)
      return { name, lines: linesOf(range), words: name.split(' ').length, fill, split }
    })
  })
}

/** Every visible control in the element smaller than WCAG 2.2's 24 × 24 px, or than `min` when it says so. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const host = document.querySelector('keyward-api-keys')!
    const small: string[] = []
    for (const control of host.shadowRoot!.querySelectorAll('button, input, select')) {
      const box = control.getBoundingClientRect()
      if (box.width === 0 && box.height === 0) continue
      // A checkbox or radio is hit through its label too: the row they share is the target.
      const input = control as HTMLInputElement
      const target =
        input.type === 'checkbox' || input.type === 'radio'
          ? (control.parentElement?.getBoundingClientRect() ?? box)
          : box
      const large = control.matches('.menu-button, [role="menuitem"]')
      const min = large ? 44 : 24
      if (target.width < min || target.height < min) {
        const name = control.getAttribute('aria-label') ?? control.textContent?.trim() ?? ''
        small.push(`${control.tagName} ${name || input.name}: ${target.width}×${target.height}`)
      }
    }
    return small
  })
}

/** Every axe-core violation inside the element (axe enters its open shadow root). */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ content: await axeSource })
  }
  return page.evaluate(async () => {
    type AxeResults = { violations: { id: string; nodes: { target: unknown }[] }[] }
    const axe = (window as unknown as { axe: { run(context: Element): Promise<AxeResults> } }).axe
    const { violations } = await axe.run(document.querySelector('keyward-api-keys')!)
    return violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`)
  })
}

/** A tap at the middle of `target`, as a finger gives it (touch events, then the click). */
async function tap(cdp: CDPSession, target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded()
  const box = await target.boundingBox()
  if (!box) throw new Error('nothing to tap')
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] })
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
}

describe.each(FRAMEWORKS)('Settings → API Keys layout on %s', (framework, dir) => {
  let app: ExampleApp
  let chromium: Chromium
  let page: Page
  const element = () => page.locator('keyward-api-keys')

  beforeAll(async () => {
    ;[app, chromium] = await Promise.all([startExampleApp(dir), launchChromium()])
    page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
    await page.goto(`${app.url}/sign-in`)
    await page.getByRole('button', { name: 'Sign in as the demo person' }).click()
    await page.waitForURL(`${app.url}/settings/api-keys`)
    await page.evaluate(async (names) => {
      for (const [i, name] of names.entries()) {
        const limits = i === 0 ? { rateLimits: [{ limit: 3, window: 86_400 }] } : {}
        const scopes = i === 1 ? ['projects:read', 'api_keys:manage'] : ['projects:read']
        await fetch('/api-keys', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name, scopes, expiresIn: (i + 1) * 3 * 86_400, ...limits }),
        })
      }
    }, KEY_NAMES)
    await page.evaluate(() => document.querySelector('keyward-api-keys')?.reload())
    await page.getByRole('button', { name: `Actions for ${KEY_NAMES[0]}` }).waitFor()
  })

  afterAll(async () => {
    await Promise.allSettled([chromium?.close(), app?.stop()])
  })

  it('never scrolls sideways, from 320 px up, and keeps a dialog and its actions on screen', async () => {
    for (const width of [320, ...WIDTHS]) {
      await page.setViewportSize({ width, height: 800 })
      expect(await sidewaysScroll(page), `${width} px`).toEqual([])
    }
    await page.setViewportSize({ width: 320, height: 568 })
    await page.getByRole('button', { name: 'Create new API key' }).click()
    const dialog = page.getByRole('dialog', { name: 'Create new API key' })
    const box = (await dialog.boundingBox())!
    expect(box.x).toBeGreaterThanOrEqual(0)
    expect(box.x + box.width).toBeLessThanOrEqual(320)
    expect(box.y + box.height).toBeLessThanOrEqual(568)
    const submit = dialog.getByRole('button', { name: 'Create key' })
    await submit.scrollIntoViewIfNeeded()
    const button = (await submit.boundingBox())!
    expect(button.x + button.width).toBeLessThanOrEqual(320)
    expect(button.y + button.height).toBeLessThanOrEqual(568)
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
  })

  it.each(WIDTHS.flatMap((width) => SCHEMES.map((scheme) => [width, scheme] as const)))(
    'at %i px in %s: no sideways scroll, names wrap between words, axe clean',
    async (width, scheme) => {
      await page.setViewportSize({ width, height: 900 })
      await page.emulateMedia({ colorScheme: scheme })
      expect(await sidewaysScroll(page)).toEqual([])
      const names = await nameLayout(page)
      expect(names.map((n) => n.name).sort()).toEqual([...KEY_NAMES].sort())
      for (const { name, lines, words, fill, split } of names) {
        if (words > 1) {
          // Words no longer than the line: each whole ("warehouse"), no more lines than words.
          expect(split, name).toEqual([])
          expect(lines, name).toBeLessThanOrEqual(words)
        } else {
          // One word longer than the line breaks inside, filling its lines (a hyphen may end one early).
          expect(lines, name).toBeLessThanOrEqual(fill + 1)
        }
      }
      expect(await smallTargets(page)).toEqual([])
      expect(await axeViolations(page)).toEqual([])
      if (process.env.UPDATE_SCREENSHOTS && framework === 'Express' && width !== 768) {
        await mkdir(screenshotDir, { recursive: true })
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
        const size = width === 390 ? 'phone' : 'desktop'
        await element().screenshot({ path: `${screenshotDir}settings-${size}-${scheme}.png` })
      }
    },
  )

  it('forced themes win over the system scheme; the menu and dialog are axe clean in dark', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.emulateMedia({ colorScheme: 'light' })
    const background = () => element().evaluate((host) => getComputedStyle(host).backgroundColor)
    const light = await background()
    await element().evaluate((host) => host.setAttribute('theme', 'dark'))
    const dark = await background()
    expect(dark).not.toBe(light)
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await background()).toBe(dark)
    await element().evaluate((host) => host.setAttribute('theme', 'light'))
    expect(await background()).toBe(light)
    await element().evaluate((host) => host.setAttribute('theme', 'auto'))
    expect(await background()).toBe(dark)

    await page.getByRole('button', { name: `Actions for ${KEY_NAMES[1]}` }).click()
    await page.getByRole('menu').waitFor()
    expect(await smallTargets(page)).toEqual([])
    expect(await axeViolations(page)).toEqual([])
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Revoke all keys' }).click()
    const confirm = page.getByRole('alertdialog', { name: 'Revoke all API keys?' })
    const submit = confirm.getByRole('button', { name: 'Revoke all keys' })
    expect(await submit.getAttribute('aria-disabled')).toBe('true')
    expect(await axeViolations(page)).toEqual([])
    await confirm.getByRole('textbox', { name: 'Type REVOKE to confirm' }).fill('REVOKE')
    expect(await submit.getAttribute('aria-disabled')).toBe('false')
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    await confirm.waitFor({ state: 'hidden' })
  })

  it('creates a key and uses the "…" menu by touch at 390 px', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    const cdp = await chromium.context.newCDPSession(page)
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 })
    try {
      await tap(cdp, page.getByRole('button', { name: 'Create new API key' }))
      const dialog = page.getByRole('dialog', { name: 'Create new API key' })
      await dialog.getByRole('textbox', { name: 'Name' }).fill('Tapped key')
      await tap(cdp, dialog.getByText('projects:read', { exact: true }))
      expect(await dialog.getByRole('checkbox', { name: 'projects:read' }).isChecked()).toBe(true)
      await tap(cdp, dialog.getByRole('button', { name: 'Create key' }))
      const reveal = page.getByRole('dialog', { name: 'Copy your new API key' })
      await tap(cdp, reveal.getByRole('button', { name: 'Copy', exact: true }))
      await reveal.getByRole('button', { name: 'Copied' }).waitFor()
      await tap(cdp, reveal.getByRole('button', { name: 'Done' }))
      await reveal.waitFor({ state: 'hidden' })

      await tap(cdp, page.getByRole('button', { name: 'Actions for Tapped key' }))
      await tap(cdp, page.getByRole('menuitem', { name: 'Rename' }))
      const rename = page.getByRole('dialog', { name: 'Rename “Tapped key”' })
      await tap(cdp, rename.getByRole('button', { name: 'Cancel' }))
      await rename.waitFor({ state: 'hidden' })
      expect(await sidewaysScroll(page)).toEqual([])
    } finally {
      await cdp.detach()
    }
  })

  it('opens, walks and closes the "…" menu and the create dialog by keyboard at 390 px', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    await tabTo(page, `button:Actions for ${KEY_NAMES[0]}`)
    await page.keyboard.press('Enter')
    expect(await focused(page)).toBe('button:Rotate')
    await page.keyboard.press('ArrowUp')
    expect(await focused(page)).toBe('button:Delete')
    expect(await sidewaysScroll(page)).toEqual([])
    await page.keyboard.press('Escape')
    expect(await focused(page)).toBe(`button:Actions for ${KEY_NAMES[0]}`)

    await page.locator('body').click({ position: { x: 5, y: 5 } })
    await tabTo(page, 'button:Create new API key +')
    await page.keyboard.press('Enter')
    expect(await focused(page)).toBe('input:Name')
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'hidden' })
    expect(await focused(page)).toBe('button:Create new API key +')
  })
})
