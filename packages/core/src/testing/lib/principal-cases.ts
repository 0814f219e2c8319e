/**
 * Management-API cases for people signed in through the app's own login (a `principal`
 * resolver reading a session cookie), over real HTTP, registered by `managementConformance`.
 * Forged requests are sent the way a hostile page's browser would send them.
 */
import { describe, expect, it } from 'vitest'
import type { Principal } from '../../http/principal.js'
import { createKeyward } from '../../keyward.js'
import type { KeyEvent } from '../../types.js'
import { conformanceScopes as scopes } from '../adapter-cases.js'
import type { CheckResponse, ServeManagementWithPrincipal } from '../served.js'
import { servedApps } from './served-apps.js'

/** The demo person the session cookie `kw_session=ada` stands for. */
const ada: Principal = {
  ownerId: 'org_1',
  scopes: ['projects:read', 'api_keys:manage'],
  actor: 'person:ada',
}

const input = { name: 'CI deploy', scopes: ['projects:read'], expiresIn: '90d' }

/**
 * Registers the signed-in-person cases for the adapter named `adapter`, each on an app
 * `serve` builds: see `managementConformance`.
 */
export function principalCases(
  adapter: string,
  serve: ServeManagementWithPrincipal,
  check?: CheckResponse,
): void {
  const opened = servedApps()

  async function setup() {
    const events: KeyEvent[] = []
    const keyward = createKeyward<string>({
      prefix: 'kw_test',
      scopes,
      onEvent: (event) => {
        events.push(event)
      },
    })
    const served = await serve(keyward, (cookie) =>
      cookie?.split(/;\s*/).includes('kw_session=ada') ? ada : undefined,
    )
    opened.push(served)
    /** A request from Ada's browser; `headers` override the same-origin defaults (`undefined` drops one). */
    const fromBrowser = async (
      method: string,
      path: string,
      body?: string,
      headers: Record<string, string | undefined> = {},
    ) => {
      const all: Record<string, string | undefined> = {
        cookie: 'kw_session=ada',
        origin: served.url,
        'content-type': 'application/json',
        ...headers,
      }
      const response = await fetch(`${served.url}/api-keys${path}`, {
        method,
        headers: Object.fromEntries(
          Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined),
        ),
        ...(body === undefined ? {} : { body }),
      })
      await check?.({
        origin: served.url,
        options: {},
        method,
        path: `/api-keys${path}`,
        response: response.clone(),
      })
      return response
    }
    return { keyward, served, events, fromBrowser }
  }

  describe(`${adapter} management API for a signed-in person`, () => {
    it('a same-origin JSON request creates a key of the person’s owner, named as actor; the catalog says what they may grant', async () => {
      const { fromBrowser, keyward, events } = await setup()
      const response = await fromBrowser('POST', '', JSON.stringify(input))
      expect(response.status).toBe(201)
      const { key, token } = (await response.json()) as {
        key: { id: string; ownerId: string; status: string }
        token: string
      }
      expect(key).toMatchObject({ ownerId: 'org_1', status: 'active' })
      await expect(keyward.verify(token)).resolves.toMatchObject({ ownerId: 'org_1' })
      expect(events.at(-1)).toMatchObject({ type: 'created', actor: 'person:ada' })

      const catalog = await fromBrowser('GET', '/catalog')
      expect(catalog.status).toBe(200)
      expect(await catalog.json()).toMatchObject({
        grantable: ['projects:read', 'api_keys:manage'],
        maxLifetime: 365 * 86_400,
      })
      const wider = await fromBrowser('POST', '', JSON.stringify({ ...input, scopes: ['*'] }))
      expect(wider.status).toBe(403)
    })

    it('Sec-Fetch-Site: same-origin passes without Origin; a DELETE from the page revokes', async () => {
      const { fromBrowser, keyward } = await setup()
      const { key, token } = await keyward.keys.create({ ...input, ownerId: 'org_1' })
      const response = await fromBrowser('DELETE', `/${key.id}`, undefined, {
        origin: undefined,
        'sec-fetch-site': 'same-origin',
      })
      expect(response.status).toBe(204)
      await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
    })

    it.each([
      ['a cross-site Origin', { origin: 'https://evil.example' }],
      ['neither Origin nor Sec-Fetch-Site', { origin: undefined }],
      ['a text/plain body (what a form can send)', { 'content-type': 'text/plain' }],
      ['a form-encoded body', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ])(
      'refuses a forged POST with %s: 403 problem+json forbidden, nothing created',
      async (_, headers) => {
        const { fromBrowser, keyward, events } = await setup()
        const response = await fromBrowser('POST', '', JSON.stringify(input), headers)
        expect(response.status).toBe(403)
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
        expect(response.headers.get('cache-control')).toBe('no-store')
        const problem = (await response.json()) as { code: string; detail: string }
        expect(problem.code).toBe('forbidden')
        expect(problem.detail).toMatch(/cross-site request forgery/)
        expect(await keyward.keys.list('org_1')).toEqual([])
        expect(events).toEqual([])
      },
    )

    it('refuses a forged revoke-all and DELETE; every key keeps working', async () => {
      const { fromBrowser, keyward } = await setup()
      const { key, token } = await keyward.keys.create({ ...input, ownerId: 'org_1' })
      const forged = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
      expect((await fromBrowser('POST', '/revoke-all', '{}', forged)).status).toBe(403)
      expect((await fromBrowser('DELETE', `/${key.id}`, undefined, forged)).status).toBe(403)
      await expect(keyward.verify(token)).resolves.toBeDefined()
    })

    it('without a session, API-key authentication applies as before (and no CSRF rule)', async () => {
      const { served, keyward } = await setup()
      const anonymous = await fetch(`${served.url}/api-keys`)
      await check?.({
        origin: served.url,
        options: {},
        method: 'GET',
        path: '/api-keys',
        response: anonymous.clone(),
      })
      expect(anonymous.status).toBe(401)
      const admin = await keyward.keys.create({ ...input, scopes: ['*'], ownerId: 'org_2' })
      const response = await fetch(`${served.url}/api-keys`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${admin.token}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: JSON.stringify(input),
      })
      await check?.({
        origin: served.url,
        options: {},
        method: 'POST',
        path: '/api-keys',
        response: response.clone(),
      })
      expect(response.status).toBe(201)
      expect(await response.json()).toMatchObject({ key: { ownerId: 'org_2' } })
    })
  })
}
