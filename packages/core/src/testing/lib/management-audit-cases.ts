/**
 * The `GET /api-keys/audit` cases over real HTTP that every adapter answers alike (DESIGN.md,
 * "Audit log, webhooks, policies"), registered by `managementConformance`.
 */
import { describe, expect, it } from 'vitest'
import { createKeyward } from '../../keyward.js'
import { conformanceScopes as scopes } from '../adapter-cases.js'
import type { CheckResponse, ServeManagement } from '../served.js'
import { checked } from './management-cases.js'
import { nextLink } from './management-page-cases.js'
import { servedApps } from './served-apps.js'

const T0 = Date.UTC(2026, 11, 1)

interface AuditJson {
  events: {
    id: string
    at: string
    type: string
    ownerId: string
    keyId?: string
    actor?: string
    changes?: Record<string, { before?: unknown; after?: unknown }>
    clientIp?: string
    userAgent?: string
  }[]
  nextCursor: string | null
}

/** Registers the audit route cases for the adapter named `adapter`. */
export function managementAuditCases(
  adapter: string,
  serve: ServeManagement,
  check?: CheckResponse,
): void {
  const opened = servedApps()

  /** An app whose owner `org_1` holds an admin key, and `org_2` a key of its own. */
  async function setup() {
    let clock = T0
    const keyward = createKeyward<string>({ prefix: 'kw_test', scopes, now: () => clock })
    const served = await serve(keyward, {}, { authenticateFirst: false })
    opened.push(served)
    const admin = await keyward.keys.create({
      name: 'admin',
      ownerId: 'org_1',
      scopes: ['*'],
      expiresIn: '90d',
    })
    const other = await keyward.keys.create({
      name: 'theirs',
      ownerId: 'org_2',
      scopes: ['*'],
      expiresIn: '1d',
    })
    await keyward.keys.revoke(other.key.id, { actor: 'person:eve' })
    const base = `${served.url}/api-keys`
    const send = async (method: string, url: string, body?: unknown, token = admin.token) => {
      clock += 1_000
      const target = new URL(url, `${base}/audit`)
      const response = await fetch(target, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'user-agent': 'keyward-conformance/1.0',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      return checked(check, { origin: served.url, options: {} }, method, target.pathname, response)
    }
    /** `GET /audit…` once every buffered event is in the log. */
    const audit = async (query = '') => {
      await keyward.audit.flush()
      return send('GET', `${base}/audit${query}`)
    }
    return { keyward, admin, other, base, send, audit }
  }

  describe(`${adapter} management API: GET /audit`, () => {
    it("answers the owner's events newest first, with actor, changes, client address and user agent", async () => {
      const { admin, base, send, audit } = await setup()
      const created = await send('POST', base, {
        name: 'CI',
        scopes: ['projects:read'],
        expiresIn: '30d',
      })
      const { key } = (await created.json()) as { key: { id: string }; token: string }
      expect((await send('PATCH', `${base}/${key.id}`, { name: 'CI 2' })).status).toBe(200)
      expect((await send('DELETE', `${base}/${key.id}`)).status).toBe(204)
      const response = await audit()
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('no-store')
      const page = (await response.json()) as AuditJson
      expect(page.nextCursor).toBeNull()
      expect(page.events.map((event) => [event.type, event.keyId])).toEqual([
        ['revoked', key.id],
        ['updated', key.id],
        ['created', key.id],
        ['created', admin.key.id],
      ])
      const [revoked, updated, created2] = page.events
      for (const event of [revoked!, updated!, created2!]) {
        expect(event).toMatchObject({ actor: `key:${admin.key.id}`, ownerId: 'org_1' })
        expect(event.userAgent).toBe('keyward-conformance/1.0')
        expect(event.clientIp).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/)
        expect(Number.isNaN(Date.parse(event.at))).toBe(false)
      }
      expect(updated!.changes).toStrictEqual({ name: { before: 'CI', after: 'CI 2' } })
      expect(JSON.stringify(page)).not.toMatch(/kw_test_[0-9A-Za-z]{20}/)
    })

    it("shows only the caller's owner, whatever the query names", async () => {
      const { other, audit } = await setup()
      for (const query of [
        `?keyId=${other.key.id}`,
        '?actor=person:eve',
        '?ownerId=org_2',
        '?type=revoked',
      ]) {
        const page = (await (await audit(query)).json()) as AuditJson
        expect(page.events.every((event) => event.ownerId === 'org_1')).toBe(true)
        expect(page.events.map((event) => event.keyId)).not.toContain(other.key.id)
      }
    })

    it('pages with a Link header that keeps the filters, each event once', async () => {
      const { base, send, audit } = await setup()
      for (let i = 0; i < 5; i++) {
        await send('POST', base, { name: `k${i}`, scopes: [], expiresIn: '1d' })
      }
      const seen: string[] = []
      let query: string | undefined = '?type=created&limit=2'
      for (let pages = 0; query !== undefined && pages < 10; pages++) {
        const response = await audit(query)
        const page = (await response.json()) as AuditJson
        seen.push(...page.events.map((event) => event.id))
        expect(page.events.every((event) => event.type === 'created')).toBe(true)
        const link = nextLink(response.headers.get('link'))
        if (page.nextCursor === null) {
          expect(link).toBeUndefined()
          query = undefined
        } else {
          const next = new URLSearchParams(link!.slice(1))
          expect([next.get('type'), next.get('limit'), next.get('cursor')]).toEqual([
            'created',
            '2',
            page.nextCursor,
          ])
          query = link
        }
      }
      expect(seen).toHaveLength(6)
      expect(new Set(seen).size).toBe(6)
    })

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['from=yesterday', 'from'],
      ['to=2026-12-01', 'to'],
      ['type=Created', 'type'],
      ['keyId=', 'keyId'],
    ])('answers 422 naming the parameter for ?%s', async (query, field) => {
      const { audit } = await setup()
      const response = await audit(`?${query}`)
      expect(response.status).toBe(422)
      const problem = (await response.json()) as { code: string; field?: string }
      expect(problem).toMatchObject({ code: 'invalid_argument', field })
    })

    it('needs the manage scope', async () => {
      const { keyward, send } = await setup()
      const reader = await keyward.keys.create({
        name: 'reader',
        ownerId: 'org_1',
        scopes: ['projects:read'],
        expiresIn: '1d',
      })
      const response = await send('GET', 'audit', undefined, reader.token)
      expect(response.status).toBe(403)
    })
  })
}
