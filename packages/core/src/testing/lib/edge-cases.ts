/**
 * The management-API cases of the edge routes (`GET /edge/changes`, `POST /edge/lookup`) over
 * real HTTP, registered by `managementConformance`: only the deployment's edge secret opens
 * them, the feed answers the whole state and then changes since a version, and a lookup
 * answers for a digest it is given with the record an edge verifier needs, never a hash.
 */
import { describe, expect, it } from 'vitest'
import type { ManagementApiOptions } from '../../http/management/api.js'
import { createKeyward } from '../../keyward.js'
import { conformanceScopes as scopes } from '../adapter-cases.js'
import type { CheckResponse, ServeManagement } from '../served.js'
import { checked } from './management-cases.js'
import { servedApps } from './served-apps.js'

const SECRET = 'edge-secret-of-the-conformance-cases-0123456789'

/** Registers the edge-route cases for `adapter` on apps `serve` builds. */
export function edgeCases(adapter: string, serve: ServeManagement, check?: CheckResponse): void {
  const opened = servedApps()

  async function setup(options: ManagementApiOptions = { edge: { secret: SECRET } }) {
    const keyward = createKeyward<string>({ prefix: 'kw_test', scopes })
    const served = await serve(keyward, options, { authenticateFirst: false })
    opened.push(served)
    const admin = await keyward.keys.create({
      name: 'admin',
      ownerId: 'org_1',
      scopes: ['*'],
      expiresIn: '30d',
    })
    const call = async (
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: unknown,
    ) =>
      checked(
        check,
        { origin: served.url, options },
        method,
        `/api-keys${path}`,
        await fetch(`${served.url}/api-keys${path}`, {
          method,
          headers: {
            ...headers,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      )
    const edge = { 'keyward-edge-secret': SECRET }
    return { keyward, admin, call, edge }
  }

  describe(`${adapter}: management API edge routes`, () => {
    it('open to the edge secret only: 401 without it or with a wrong one, 403 for an API key, even a manager', async () => {
      const { admin, call } = await setup()
      const digest = { digest: 'A'.repeat(43) }
      for (const [method, path, body] of [
        ['GET', '/edge/changes', undefined],
        ['POST', '/edge/lookup', digest],
      ] as const) {
        expect((await call(method, path, {}, body)).status).toBe(401)
        expect(
          (await call(method, path, { 'keyward-edge-secret': `${SECRET}x` }, body)).status,
        ).toBe(401)
        const manager = await call(method, path, { authorization: `Bearer ${admin.token}` }, body)
        expect(manager.status).toBe(403)
        expect(((await manager.json()) as { code: string }).code).toBe('forbidden')
      }
    })

    it('are 404, like any unknown route, unless the API serves an edge deployment', async () => {
      const { admin, call, edge } = await setup({})
      const headers = { ...edge, authorization: `Bearer ${admin.token}` }
      expect((await call('GET', '/edge/changes', headers)).status).toBe(404)
      const body = { digest: 'A'.repeat(43) }
      expect((await call('POST', '/edge/lookup', headers, body)).status).toBe(404)
    })

    it('serve the whole revocation state, then the changes since its version', async () => {
      const { keyward, call, edge } = await setup()
      const doomed = await keyward.keys.create({
        name: 'doomed',
        ownerId: 'org_2',
        scopes: ['projects:read'],
        expiresIn: '1d',
      })
      const first = await call('GET', '/edge/changes', edge)
      expect(first.status).toBe(200)
      expect(first.headers.get('cache-control')).toBe('no-store')
      const whole = (await first.json()) as { version: string; snapshot: { revoked: unknown[] } }
      expect(whole.snapshot.revoked).toEqual([])
      await keyward.keys.revoke(doomed.key.id)
      const since = await call('GET', `/edge/changes?since=${whole.version}`, edge)
      const page = (await since.json()) as { version: string; changes: { type: string }[] }
      expect(page.changes).toContainEqual(
        expect.objectContaining({ type: 'revoked', id: doomed.key.id }),
      )
      expect(page.version).not.toBe(whole.version)
      const bad = await call('GET', '/edge/changes?since=nonsense', edge)
      expect(bad.status).toBe(422)
      expect(((await bad.json()) as { field: string }).field).toBe('since')
    })

    it('look a key up by the digest it is given, with what an edge verifier needs and never its hash', async () => {
      const { keyward, call, edge } = await setup()
      const { key } = await keyward.keys.create({
        name: 'worker',
        ownerId: 'org_2',
        scopes: ['projects:read'],
        expiresIn: '1d',
        allowedIps: ['203.0.113.0/24'],
      })
      const digest = (await keyward.store.get(key.id))?.hash as string
      const found = await call('POST', '/edge/lookup', edge, { digest })
      expect(found.status).toBe(200)
      const text = await found.text()
      expect(text).not.toContain(digest)
      const { key: record } = JSON.parse(text) as { key: Record<string, unknown> }
      expect(record).toMatchObject({
        id: key.id,
        ownerId: 'org_2',
        scopes: ['projects:read'],
        expiresAt: key.expiresAt,
        allowedIps: ['203.0.113.0/24'],
      })
      expect(record).not.toHaveProperty('hash')
      const unknown = await call('POST', '/edge/lookup', edge, { digest: 'B'.repeat(43) })
      expect(unknown.status).toBe(404)
      const malformed = await call('POST', '/edge/lookup', edge, { digest: 'short' })
      expect(malformed.status).toBe(422)
      expect(((await malformed.json()) as { field: string }).field).toBe('digest')
    })
  })
}
