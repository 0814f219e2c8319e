/**
 * The `POST /api-keys/self/rotate` cases over real HTTP that every adapter answers alike
 * (DESIGN.md, "Rotation"), registered by `managementConformance`: a key holding the
 * self-rotation scope gets its successor once, under the grace rules of any rotation, and
 * widens nothing.
 */
import { describe, expect, it } from 'vitest'
import type { ManagementApiOptions } from '../../http/management/api.js'
import { createKeyward } from '../../keyward.js'
import { defineScopes } from '../../scopes.js'
import type { CheckResponse, ServeManagement } from '../served.js'
import { checked } from './management-cases.js'
import { servedApps } from './served-apps.js'

const T0 = Date.UTC(2026, 11, 7)
const HOUR = 3_600_000

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'api_keys:manage': 'Manage API keys',
  'api_keys:rotate_self': 'Rotate this key itself',
  'deploys:renew': 'Renew the deploy credential',
})

interface IssuedJson {
  key: {
    id: string
    scopes: string[]
    expiresAt: string
    rotatedFrom?: string
    status: string
    rotatedTo?: string
    rotatedUntil?: string
  }
  token: string
}

/** Registers the self-rotation cases for the adapter named `adapter`. */
export function selfRotationCases(
  adapter: string,
  serve: ServeManagement,
  check?: CheckResponse,
): void {
  const opened = servedApps()

  /** An app of owner `org_1` with an admin key and a deploy key that may rotate itself. */
  async function setup(options: ManagementApiOptions = {}) {
    let clock = T0
    const keyward = createKeyward<string>({ prefix: 'kw_test', scopes, now: () => clock })
    const served = await serve(keyward, options, { authenticateFirst: false })
    opened.push(served)
    const admin = await keyward.keys.create({
      name: 'admin',
      ownerId: 'org_1',
      scopes: ['api_keys:manage'],
      expiresIn: '90d',
    })
    const deploy = await keyward.keys.create({
      name: 'deploy pipeline',
      ownerId: 'org_1',
      scopes: ['projects:read', 'api_keys:rotate_self', 'deploys:renew'],
      expiresIn: '30d',
      metadata: { pipeline: 'main' },
    })
    const call = async (method: string, path: string, token?: string, body?: unknown) => {
      const response = await fetch(`${served.url}/api-keys${path}`, {
        method,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          'user-agent': 'deploy-bot/2.1',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      return checked(check, { origin: served.url, options }, method, `/api-keys${path}`, response)
    }
    const rotateSelf = (token: string, body?: unknown) => call('POST', '/self/rotate', token, body)
    const advance = (ms: number) => {
      clock += ms
    }
    return { keyward, admin, deploy, call, rotateSelf, advance }
  }

  const problem = async (response: Response) => {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(response.headers.get('cache-control')).toBe('no-store')
    return (await response.json()) as Record<string, unknown>
  }

  describe(`${adapter} management API: POST /self/rotate`, () => {
    it('gives a key holding api_keys:rotate_self its successor (201, no-store), same scopes and expiry; the old token ends at once', async () => {
      const { keyward, deploy, rotateSelf } = await setup()
      const rotated = await rotateSelf(deploy.token)
      expect(rotated.status).toBe(201)
      expect(rotated.headers.get('cache-control')).toBe('no-store')
      const { key, token } = (await rotated.json()) as IssuedJson
      expect(key).toMatchObject({
        rotatedFrom: deploy.key.id,
        scopes: ['projects:read', 'api_keys:rotate_self', 'deploys:renew'],
        expiresAt: new Date(deploy.key.expiresAt).toISOString(),
        status: 'active',
      })
      expect(key.id).not.toBe(deploy.key.id)
      expect((await keyward.verify(token)).id).toBe(key.id)
      await expect(keyward.verify(deploy.token)).rejects.toMatchObject({ code: 'revoked_token' })
      // The old token can do nothing more, not even rotate again.
      const again = await rotateSelf(deploy.token)
      expect(again.status).toBe(401)
      expect(await problem(again)).toMatchObject({ code: 'revoked_token' })

      await keyward.audit.flush()
      const { events } = await keyward.audit.list({ ownerId: 'org_1', type: 'rotated' })
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({
        keyId: deploy.key.id,
        actor: `key:${deploy.key.id}`,
        userAgent: 'deploy-bot/2.1',
      })
      expect(events[0]?.clientIp).toMatch(/127\.0\.0\.1|::1/)
    })

    it('keeps the old key through its grace period, but it gets one successor: rotating it again is 409', async () => {
      const { keyward, deploy, rotateSelf, advance } = await setup()
      const first = await rotateSelf(deploy.token, { gracePeriod: '1h' })
      expect(first.status).toBe(201)
      const successor = (await first.json()) as IssuedJson
      expect((await keyward.verify(deploy.token)).id).toBe(deploy.key.id)

      const second = await rotateSelf(deploy.token, { gracePeriod: '1h' })
      expect(second.status).toBe(409)
      expect(await problem(second)).toMatchObject({ code: 'key_inactive' })
      const all = await keyward.keys.list('org_1')
      expect(all.filter((key) => key.rotatedFrom === deploy.key.id)).toHaveLength(1)

      advance(HOUR)
      await expect(keyward.verify(deploy.token)).rejects.toMatchObject({ code: 'expired_token' })
      // The successor holds the scope too, so it may rotate itself in turn.
      const next = await rotateSelf(successor.token)
      expect(next.status).toBe(201)
      expect(((await next.json()) as IssuedJson).key.rotatedFrom).toBe(successor.key.id)
    })

    it("with until 'first-use' keeps the old key until the successor is first verified", async () => {
      const { keyward, admin, deploy, call, rotateSelf } = await setup()
      const rotated = await rotateSelf(deploy.token, { until: 'first-use', gracePeriod: '1h' })
      expect(rotated.status).toBe(201)
      const { key, token } = (await rotated.json()) as IssuedJson
      const pending = await call('GET', `/${deploy.key.id}`, admin.token)
      expect(await pending.json()).toMatchObject({
        status: 'rotated',
        rotatedTo: key.id,
        rotatedUntil: 'first-use',
      })
      expect((await keyward.verify(deploy.token)).id).toBe(deploy.key.id)
      expect((await keyward.verify(token)).id).toBe(key.id)
      const deadline = Date.now() + 2_000
      let refusal: unknown
      while (refusal === undefined && Date.now() < deadline) {
        refusal = await keyward.verify(deploy.token).then(
          () => undefined,
          (error: unknown) => error,
        )
        if (refusal === undefined) await new Promise((resolve) => setTimeout(resolve, 5))
      }
      expect(refusal).toMatchObject({ code: 'revoked_token' })
    })

    it('widens nothing: other body fields are 422 and leave the key as it was', async () => {
      const { keyward, deploy, rotateSelf } = await setup()
      for (const body of [
        { scopes: ['projects:read', 'api_keys:manage'] },
        { expiresAt: '2027-12-01T00:00:00Z' },
        { expiresIn: '365d' },
        { rateLimits: [] },
        { name: 'renamed' },
      ]) {
        const response = await rotateSelf(deploy.token, body)
        expect(response.status).toBe(422)
        expect(await problem(response)).toMatchObject({ field: Object.keys(body)[0] })
      }
      const tooLong = await rotateSelf(deploy.token, { gracePeriod: '30d' })
      expect(tooLong.status).toBe(422)
      expect(await problem(tooLong)).toMatchObject({ field: 'gracePeriod' })
      const stored = await keyward.keys.get(deploy.key.id)
      expect(stored).toMatchObject({ scopes: deploy.key.scopes, expiresAt: deploy.key.expiresAt })
      expect(stored?.rotatedTo).toBeUndefined()
      expect((await keyward.verify(deploy.token)).id).toBe(deploy.key.id)
      expect(await keyward.keys.list('org_1')).toHaveLength(2)
    })

    it('refuses a key without the scope (403, the manage scope is not enough), a suspended key (401) and no key (401)', async () => {
      const { keyward, admin, deploy, rotateSelf, call } = await setup()
      const manager = await rotateSelf(admin.token)
      expect(manager.status).toBe(403)
      expect(await problem(manager)).toMatchObject({
        code: 'insufficient_scope',
        missingScopes: ['api_keys:rotate_self'],
      })
      expect(manager.headers.get('www-authenticate')).toContain('error="insufficient_scope"')

      await keyward.keys.suspend(deploy.key.id)
      const suspended = await rotateSelf(deploy.token)
      expect(suspended.status).toBe(401)
      expect(await problem(suspended)).toMatchObject({ code: 'suspended_token' })

      const anonymous = await call('POST', '/self/rotate')
      expect(anonymous.status).toBe(401)
      expect(await problem(anonymous)).toMatchObject({ code: 'missing_token' })
      // GET on the path is no route; `self` is never taken for a key id.
      expect((await call('GET', '/self', admin.token)).status).toBe(404)
      expect((await call('GET', '/self/rotate', admin.token)).status).toBe(404)
      expect(await keyward.keys.list('org_1')).toHaveLength(2)
    })

    it('takes another scope through selfRotateScope', async () => {
      const { deploy, admin, rotateSelf } = await setup({ selfRotateScope: 'deploys:renew' })
      expect((await rotateSelf(deploy.token)).status).toBe(201)
      expect((await rotateSelf(admin.token)).status).toBe(403)
    })
  })
}
