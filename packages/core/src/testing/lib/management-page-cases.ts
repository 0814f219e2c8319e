/**
 * The paged `GET /api-keys` cases over real HTTP that every adapter answers alike (DESIGN.md,
 * "Paged lists"), registered by `managementConformance`.
 */
import { describe, expect, it } from 'vitest'
import { createKeyward } from '../../keyward.js'
import { conformanceScopes as scopes } from '../adapter-cases.js'
import type { CheckResponse, ServeManagement } from '../served.js'
import { checked } from './management-cases.js'
import { servedApps } from './served-apps.js'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 11, 1)

interface PageJson {
  keys: { id: string; name: string; status: string }[]
  nextCursor: string | null
}

/** The `rel="next"` target of a `Link` header, or `undefined`. */
export function nextLink(header: string | null): string | undefined {
  return header === null ? undefined : /^<([^>]*)>;\s*rel="next"$/.exec(header)?.[1]
}

/** Registers the paged list cases for the adapter named `adapter`. */
export function managementPageCases(
  adapter: string,
  serve: ServeManagement,
  check?: CheckResponse,
): void {
  const opened = servedApps()

  /** An app whose owner `org_1` holds an admin key (90 days) and `count` more (30 days), one a second. */
  async function setup(count: number) {
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
    const ids = [admin.key.id]
    for (let i = 0; i < count; i++) {
      clock += 1_000
      const name = i % 3 === 0 ? `Device ${i}` : `Billing ${i}`
      const { key } = await keyward.keys.create({
        name,
        ownerId: 'org_1',
        scopes: ['projects:read'],
        expiresIn: '30d',
      })
      ids.push(key.id)
    }
    await keyward.keys.create({ name: 'Device x', ownerId: 'org_2', scopes: [], expiresIn: '1d' })
    const base = `${served.url}/api-keys`
    const get = async (url: string) => {
      const target = new URL(url, base)
      const response = await fetch(target, { headers: { authorization: `Bearer ${admin.token}` } })
      return checked(check, { origin: served.url, options: {} }, 'GET', target.pathname, response)
    }
    const advance = (ms: number) => {
      clock += ms
    }
    return { keyward, ids, base, get, advance }
  }

  describe(`${adapter} management API: paged GET /`, () => {
    it('answers the first 50 keys newest first, with nextCursor and a Link to the next page', async () => {
      const { ids, base, get } = await setup(119)
      const seen: string[] = []
      let url: string | undefined = base
      let pages = 0
      for (; url !== undefined && pages < 10; pages++) {
        const response = await get(url)
        expect(response.status).toBe(200)
        expect(response.headers.get('cache-control')).toBe('no-store')
        const page = (await response.json()) as PageJson
        seen.push(...page.keys.map((key) => key.id))
        const link = nextLink(response.headers.get('link'))
        if (page.nextCursor === null) {
          expect(response.headers.get('link')).toBeNull()
          url = undefined
        } else {
          expect(page.keys).toHaveLength(50)
          expect(link).toBe(`?limit=50&cursor=${page.nextCursor}`)
          url = new URL(link!, response.url).href
        }
      }
      expect(pages).toBe(3)
      expect(seen).toEqual([...ids].reverse())
    })

    it('filters by status and a case-insensitive name prefix, and its Link keeps them', async () => {
      const { keyward, ids, get } = await setup(12)
      await keyward.keys.revoke(ids[4]!)
      await keyward.keys.revoke(ids[10]!)
      const revoked = await get('?status=revoked&limit=1')
      const first = (await revoked.json()) as PageJson
      expect(first.keys.map((key) => [key.id, key.status])).toEqual([[ids[10], 'revoked']])
      const link = nextLink(revoked.headers.get('link'))!
      expect(new URLSearchParams(link.slice(1)).get('status')).toBe('revoked')
      const second = (await (await get(new URL(link, revoked.url).href)).json()) as PageJson
      expect(second.keys.map((key) => key.id)).toEqual([ids[4]])
      expect(second.nextCursor).toBeNull()

      // Devices 9 and 3 (ids[10], ids[4]) are revoked: absent without a status filter.
      const named = await get('?name=dEvIcE&limit=1')
      const page = (await named.json()) as PageJson
      expect(page.keys.map((key) => key.name)).toEqual(['Device 6'])
      const next = new URLSearchParams(nextLink(named.headers.get('link'))!.slice(1))
      expect([next.get('name'), next.get('limit')]).toEqual(['dEvIcE', '1'])
      const rest = (await (await get(`?${next}`)).json()) as PageJson
      expect(rest.keys.map((key) => key.name)).toEqual(['Device 0'])
      expect(rest.nextCursor).toBeNull()
    })

    it('judges expiry at the request: status=expired and status=active split the keys', async () => {
      const { advance, ids, get } = await setup(3)
      advance(30 * DAY - 1_500)
      const expired = (await (await get('?status=expired')).json()) as PageJson
      const active = (await (await get('?status=active')).json()) as PageJson
      expect(expired.keys.map((key) => key.id)).toEqual([ids[1]])
      expect(active.keys.map((key) => key.id)).toEqual([ids[3], ids[2], ids[0]])
    })

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=1e1', 'limit'],
      ['limit=%2B5', 'limit'],
      ['limit=5.0', 'limit'],
      ['limit=0x10', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['status=lost', 'status'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['cursor=%00%01', 'cursor'],
      [`name=${'n'.repeat(101)}`, 'name'],
    ])('answers 422 naming the parameter for ?%s', async (query, field) => {
      const { get } = await setup(0)
      const response = await get(`?${query}`)
      expect(response.status).toBe(422)
      expect(response.headers.get('cache-control')).toBe('no-store')
      const problem = (await response.json()) as { code: string; field?: string }
      expect(problem).toMatchObject({ code: 'invalid_argument', field })
    })

    it('says what is wrong with limit: a decimal integer from 1 to 100, given once', async () => {
      const { get } = await setup(0)
      for (const [query, detail] of [
        ['?limit=1e2', 'limit must be an integer from 1 to 100.'],
        ['?limit=1&limit=2', 'Give limit at most once.'],
      ]) {
        const problem = (await (await get(query!)).json()) as { detail?: string; message?: string }
        expect(JSON.stringify(problem)).toContain(detail)
      }
    })

    it('accepts limit=100, and a cursor from another owner only as a place in the order', async () => {
      const { ids, get } = await setup(120)
      const page = (await (await get('?limit=100')).json()) as PageJson
      expect(page.keys).toHaveLength(100)
      expect(page.keys[0]!.id).toBe(ids.at(-1))
      const rest = (await (await get(`?limit=100&cursor=${page.nextCursor}`)).json()) as PageJson
      expect(rest.keys.map((key) => key.id)).toEqual(ids.slice(0, 21).reverse())
    })
  })
}
