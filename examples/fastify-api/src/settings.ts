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
import type { FastifyInstance, FastifyRequest } from 'fastify'

/**
 * Mounts the "Settings → API Keys" demo on `app`: the demo sign-in (`GET`/`POST /sign-in`,
 * an HttpOnly `SameSite=Lax` session cookie held in memory), the settings page (redirecting
 * to `/sign-in` without a session) and the component's script. Returns the `principal`
 * resolver for `apiKeysRouter`: the demo person while the request carries a live session.
 * An application with its own login writes only that resolver, from its own session.
 */
export function mountSettings(
  app: FastifyInstance,
  assets: SettingsAssets,
): (request: FastifyRequest) => Principal | undefined {
  const sessions = createDemoSessions()
  const signedIn = (request: FastifyRequest) => sessions.principal(request.headers.cookie)

  app.get(SIGN_IN_PATH, async (_request, reply) =>
    reply.headers(pageHeaders).send(signInPageHtml()),
  )
  // The sign-in form's body is not read: any content type is taken, as on Express and Hono.
  app.register(async (form) => {
    form.removeAllContentTypeParsers()
    form.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined))
    form.post(SIGN_IN_PATH, async (request, reply) =>
      reply
        .header('set-cookie', sessions.signIn(request.protocol === 'https'))
        .redirect(SETTINGS_PAGE_PATH, 303),
    )
  })
  app.get(SETTINGS_PAGE_PATH, async (request, reply) =>
    signedIn(request) === undefined
      ? reply.redirect(SIGN_IN_PATH, 303)
      : reply.headers(pageHeaders).send(assets.settingsPageHtml()),
  )
  app.get(COMPONENT_SCRIPT_PATH, async (_request, reply) =>
    reply
      .headers({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' })
      .send(await assets.componentBundle()),
  )
  return signedIn
}
