/**
 * The management-API cases of suspension and network rules over real HTTP (DESIGN.md,
 * "Network rules and suspension"), registered by `managementConformance`. The app is served
 * on a loopback address with no proxy trusted, so the adapter must give core the socket
 * peer's address (`127.0.0.1`, `::ffff:127.0.0.1` or `::1`) as the client address.
 */
import { describe, expect, it } from 'vitest'
import { createKeyward } from '../../keyward.js'
import type { KeyEvent } from '../../types.js'
import { conformanceScopes as scopes } from '../adapter-cases.js'
import type { CheckResponse, ServeManagement } from '../served.js'
import { checked } from './management-cases.js'
import { servedApps } from './served-apps.js'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 26)
const LOOPBACK = ['127.0.0.0/8', '::1']

/** Registers the suspension and network-rule cases for `adapter` on apps `serve` builds. */
export function suspensionCases(
  adapter: string,
  serve: ServeManagement,
  check?: CheckResponse,
): void {
  const opened = servedApps()

  async function setup() {
    let clock = T0
    const events: KeyEvent[] = []
    const keyward = createKeyward<string>({
      prefix: 'kw_test',
      scopes,
      now: () => clock,
      onEvent: (event) => {
        events.push(event)
      },
    })
    const served = await serve(keyward, {}, { authenticateFirst: false })
    opened.push(served)
    const admin = await keyward.keys.create({
      name: 'admin',
      ownerId: 'org_1',
      scopes: ['*'],
      expiresIn: '30d',
    })
    const call = async (method: string, path: string, body?: unknown, token = admin.token) =>
      checked(
        check,
        { origin: served.url, options: {} },
        method,
        `/api-keys${path}`,
        await fetch(`${served.url}/api-keys${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      )
    const create = (extra: Record<string, unknown> = {}) =>
      keyward.keys.create({
        name: 'worker',
        ownerId: 'org_1',
        scopes: ['api_keys:manage', 'projects:read'],
        expiresIn: '30d',
        ...extra,
      })
    const setClock = (at: number) => {
      clock = at
    }
    return { keyward, admin, call, create, events, setClock }
  }

  const problem = async (response: Response) => {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(response.headers.get('cache-control')).toBe('no-store')
    return (await response.json()) as Record<string, unknown>
  }

  describe(`${adapter} management API: suspension over HTTP`, () => {
    it('POST /:id/suspend answers 200 with the key suspended; its token gets 401 suspended_token until POST /:id/resume', async () => {
      const { call, create, events } = await setup()
      const worker = await create()
      expect((await call('GET', '', undefined, worker.token)).status).toBe(200)

      const suspended = await call('POST', `/${worker.key.id}/suspend`, { reason: 'Unpaid' })
      expect(suspended.status).toBe(200)
      expect(suspended.headers.get('cache-control')).toBe('no-store')
      expect(await suspended.json()).toMatchObject({
        id: worker.key.id,
        status: 'suspended',
        suspendedAt: new Date(T0).toISOString(),
        suspendReason: 'Unpaid',
      })
      expect(events.at(-1)).toMatchObject({ type: 'suspended', reason: 'Unpaid' })

      const refused = await call('GET', '', undefined, worker.token)
      expect(refused.status).toBe(401)
      expect(refused.headers.get('www-authenticate')).toBe(
        'Bearer realm="api", error="invalid_token", error_description="The API key is suspended."',
      )
      expect(await problem(refused)).toMatchObject({ status: 401, code: 'suspended_token' })

      // Suspending again changes nothing and answers the key as it is.
      const again = await call('POST', `/${worker.key.id}/suspend`)
      expect(again.status).toBe(200)
      expect(await again.json()).toMatchObject({ status: 'suspended', suspendReason: 'Unpaid' })

      const resumed = await call('POST', `/${worker.key.id}/resume`)
      expect(resumed.status).toBe(200)
      const json = (await resumed.json()) as Record<string, unknown>
      expect(json).toMatchObject({ id: worker.key.id, status: 'active' })
      expect(json).not.toHaveProperty('suspendedAt')
      expect(json).not.toHaveProperty('suspendReason')
      expect(events.at(-1)).toMatchObject({ type: 'resumed' })
      expect((await call('GET', '', undefined, worker.token)).status).toBe(200)
      expect((await call('POST', `/${worker.key.id}/resume`, {})).status).toBe(200)
    })

    it('answers 409 key_inactive for a revoked or expired key, 404 for another owner’s, 422 for bad input', async () => {
      const { call, create, keyward, setClock } = await setup()
      const revoked = await create()
      await keyward.keys.revoke(revoked.key.id)
      for (const action of ['suspend', 'resume']) {
        const response = await call('POST', `/${revoked.key.id}/${action}`)
        expect(response.status).toBe(409)
        expect(await problem(response)).toMatchObject({ code: 'key_inactive' })
      }
      const theirs = await keyward.keys.create({
        name: 'theirs',
        ownerId: 'org_2',
        scopes: [],
        expiresIn: '30d',
      })
      expect((await call('POST', `/${theirs.key.id}/suspend`)).status).toBe(404)
      expect((await call('POST', `/${theirs.key.id}/resume`)).status).toBe(404)
      expect((await call('POST', '/key_0000000000000000/suspend')).status).toBe(404)

      const live = await create()
      const badReason = await call('POST', `/${live.key.id}/suspend`, { reason: 42 })
      expect(badReason.status).toBe(422)
      expect(await problem(badReason)).toMatchObject({ field: 'reason' })
      const unknownField = await call('POST', `/${live.key.id}/suspend`, { until: 'later' })
      expect(unknownField.status).toBe(422)
      expect((await call('POST', `/${live.key.id}/resume`, { reason: 'x' })).status).toBe(422)

      const short = await create({ expiresIn: '1d' })
      await keyward.keys.suspend(short.key.id)
      setClock(T0 + 2 * DAY)
      const expired = await call('POST', `/${short.key.id}/resume`)
      expect(expired.status).toBe(409)
      expect(await problem(expired)).toMatchObject({ code: 'key_inactive' })
    })

    it('lets a narrow key suspend a broader key of its owner, but not bring it back (403)', async () => {
      const { call, create, keyward } = await setup()
      const narrow = await create()
      const broad = await create({ scopes: ['api_keys:manage', 'projects:read', 'projects:write'] })
      const suspended = await call('POST', `/${broad.key.id}/suspend`, {}, narrow.token)
      expect(suspended.status).toBe(200)
      const refused = await call('POST', `/${broad.key.id}/resume`, undefined, narrow.token)
      expect(refused.status).toBe(403)
      expect(await problem(refused)).toMatchObject({ code: 'insufficient_scope' })
      expect((await keyward.verify(broad.token).catch((error) => error)).code).toBe(
        'suspended_token',
      )
      expect((await call('POST', `/${broad.key.id}/resume`)).status).toBe(200)
      expect((await keyward.verify(broad.token)).id).toBe(broad.key.id)
    })

    it('refuses to rotate a suspended key (409) and lets it be renamed', async () => {
      const { call, create, keyward } = await setup()
      const worker = await create()
      await keyward.keys.suspend(worker.key.id)
      const rotated = await call('POST', `/${worker.key.id}/rotate`, {})
      expect(rotated.status).toBe(409)
      expect(await problem(rotated)).toMatchObject({ code: 'key_inactive' })
      const renamed = await call('PATCH', `/${worker.key.id}`, { name: 'paused worker' })
      expect(renamed.status).toBe(200)
      expect(await renamed.json()).toMatchObject({ name: 'paused worker', status: 'suspended' })
    })
  })

  describe(`${adapter} management API: network rules over HTTP`, () => {
    it('reports the reuse of a rotated-out token with the address the request came from', async () => {
      const { call, create, events, keyward } = await setup()
      const worker = await create()
      const rotated = await keyward.keys.rotate(worker.key.id)
      const refused = await call('GET', '', undefined, worker.token)
      expect(refused.status).toBe(401)
      expect(await problem(refused)).toMatchObject({ code: 'revoked_token' })
      const deadline = Date.now() + 2_000
      while (!events.some((event) => event.type === 'reused') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      const reused = events.find((event) => event.type === 'reused')
      expect(reused).toMatchObject({
        keyId: worker.key.id,
        successorId: rotated.key.id,
        successorRevoked: false,
      })
      expect(['127.0.0.1', '::ffff:127.0.0.1', '::1']).toContain(
        (reused as { ip?: string } | undefined)?.ip,
      )
      expect((await call('GET', '', undefined, rotated.token)).status).toBe(200)
    })

    it('POST and PATCH take allowedIps, stored canonical; null removes them; a bad entry is 422 naming it', async () => {
      const { call } = await setup()
      const created = await call('POST', '', {
        name: 'office',
        scopes: ['projects:read'],
        expiresIn: '30d',
        allowedIps: ['203.0.113.9/24', '::ffff:192.0.2.1', '2001:DB8::1'],
      })
      expect(created.status).toBe(201)
      const { key } = (await created.json()) as { key: { id: string; allowedIps: string[] } }
      expect(key.allowedIps).toEqual(['203.0.113.0/24', '192.0.2.1', '2001:db8::1'])
      expect((await (await call('GET', `/${key.id}`)).json()) as object).toMatchObject({
        allowedIps: key.allowedIps,
      })

      const bad = await call('PATCH', `/${key.id}`, { allowedIps: ['10.0.0.0/8', '10.0.0.0/33'] })
      expect(bad.status).toBe(422)
      expect(await problem(bad)).toMatchObject({ code: 'invalid_argument', field: 'allowedIps[1]' })
      const tooMany = await call('PATCH', `/${key.id}`, {
        allowedIps: Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`),
      })
      expect(tooMany.status).toBe(422)
      expect(await problem(tooMany)).toMatchObject({ field: 'allowedIps' })

      const patched = await call('PATCH', `/${key.id}`, { allowedIps: ['10.0.0.0/8'] })
      expect(patched.status).toBe(200)
      expect(await patched.json()).toMatchObject({ allowedIps: ['10.0.0.0/8'] })
      const removed = await call('PATCH', `/${key.id}`, { allowedIps: null })
      expect(removed.status).toBe(200)
      expect(await removed.json()).not.toHaveProperty('allowedIps')
    })

    it('a key cannot change its own allowedIps (403)', async () => {
      const { call, create, keyward } = await setup()
      const worker = await create({ allowedIps: LOOPBACK })
      const response = await call(
        'PATCH',
        `/${worker.key.id}`,
        { allowedIps: ['0.0.0.0/0'] },
        worker.token,
      )
      expect(response.status).toBe(403)
      expect(await problem(response)).toMatchObject({ code: 'forbidden' })
      expect((await keyward.keys.get(worker.key.id))?.allowedIps).toEqual(LOOPBACK)
    })

    it('a caller outside its allowedIps gets 403 ip_not_allowed, with no challenge; inside, it is served', async () => {
      const { call, create, keyward } = await setup()
      const faraway = await create({ allowedIps: ['10.0.0.0/8'] })
      const refused = await call('GET', '', undefined, faraway.token)
      expect(refused.status).toBe(403)
      expect(refused.headers.get('www-authenticate')).toBeNull()
      expect(await problem(refused)).toMatchObject({ status: 403, code: 'ip_not_allowed' })
      const creating = await call(
        'POST',
        '',
        { name: 'x', scopes: [], expiresIn: '1d' },
        faraway.token,
      )
      expect(creating.status).toBe(403)
      expect((await keyward.keys.list('org_1')).map((key) => key.name)).not.toContain('x')

      const nearby = await create({ allowedIps: LOOPBACK })
      expect((await call('GET', '', undefined, nearby.token)).status).toBe(200)
    })
  })
}
