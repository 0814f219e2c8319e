/**
 * The usage route cases over real HTTP that every adapter answers alike (DESIGN.md, "Usage"):
 * `GET /api-keys/:id/usage`, `GET /api-keys/usage`, and where a key was last used from in its
 * JSON. Registered by `managementConformance`.
 */
import { describe, expect, it } from 'vitest'
import { createKeyward } from '../../keyward.js'
import { conformanceScopes as scopes } from '../adapter-cases.js'
import type { CheckResponse, ServeManagement } from '../served.js'
import { checked } from './management-cases.js'
import { servedApps } from './served-apps.js'

const MINUTE = 60_000
const T0 = Date.UTC(2026, 11, 1, 10)
const iso = (at: number) => new Date(at).toISOString()

/** Registers the usage route cases for the adapter named `adapter`. */
export function managementUsageCases(
  adapter: string,
  serve: ServeManagement,
  check?: CheckResponse,
): void {
  const opened = servedApps()

  /** An app whose owner `org_1` holds an admin key and a worker key, and `org_2` a key of its own. */
  async function setup() {
    const clock = { now: T0 }
    const keyward = createKeyward<string>({ prefix: 'kw_test', scopes, now: () => clock.now })
    const served = await serve(keyward, {}, { authenticateFirst: false })
    opened.push(served)
    const create = (ownerId: string, keyScopes: string[]) =>
      keyward.keys.create({ name: 'k', ownerId, scopes: keyScopes, expiresIn: '90d' })
    const admin = await create('org_1', ['*'])
    const worker = await create('org_1', ['projects:read'])
    const other = await create('org_2', ['projects:read'])
    const base = `${served.url}/api-keys`
    const get = async (path: string) => {
      const target = new URL(`${base}${path}`)
      const response = await fetch(target, {
        headers: { authorization: `Bearer ${admin.token}`, 'user-agent': 'curl/8.5' },
      })
      return checked(check, { origin: served.url, options: {} }, 'GET', target.pathname, response)
    }
    return { keyward, clock, admin, worker, other, get }
  }

  describe(`${adapter} management API: usage`, () => {
    it("answers a key's buckets by outcome, and its owner's totals per key", async () => {
      const { keyward, clock, worker, admin, get } = await setup()
      await keyward.verify(worker.token)
      await keyward.verify(worker.token).catch(() => {})
      clock.now += MINUTE
      await keyward.verify(worker.token)
      await keyward.verify(worker.token, { scopes: ['projects:write'] }).catch(() => {})
      await keyward.usage!.flush()
      const query = `from=${iso(T0)}&to=${iso(T0 + 2 * MINUTE)}&granularity=minute`
      const response = await get(`/${worker.key.id}/usage?${query}`)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({
        keyId: worker.key.id,
        granularity: 'minute',
        buckets: [
          { start: iso(T0), outcomes: { valid: 2 } },
          { start: iso(T0 + MINUTE), outcomes: { valid: 1, insufficient_scope: 1 } },
        ],
      })
      const summary = await get(`/usage?from=${iso(T0)}`)
      expect(summary.status).toBe(200)
      const body = (await summary.json()) as { keys: { keyId: string; outcomes: object }[] }
      expect(body.keys).toHaveLength(2)
      expect(body.keys).toContainEqual({
        keyId: worker.key.id,
        outcomes: { valid: 3, insufficient_scope: 1 },
      })
      expect(body.keys.map((key) => key.keyId)).toContain(admin.key.id)
    })

    it('shows where a key was last used from: the adapter’s client address and the user agent', async () => {
      const { admin, get } = await setup()
      // The first request authenticates with the admin key through the adapter; the second reads it.
      await get(`/${admin.key.id}`)
      const response = await get(`/${admin.key.id}`)
      const key = (await response.json()) as {
        lastUsedAt: string
        lastUsed: { at: string; ip?: string; userAgent?: string }
        recentIps: { ip: string }[]
      }
      expect(key.lastUsed).toMatchObject({ at: iso(T0), userAgent: 'curl/8.5' })
      expect(key.lastUsed.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/)
      expect(key.lastUsedAt).toBe(iso(T0))
      expect(key.recentIps.map((address) => address.ip)).toEqual([key.lastUsed.ip])
    })

    it("answers 404 for another owner's key, as every route does", async () => {
      const { other, get } = await setup()
      expect((await get(`/${other.key.id}/usage`)).status).toBe(404)
      expect((await get('/key_0000000000000000/usage')).status).toBe(404)
    })

    it.each([
      ['granularity=week', 'granularity'],
      ['from=yesterday', 'from'],
      ['to=2026-13-01T00:00:00Z', 'to'],
      [`from=${iso(T0)}&to=${iso(T0 - MINUTE)}`, 'to'],
      ['from=2026-01-01T00:00:00Z&granularity=minute', 'from'],
      ['granularity=day&granularity=hour', 'granularity'],
    ])('answers 422 naming the parameter for ?%s', async (query, field) => {
      const { worker, get } = await setup()
      const response = await get(`/${worker.key.id}/usage?${query}`)
      expect(response.status).toBe(422)
      expect(await response.json()).toMatchObject({ code: 'invalid_argument', field })
    })

    it('answers 422 naming the parameter on the summary too', async () => {
      const { get } = await setup()
      const response = await get('/usage?to=soon')
      expect(response.status).toBe(422)
      expect(await response.json()).toMatchObject({ code: 'invalid_argument', field: 'to' })
    })
  })
}
