/**
 * The `POST /api-keys/import` cases over real HTTP that every adapter answers alike (DESIGN.md,
 * "Rotation until first use, reuse, import"), registered by `managementConformance`.
 */
import { describe, expect, it } from 'vitest'
import { createKeyward } from '../../keyward.js'
import { conformanceScopes as scopes } from '../adapter-cases.js'
import type { CheckResponse, ServeManagement } from '../served.js'
import { checked } from './management-cases.js'
import { servedApps } from './served-apps.js'

const LEGACY = /^sk_[0-9a-f]{40}$/

/** A token of the older format, as the application issued it before Keyward. */
function legacyToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20))
  return `sk_${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`
}

/** SHA-256 of `token` as hex, as an export of another system may hold it. */
async function sha256Hex(token: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)),
  )
  return [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

interface ImportJson {
  imported: number
  duplicates: number
  invalid: number
  results: { index: number; status: string; id?: string; field?: string; message?: string }[]
}

/** Registers the import route cases for the adapter named `adapter`. */
export function managementImportCases(
  adapter: string,
  serve: ServeManagement,
  check?: CheckResponse,
): void {
  const opened = servedApps()

  /** An app accepting legacy tokens, whose owner `org_1` holds a manager key without `projects:write`. */
  async function setup() {
    const keyward = createKeyward<string>({ prefix: 'kw_test', scopes, legacyTokens: LEGACY })
    const served = await serve(keyward, {}, { authenticateFirst: false })
    opened.push(served)
    const manager = await keyward.keys.create({
      name: 'manager',
      ownerId: 'org_1',
      scopes: ['api_keys:manage', 'projects:read'],
      expiresIn: '90d',
    })
    const url = `${served.url}/api-keys/import`
    const send = async (body: unknown, token = manager.token, path = url) => {
      const response = await fetch(path, {
        method: path === url ? 'POST' : 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          ...(path === url ? { 'content-type': 'application/json' } : {}),
        },
        ...(path === url ? { body: JSON.stringify(body) } : {}),
      })
      const method = path === url ? 'POST' : 'GET'
      return checked(
        check,
        { origin: served.url, options: {} },
        method,
        new URL(path).pathname,
        response,
      )
    }
    return { keyward, base: `${served.url}/api-keys`, send }
  }

  const record = (fields: Record<string, unknown>) => ({
    name: 'Imported',
    scopes: ['projects:read'],
    expiresIn: '30d',
    ...fields,
  })

  describe(`${adapter} management API: POST /import`, () => {
    it("imports the caller's owner's records one by one, names each invalid one, and a re-run is all duplicates", async () => {
      const { keyward, base, send } = await setup()
      const [manageable, plain, hashed] = [legacyToken(), legacyToken(), legacyToken()]
      const keys = [
        record({ token: manageable, scopes: ['api_keys:manage'] }),
        record({ token: plain, ownerId: 'org_1' }),
        record({ hash: await sha256Hex(hashed) }),
        record({ token: legacyToken(), ownerId: 'org_2' }),
        record({ token: legacyToken(), scopes: ['projects:write'] }),
        record({ token: legacyToken(), color: 'blue' }),
        record({ token: 'no-format-we-know' }),
        record({ token: legacyToken(), expiresAt: 1_900_000_000_000 }),
      ]
      const first = await send({ keys })
      expect(first.status).toBe(200)
      expect(first.headers.get('cache-control')).toBe('no-store')
      const report = (await first.json()) as ImportJson
      expect(report.results.map(({ index, status, field }) => [index, status, field])).toEqual([
        [0, 'imported', undefined],
        [1, 'imported', undefined],
        [2, 'imported', undefined],
        [3, 'invalid', 'ownerId'],
        [4, 'invalid', 'scopes'],
        [5, 'invalid', 'color'],
        [6, 'invalid', 'token'],
        [7, 'invalid', 'expiresAt'],
      ])
      expect(report).toMatchObject({ imported: 3, duplicates: 0, invalid: 5 })
      const text = JSON.stringify(report)
      for (const token of [manageable, plain, hashed, 'no-format-we-know']) {
        expect(text).not.toContain(token)
      }
      expect(text).not.toContain(await sha256Hex(hashed))
      for (const token of [plain, hashed]) {
        await expect(keyward.verify(token)).resolves.toMatchObject({ ownerId: 'org_1' })
      }
      // A legacy token is a credential like any other, read from the Bearer header.
      const listed = await send(undefined, manageable, base)
      expect(listed.status).toBe(200)

      const again = await send({ keys: keys.slice(0, 3) })
      expect(await again.json()).toEqual({
        imported: 0,
        duplicates: 3,
        invalid: 0,
        results: [0, 1, 2].map((index) => ({ index, status: 'duplicate' })),
      })
    })

    it('refuses a body without records, or with more than 1000, as 422 naming keys', async () => {
      const { send } = await setup()
      for (const body of [{}, { keys: [] }, { keys: Array.from({ length: 1_001 }, () => ({})) }]) {
        const response = await send(body)
        expect(response.status).toBe(422)
        expect(await response.json()).toMatchObject({ code: 'invalid_argument', field: 'keys' })
      }
    })

    it('refuses a caller without the manage scope (403), importing nothing', async () => {
      const { keyward, send } = await setup()
      const reader = await keyward.keys.create({
        name: 'reader',
        ownerId: 'org_1',
        scopes: ['projects:read'],
        expiresIn: '1d',
      })
      const token = legacyToken()
      const response = await send({ keys: [record({ token })] }, reader.token)
      expect(response.status).toBe(403)
      await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'unknown_token' })
    })
  })
}
