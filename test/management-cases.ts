/**
 * One suite of management-API cases over real HTTP that drives both adapters
 * (`apiKeysRouter` for Express, `apiKeyRoutes` for Hono), so they cannot drift apart: each
 * adapter's test only says how to serve the API, and calls {@link managementSuite}.
 * Not a test file itself.
 */
import {
  type AccessTokenIssuer,
  createKeyward,
  defineScopes,
  type Keyward,
  type ManagementApiOptions,
} from '@keyward/core'
import { afterEach, describe, expect, it } from 'vitest'

export const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'api_keys:manage': 'Manage API keys',
})

/** A running server with the management API mounted at `/api-keys`. */
export interface Served {
  /** `http://127.0.0.1:<port>` */
  url: string
  close(): Promise<void>
}

/** Serves `keyward`'s management API at `/api-keys` on 127.0.0.1, port 0. */
export type Serve = (keyward: Keyward<string>, options: ManagementApiOptions) => Promise<Served>

const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 26)

/** An issuer standing in for `@keyward/jwt`: it mints a recognisable string. */
const fakeIssuer: AccessTokenIssuer = {
  async issueAccessToken(key, options = {}) {
    return { accessToken: `at.${key.id}`, expiresIn: 300, scopes: options.scopes ?? key.scopes }
  },
}

