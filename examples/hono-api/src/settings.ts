import type { Principal } from '@keyward/core'
import {
  COMPONENT_SCRIPT_PATH,
  createDemoSessions,
  pageHeaders,
  SETTINGS_PAGE_PATH,
  type SettingsAssets,
  SIGN_IN_PATH,
  signInPageHtml,
} from '@keyward/example-shared/app'
import type { Context, Env, Hono } from 'hono'

/**
 * Mounts the "Settings → API Keys" demo on `app`: the demo sign-in (`GET`/`POST /sign-in`,
 * an HttpOnly `SameSite=Lax` session cookie held in memory), the settings page (redirecting
 * to `/sign-in` without a session) and the component's script. Returns the `principal`
 * resolver for `apiKeyRoutes`: the demo person while the request carries a live session.
 * An application with its own login writes only that resolver, from its own session.
 * Web-standard only, like `app.ts`.
 */
export function mountSettings<E extends Env>(
  app: Hono<E>,
  assets: SettingsAssets,
): (c: Context) => Principal | undefined {
  const sessions = createDemoSessions()
  const signedIn = (c: Context) => sessions.principal(c.req.header('cookie'))

  app.get(SIGN_IN_PATH, (c) => c.body(signInPageHtml(), 200, { ...pageHeaders }))
  app.post(SIGN_IN_PATH, (c) => {
    c.header('set-cookie', sessions.signIn(new URL(c.req.url).protocol === 'https:'))
    return c.redirect(SETTINGS_PAGE_PATH, 303)
  })
  app.get(SETTINGS_PAGE_PATH, (c) =>
    signedIn(c) === undefined
      ? c.redirect(SIGN_IN_PATH, 303)
      : c.body(assets.settingsPageHtml(), 200, { ...pageHeaders }),
  )
  app.get(COMPONENT_SCRIPT_PATH, async (c) =>
    c.body(await assets.componentBundle(), 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
    }),
  )
  return signedIn
}
