import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const uiDir = fileURLToPath(new URL('../../../packages/ui/', import.meta.url))

/** Where the settings page is, on the example apps and on a {@link SettingsPageServer}. */
export const SETTINGS_PAGE_PATH = '/settings/api-keys'

/**
 * Builds `@keyward/ui`'s browser bundle with the package's own `build:browser` script and
 * returns its files as they are published, by path under `dir` (`/static/` by default):
 * `keyward-ui.js`, the page's script, and the chunks beside it (`keyward-ui-*.js`) that it and
 * its dialogs import.
 */
export async function buildBrowserBundle(dir = '/static/'): Promise<Record<string, string>> {
  await promisify(execFile)('pnpm', ['run', '--silent', 'build:browser'], { cwd: uiDir })
  const names = (await readdir(`${uiDir}dist`)).filter((name) => /^keyward-ui.*\.js$/.test(name))
  const files = await Promise.all(
    names.map(async (name) => [`${dir}${name}`, await readFile(`${uiDir}dist/${name}`, 'utf8')]),
  )
  return Object.fromEntries(files)
}

/** What a {@link SettingsPageServer} serves itself; everything else goes to the app. */
export interface SettingsPageContent {
  /** The HTML answered at {@link SETTINGS_PAGE_PATH}. */
  html: string
  /** Scripts by path (e.g. `/static/keyward-ui.js`), answered as JavaScript. */
  scripts: Record<string, string>
}

/** A loopback server standing in for an app's own pages in front of an example app. */
export interface SettingsPageServer {
  /** `http://127.0.0.1:<port>`. */
  url: string
  close(): Promise<void>
}

/**
 * Serves `content` on a free loopback port and passes every other request (the demo sign-in,
 * the management API under `/api-keys`) to the example app at `appUrl` unchanged, so the
 * page, its scripts and the API share one origin and the session cookie, as in an app that
 * mounts the API and renders its own page.
 */
export async function serveSettingsPage(
  appUrl: string,
  content: SettingsPageContent,
): Promise<SettingsPageServer> {
  const app = new URL(appUrl)
  const server = createServer((req, res) => {
    const path = req.url ?? '/'
    const script = content.scripts[path]
    if (req.method === 'GET' && (path === SETTINGS_PAGE_PATH || script !== undefined)) {
      const type = script === undefined ? 'text/html' : 'text/javascript'
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' })
      res.end(script ?? content.html)
      return
    }
    const upstream = request(
      { host: app.hostname, port: app.port, method: req.method, path, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
