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
import type express from 'express'

/**
 * Mounts the "Settings → API Keys" demo on `app`: the demo sign-in (`GET`/`POST /sign-in`,
 * an HttpOnly `SameSite=Lax` session cookie held in memory), the settings page (redirecting
 * to `/sign-in` without a session) and the component's script. Returns the `principal`
 * resolver for `apiKeysRouter`: the demo person while the request carries a live session.
 * An application with its own login writes only that resolver, from its own session.
 */
export function mountSettings(
  app: express.Express,
  assets: SettingsAssets,
): (req: express.Request) => Principal | undefined {
  const sessions = createDemoSessions()
  const signedIn = (req: express.Request) => sessions.principal(req.get('cookie'))

  app.get(SIGN_IN_PATH, (_req, res) => {
    res.set(pageHeaders).send(signInPageHtml())
  })
  app.post(SIGN_IN_PATH, (req, res) => {
    res.set('set-cookie', sessions.signIn(req.secure)).redirect(303, SETTINGS_PAGE_PATH)
  })
  app.get(SETTINGS_PAGE_PATH, (req, res) => {
    if (signedIn(req) === undefined) res.redirect(303, SIGN_IN_PATH)
    else res.set(pageHeaders).send(assets.settingsPageHtml())
  })
  app.get(COMPONENT_SCRIPT_PATH, (_req, res, next) => {
    assets.componentBundle().then((script) => {
      res
        .set({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' })
        .send(script)
    }, next)
  })
  return signedIn
}
