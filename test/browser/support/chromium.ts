import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'

/** Debian's Chromium; `.ci/run` installs the `chromium` package when it is missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/** Flags for a quiet, headless, reproducible run inside a container. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** A headless Chromium with a fresh profile, allowed to read and write the clipboard. */
export interface Chromium {
  context: BrowserContext
  /** Closes the browser (Playwright stops the process it started) and deletes the profile. */
  close(): Promise<void>
}

/** Launches Chromium on a new temporary user-data directory. */
export async function launchChromium(): Promise<Chromium> {
  const profile = await mkdtemp(join(tmpdir(), 'keyward-chromium-'))
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      permissions: ['clipboard-read', 'clipboard-write'],
      viewport: { width: 1200, height: 800 },
      locale: 'en-US',
    })
    return {
      context,
      async close() {
        await context.close()
        await rm(profile, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await rm(profile, { recursive: true, force: true })
    throw error
  }
}
