/**
 * The example apps' stand-in for an application's own login, so the "Settings → API Keys"
 * page can be tried: `/sign-in` signs the browser in as one demo person of one demo
 * organisation with an HttpOnly session cookie, held in memory. The management API then
 * takes that session as its `principal`. Web-standard only (the Hono app runs on edge
 * runtimes too). A real application resolves its own users here instead.
 */
import type { Principal } from '@keyward/core'

/** Where the settings page is served. */
export const SETTINGS_PAGE_PATH = '/settings/api-keys'
/** Where the demo sign-in page is served (GET) and the sign-in form posts to (POST). */
export const SIGN_IN_PATH = '/sign-in'
/** Where the component's script is served; the settings page loads it from there. */
export const COMPONENT_SCRIPT_PATH = '/settings/keyward-api-keys.js'
/** The session cookie's name. */
export const SESSION_COOKIE = 'kw_demo_session'

/**
 * Who the demo session is: organisation `demo-org`, allowed to read projects and manage
 * API keys. `projects:write` is not theirs, so the page does not offer it and the server
 * refuses to grant it.
 */
export const demoPerson: Principal = Object.freeze({
  ownerId: 'demo-org',
  scopes: Object.freeze(['projects:read', 'api_keys:manage']),
  actor: 'person:demo',
})

/** What the settings page is made of; `main.ts` passes `@keyward/example-shared/settings-assets`. */
export interface SettingsAssets {
  /** The page's HTML, served at {@link SETTINGS_PAGE_PATH} to a signed-in browser. */
  settingsPageHtml(): string
  /** The `<keyward-api-keys>` component as one ES module, served at `/settings/keyward-api-keys.js`. */
  componentBundle(): Promise<string>
}

/** The demo's sessions, in memory. */
export interface DemoSessions {
  /** Opens a session; returns the `Set-Cookie` value carrying it (`Secure` when `https`). */
  signIn(https: boolean): string
  /** The demo person when the `Cookie` header carries a live session, else `undefined`. */
  principal(cookieHeader: string | undefined): Principal | undefined
}

/** Sessions kept at most; the oldest go first, so a flood of sign-ins cannot exhaust memory. */
const MAX_SESSIONS = 10_000
/** How long a session lasts, in seconds. */
const SESSION_SECONDS = 8 * 3_600

/** Builds an empty session store; `now` gives epoch milliseconds. */
export function createDemoSessions(now: () => number = Date.now): DemoSessions {
  const expiries = new Map<string, number>()
  return {
    signIn(https) {
      const id = sessionId()
      if (expiries.size >= MAX_SESSIONS) expiries.delete(expiries.keys().next().value as string)
      expiries.set(id, now() + SESSION_SECONDS * 1000)
      const secure = https ? '; Secure' : ''
      return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_SECONDS}${secure}`
    },
    principal(cookieHeader) {
      const id = cookieValue(cookieHeader, SESSION_COOKIE)
      const expiry = id === undefined ? undefined : expiries.get(id)
      if (expiry === undefined) return undefined
      if (expiry > now()) return demoPerson
      expiries.delete(id as string)
      return undefined
    },
  }
}

/** A new session id: 32 random bytes as hex, with Web APIs only. */
function sessionId(): string {
  let id = ''
  for (const byte of crypto.getRandomValues(new Uint8Array(32)))
    id += byte.toString(16).padStart(2, '0')
  return id
}

/** The value of cookie `name` in a `Cookie` header, or `undefined`. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=')
    if (at !== -1 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim()
  }
  return undefined
}

/** Headers of the two HTML pages: never cached, never framed (no clickjacking of the buttons). */
export const pageHeaders: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
})

/** The demo sign-in page: one button that posts to {@link SIGN_IN_PATH}. */
export function signInPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in · Keyward demo</title>
  <style>
    body { margin: 0; font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1a1d23; background: #eef0f4; }
    main { max-width: 28em; margin: 5em auto; padding: 2em; background: #fff; border-radius: 12px; box-shadow: 0 1px 3px rgb(0 0 0 / 0.08); }
    h1 { font-size: 1.4em; margin: 0 0 0.5em; }
    button { font: inherit; padding: 0.6em 1.2em; border: 0; border-radius: 8px; background: #2447d6; color: #fff; cursor: pointer; }
    button:focus-visible { outline: 3px solid #8aa2ff; outline-offset: 2px; }
  </style>
</head>
<body>
  <main>
    <h1>Keyward demo</h1>
    <p>This example has no real accounts. Sign in as the demo person of the demo organisation
    (<code>demo-org</code>), who may read projects and manage API keys, to open
    Settings → API Keys.</p>
    <form method="post" action="${SIGN_IN_PATH}">
      <button type="submit">Sign in as the demo person</button>
    </form>
  </main>
</body>
</html>
`
}
