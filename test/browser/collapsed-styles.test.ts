import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collapseTemplates } from '../../packages/ui/scripts/collapse-templates.mjs'
import { minifyStyles } from '../../packages/ui/scripts/minify-styles.mjs'
import { type Chromium, launchChromium } from './support/chromium.js'

// The browser bundle's build leaves the indentation out of the component's css`` templates
// (packages/ui/scripts/collapse-templates.mjs), then runs them through esbuild's CSS minifier
// (scripts/minify-styles.mjs). Chromium's own CSS parser must read the same rules from the
// source and from the built text: each style sheet's rules, serialised by the browser, are
// compared. The
// browser serialises a custom property's value as written (white space included), so white
// space is compared only where it may mean something: between words (a descendant selector,
// a list of values), not beside punctuation.

const ui = fileURLToPath(new URL('../../packages/ui/src/', import.meta.url))
const STYLE_FILES = ['styles.ts', 'views/key-list-styles.ts']

/** The text of every css`` template in `source` (these hold no `${…}`). */
function cssTemplates(source: string): string[] {
  return [...source.matchAll(/\bcss`([^`]*)`/g)].map((match) => match[1]!)
}

/** The rules Chromium parses from `text`, as it serialises them, white space as above. */
async function parsedRules(page: Page, text: string): Promise<string[]> {
  const rules = await page.evaluate((css) => {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
    return [...sheet.cssRules].map((rule) => rule.cssText)
  }, text)
  return rules.map((rule) => rule.replace(/\s+/g, ' ').replace(/ ?([(),:;{}]) ?/g, '$1'))
}

describe('the browser bundle’s collapsed styles', () => {
  let chromium: Chromium
  let page: Page

  beforeAll(async () => {
    chromium = await launchChromium()
    page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
  })
  afterAll(async () => {
    await chromium?.close()
  })

  it.each(STYLE_FILES)(
    '%s: Chromium reads the same rules from the built (collapsed, minified) text',
    async (file) => {
      const source = await readFile(`${ui}${file}`, 'utf8')
      const originals = cssTemplates(source)
      const collapsed = cssTemplates(minifyStyles(collapseTemplates(source)))
      expect(originals.length).toBeGreaterThan(0)
      expect(collapsed).toHaveLength(originals.length)
      for (const [index, original] of originals.entries()) {
        const shorter = collapsed[index]!
        expect(shorter.length).toBeLessThan(original.length)
        const rules = await parsedRules(page, original)
        expect(rules.length).toBeGreaterThan(10)
        expect(await parsedRules(page, shorter)).toEqual(rules)
      }
    },
  )
})
