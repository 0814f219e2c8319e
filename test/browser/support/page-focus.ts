import type { Page } from 'playwright-core'

/** What has focus, through shadow roots: `tag:accessible text`. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let active = document.activeElement
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement
    if (!active) return ''
    const labels = (active as HTMLInputElement).labels
    const text =
      active.getAttribute('aria-label') ?? labels?.[0]?.textContent ?? active.textContent ?? ''
    return `${active.tagName.toLowerCase()}:${text.replace(/\s+/g, ' ').trim()}`
  })
}

/** Presses Tab until focus is on `target` (see {@link focused}); fails after 25 presses. */
export async function tabTo(page: Page, target: string): Promise<void> {
  for (let i = 0; i < 25; i++) {
    if ((await focused(page)) === target) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`Tab never reached ${target}; focus is on ${await focused(page)}`)
}