export function managementSuite(adapter: string, serve: Serve): void {
  const opened: Served[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((served) => served.close()))
  })

  async function setup(options: ManagementApiOptions = {}) {
    const keyward = createKeyward<string>({ prefix: 'kw_test', scopes, now: () => T0 })
    const served = await serve(keyward, options)
    opened.push(served)
    const admin = await keyward.keys.create({
      name: 'admin',
      ownerId: 'org_1',
      scopes: ['*'],
      expiresIn: '30d',
    })
    /** Sends `body` as given when a string, else as JSON. */
    const call = (
      method: string,
      path: string,
      body?: unknown,
      token = admin.token,
      headers = {},
    ) =>
      fetch(`${served.url}/api-keys${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined
          ? {}
          : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      })
    const grantsOf = async (grants: string[], ownerId = 'org_1') =>
      keyward.keys.create({ name: 'limited', ownerId, scopes: grants, expiresIn: '30d' })
    return { keyward, admin, call, grantsOf }
  }

  const problem = async (response: Response) => {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    return (await response.json()) as Record<string, unknown>
  }

  const input = { name: 'CI deploy', scopes: ['projects:read'], expiresIn: '90d' }

  describe(`${adapter} management API over HTTP`, () => {
    it('authenticates by itself: no token is 401 with a Bearer challenge, a bad one 401 invalid_token', async () => {
      const { call } = await setup()
      const anonymous = await fetch(`${(opened[0] as Served).url}/api-keys`)
      expect(anonymous.status).toBe(401)
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="api"')
      const bad = await call('GET', '', undefined, 'kw_test_nope')
      expect(bad.status).toBe(401)
      expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"')
    })

    it('POST creates a key (201, no-store) whose token works; the response never holds a hash', async () => {
      const { call, keyward } = await setup()
      const response = await call('POST', '', { ...input, metadata: { team: 'infra' } })
      expect(response.status).toBe(201)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      const { key, token } = (await response.json()) as {
        key: Record<string, unknown>
        token: string
      }
      expect(key).toEqual({
        id: expect.stringMatching(/^key_[0-9A-Za-z]{16}$/),
        name: 'CI deploy',
        hint: expect.stringMatching(/^kw_test_[0-9A-Za-z]{4}…$/),
        ownerId: 'org_1',
        scopes: ['projects:read'],
        createdAt: new Date(T0).toISOString(),
        expiresAt: new Date(T0 + 90 * DAY).toISOString(),
        lastUsedAt: null,
        metadata: { team: 'infra' },
      })
      await expect(keyward.verify(token, { scopes: ['projects:read'] })).resolves.toMatchObject({
        id: key.id,
      })
    })

    it('reads a JSON body whatever its content type (curl -d sends form-urlencoded)', async () => {
      const { call } = await setup()
      const response = await call('POST', '', JSON.stringify(input), undefined, {
        'content-type': 'application/x-www-form-urlencoded',
      })
      expect(response.status).toBe(201)
    })

    it('GET lists the caller’s owner’s live keys only; GET /:id of another owner is 404', async () => {
      const { call, keyward } = await setup()
      const mine = await keyward.keys.create({ ...input, ownerId: 'org_1' })
      const theirs = await keyward.keys.create({ ...input, ownerId: 'org_2' })
      const list = await call('GET', '')
      expect(list.status).toBe(200)
      const { keys } = (await list.json()) as { keys: { id: string; ownerId: string }[] }
      expect(keys).toHaveLength(2)
      expect(keys.map((k) => k.id)).toContain(mine.key.id)
      expect(keys.every((k) => k.ownerId === 'org_1' && !('hash' in k))).toBe(true)

      const one = await call('GET', `/${mine.key.id}`)
      expect(one.status).toBe(200)
      expect(await one.json()).toMatchObject({ id: mine.key.id, name: 'CI deploy' })
      const other = await call('GET', `/${theirs.key.id}`)
      expect(other.status).toBe(404)
      expect(await problem(other)).toMatchObject({ status: 404, code: 'not_found' })
    })

    it('PATCH renames, moves the expiry and narrows scopes; widening is 422; another owner’s key is 404', async () => {
      const { call, keyward } = await setup()
      const { key } = await keyward.keys.create({
        ...input,
        scopes: ['projects:*'],
        ownerId: 'org_1',
      })
      const at = new Date(T0 + 10 * DAY).toISOString()
      const patched = await call('PATCH', `/${key.id}`, {
        name: 'renamed',
        expiresAt: at,
        scopes: ['projects:read'],
      })
      expect(patched.status).toBe(200)
      expect(await patched.json()).toMatchObject({
        name: 'renamed',
        expiresAt: at,
        scopes: ['projects:read'],
      })
      const widen = await call('PATCH', `/${key.id}`, { scopes: ['projects:write'] })
      expect(widen.status).toBe(422)
      expect((await problem(widen)).field).toBe('scopes')
      const theirs = await keyward.keys.create({ ...input, ownerId: 'org_2' })
      expect((await call('PATCH', `/${theirs.key.id}`, { name: 'x' })).status).toBe(404)
    })

    it('POST /:id/rotate answers a new token (201, no-store); the old token stops at once', async () => {
      const { call, keyward } = await setup()
      const old = await keyward.keys.create({
        ...input,
        scopes: ['api_keys:manage'],
        ownerId: 'org_1',
      })
      const rotated = await call('POST', `/${old.key.id}/rotate`)
      expect(rotated.status).toBe(201)
      expect(rotated.headers.get('cache-control')).toBe('no-store')
      const { key, token } = (await rotated.json()) as {
        key: { id: string; rotatedFrom: string }
        token: string
      }
      expect(key.rotatedFrom).toBe(old.key.id)
      expect((await call('GET', '', undefined, token)).status).toBe(200)
      const stale = await call('GET', '', undefined, old.token)
      expect(stale.status).toBe(401)
      expect(stale.headers.get('www-authenticate')).toContain('error="invalid_token"')
      expect((await call('POST', `/${old.key.id}/rotate`, { gracePeriod: '48h' })).status).toBe(404)
      const graceTooLong = await call('POST', `/${key.id}/rotate`, { gracePeriod: '48h' })
      expect(graceTooLong.status).toBe(422)
      expect((await problem(graceTooLong)).field).toBe('gracePeriod')
    })

    it('DELETE revokes (204, empty body): the token is refused from then on; another owner’s key is 404', async () => {
      const { call, keyward } = await setup()
      const victim = await keyward.keys.create({
        ...input,
        scopes: ['api_keys:manage'],
        ownerId: 'org_1',
      })
      const deleted = await call('DELETE', `/${victim.key.id}`)
      expect(deleted.status).toBe(204)
      expect(await deleted.text()).toBe('')
      expect((await call('GET', '', undefined, victim.token)).status).toBe(401)
      expect((await call('DELETE', `/${victim.key.id}`)).status).toBe(404)
      const theirs = await keyward.keys.create({ ...input, ownerId: 'org_2' })
      expect((await call('DELETE', `/${theirs.key.id}`)).status).toBe(404)
      await expect(keyward.verify(theirs.token)).resolves.toBeDefined()
    })

    it('POST /revoke-all revokes every key of the caller’s owner, the caller included', async () => {
      const { call, keyward } = await setup()
      const mine = await keyward.keys.create({ ...input, ownerId: 'org_1' })
      const theirs = await keyward.keys.create({ ...input, ownerId: 'org_2' })
      const response = await call('POST', '/revoke-all')
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ revokedBefore: new Date(T0).toISOString() })
      await expect(keyward.verify(mine.token)).rejects.toMatchObject({ code: 'revoked_token' })
      await expect(keyward.verify(theirs.token)).resolves.toBeDefined()
      expect((await call('GET', '')).status).toBe(401)
    })

    it('requires the manage scope: 403 insufficient_scope with a challenge naming it', async () => {
      const { call, grantsOf } = await setup()
      const reader = await grantsOf(['projects:read'])
      const response = await call('GET', '', undefined, reader.token)
      expect(response.status).toBe(403)
      expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
      expect(response.headers.get('www-authenticate')).toContain('scope="api_keys:manage"')
      expect(await problem(response)).toMatchObject({
        code: 'insufficient_scope',
        missingScopes: ['api_keys:manage'],
      })
    })

    it('grants only what the caller holds: 403 naming the missing scopes', async () => {
      const { call, grantsOf, keyward } = await setup()
      const manager = await grantsOf(['api_keys:manage', 'projects:read'])
      const response = await call(
        'POST',
        '',
        { ...input, scopes: ['projects:write'] },
        manager.token,
      )
      expect(response.status).toBe(403)
      expect(await problem(response)).toMatchObject({ missingScopes: ['projects:write'] })
      expect((await keyward.keys.list('org_1')).length).toBe(2)
      expect((await call('POST', '', input, manager.token)).status).toBe(201)
    })

    it.each([
      [
        'a past expiry',
        { ...input, expiresIn: undefined, expiresAt: '2020-01-01T00:00:00.000Z' },
        'expiresAt',
      ],
      ['an expiry over a year', { ...input, expiresIn: '400d' }, 'expiresIn'],
      ['an unknown scope', { ...input, scopes: ['projects:delete'] }, 'scopes[0]'],
      ['a blank name', { ...input, name: ' ' }, 'name'],
      ['an unknown field', { ...input, owner: 'org_2' }, 'owner'],
      ['an ownerId', { ...input, ownerId: 'org_2' }, 'ownerId'],
    ])('answers 422 problem+json naming the field for %s', async (_, body, field) => {
      const { call } = await setup()
      const response = await call('POST', '', body)
      expect(response.status).toBe(422)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(await problem(response)).toMatchObject({
        status: 422,
        code: 'invalid_argument',
        field,
      })
    })

    it('answers 400 for malformed JSON and 413 for a body over the limit', async () => {
      const { call } = await setup({ maxBodyBytes: 1024 })
      const malformed = await call('POST', '', '{"name": "x",')
      expect(malformed.status).toBe(400)
      expect(await problem(malformed)).toMatchObject({ code: 'invalid_request' })
      const large = await call('POST', '', { ...input, metadata: { blob: 'x'.repeat(2048) } })
      expect(large.status).toBe(413)
      expect(await problem(large)).toMatchObject({ status: 413, code: 'request_too_large' })
      expect((await call('POST', '', input)).status).toBe(201)
    })

    it('POST /token is 404 without an issuer, and mints without the manage scope when one is set', async () => {
      const without = await setup()
      expect((await without.call('POST', '/token')).status).toBe(404)

      const { call, grantsOf } = await setup({ accessTokens: fakeIssuer })
      const reader = await grantsOf(['projects:read', 'projects:write'])
      const response = await call('POST', '/token', { scope: 'projects:read' }, reader.token)
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(await response.json()).toEqual({
        access_token: `at.${reader.key.id}`,
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'projects:read',
      })
      const lacking = await call('POST', '/token', { scope: 'api_keys:manage' }, reader.token)
      expect(lacking.status).toBe(403)
    })

    it('answers 404 problem+json for an unknown route under the mount', async () => {
      const { call } = await setup()
      for (const [method, path] of [
        ['PUT', ''],
        ['GET', '/key_0000000000000000/rotate'],
        ['POST', '/key_0000000000000000'],
      ] as const) {
        const response = await call(method, path)
        expect(response.status, `${method} ${path}`).toBe(404)
        expect((await problem(response)).code).toBe('not_found')
      }
    })
  })
}
