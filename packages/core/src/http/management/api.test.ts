import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, KeywardError } from '../../errors.js'
import { createKeyward } from '../../keyward.js'
import { defineScopes } from '../../scopes.js'
import type { AccessTokenIssuer, VerifiedKey } from '../../types.js'
import type { ManagementBody, ManagementResponse } from '../request.js'
import { createManagementApi, type ManagementApiOptions } from './api.js'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 26)

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'api_keys:manage': 'Manage API keys',
})

/** A fake issuer that records what it was asked and mints a recognisable string. */
function fakeIssuer() {
  const calls: { key: VerifiedKey; options: unknown }[] = []
  const issuer: AccessTokenIssuer = {
    async issueAccessToken(key, options = {}) {
      calls.push({ key, options })
      if (options.ttl === '2h')
        throw new InvalidArgumentError('ttl', 'ttl must be at most 3600 seconds.')
      return { accessToken: 'eyJ.fake.jwt', expiresIn: 600, scopes: options.scopes ?? key.scopes }
    },
  }
  return { issuer, calls }
}

async function setup(options: ManagementApiOptions = {}) {
  const clock = { now: T0 }
  const keyward = createKeyward<string>({ prefix: 'kw_test', scopes, now: () => clock.now })
  const api = createManagementApi(keyward, options)
  const admin = await keyward.keys.create({
    name: 'admin',
    ownerId: 'org_1',
    scopes: ['*'],
    expiresIn: '30d',
  })
  const adminKey = await keyward.verify(admin.token)
  const call = (
    method: string,
    path: string,
    body?: unknown,
    apiKey: VerifiedKey = adminKey,
  ): Promise<ManagementResponse> =>
    api.handle({
      method,
      path,
      apiKey,
      body:
        body === undefined || typeof body === 'string' || isFailure(body)
          ? body
          : JSON.stringify(body),
    })
  /** A verified key of `ownerId` holding `grants`. */
  const caller = async (grants: string[], ownerId = 'org_1') => {
    const { token, key } = await keyward.keys.create({
      name: 'caller',
      ownerId,
      scopes: grants,
      expiresIn: '30d',
    })
    return { token, key, verified: await keyward.verify(token) }
  }
  return { keyward, api, clock, admin, adminKey, call, caller }
}

const isFailure = (body: unknown): body is ManagementBody =>
  typeof body === 'object' && body !== null && 'failure' in body

const problemOf = (response: ManagementResponse) => response.body as Record<string, unknown>
const created = { name: 'CI deploy', scopes: ['projects:read'], expiresIn: '90d' }

describe('createManagementApi options', () => {
  it('throws TypeError at once on bad configuration', async () => {
    const keyward = createKeyward({ scopes })
    expect(() => createManagementApi(keyward, { manageScope: 'keys:admin' })).toThrow(
      /^manageScope must be/,
    )
    expect(() => createManagementApi(keyward, { manageScope: '*' })).toThrow(TypeError)
    expect(() => createManagementApi(keyward, { selfRotateScope: 'keys:renew' })).toThrow(
      /^selfRotateScope must be a resource:action scope declared in the scope catalog/,
    )
    expect(() =>
      createManagementApi(keyward, { selfRotateScope: 42 as unknown as string }),
    ).toThrow(/^selfRotateScope must be/)
    expect(() => createManagementApi(keyward, { maxBodyBytes: 0 })).toThrow(/^maxBodyBytes must be/)
    expect(() =>
      createManagementApi(keyward, { accessTokens: {} as unknown as AccessTokenIssuer }),
    ).toThrow(/^accessTokens must/)
    expect(createManagementApi(keyward).manageScope).toBe('api_keys:manage')
    expect(createManagementApi(keyward).maxBodyBytes).toBe(16_384)
  })
})

describe('the route table', () => {
  it('never takes a literal segment for a key id, and answers a known path with another method 404', async () => {
    const { call, keyward, admin } = await setup({ accessTokens: fakeIssuer().issuer })
    const route = 'No such management route.'
    for (const [method, path] of [
      ['PATCH', '/catalog'],
      ['DELETE', '/revoke-all'],
      ['GET', '/rotate'],
      ['GET', '/token'],
      ['PUT', `/${admin.key.id}`],
      ['GET', `/${admin.key.id}/rotate`],
      ['POST', `/${admin.key.id}/rotate/now`],
    ] as const) {
      const response = await call(method, path)
      expect(response.status, `${method} ${path}`).toBe(404)
      expect(problemOf(response).detail, `${method} ${path}`).toBe(route)
    }
    // A key id in the id position reaches the key routes; a missing one is a missing key.
    const missing = await call('GET', '/key_0000000000000000')
    expect(missing.status).toBe(404)
    expect(problemOf(missing).detail).toBe('No such API key.')
    expect(await keyward.keys.get(admin.key.id)).toBeDefined()
  })

  it('resolves . and .. segments (%2E too) as URLs do; above the mount, empty, encoded or capitalised segments are 404', async () => {
    const { call, admin } = await setup()
    const id = admin.key.id
    const status = async (method: string, path: string) => (await call(method, path)).status
    for (const path of ['', '/', '/.', '/%2E', '/%2e/', '/catalog/..', '/catalog/%2E%2e']) {
      expect(await status('GET', path), path).toBe(200)
      expect(problemOf(await call('GET', path)), path).toHaveProperty('keys')
    }
    for (const path of [`/./${id}`, `/catalog/../${id}`, `/${id}/rotate/..`, `/${id}/.`]) {
      expect(problemOf(await call('GET', path)), path).toMatchObject({ id })
    }
    for (const path of [
      '/..',
      '/%2e%2e',
      `/../${id}`,
      `/${id}/`,
      `//${id}`,
      `/${id}%2F`,
      '/CATALOG',
    ]) {
      expect(await status('GET', path), path).toBe(404)
    }
    expect(await status('POST', `/${id}/ROTATE`)).toBe(404)
  })
})

describe('GET /openapi.json', () => {
  it('answers the document to anyone, before any credential or principal is read', async () => {
    const keyward = createKeyward<string>({ scopes })
    const api = createManagementApi(keyward, { openApi: { mountPath: '/keys' } })
    for (const request of [
      { method: 'GET', path: '/openapi.json' },
      { method: 'GET', path: '/openapi.json', header: () => 'Bearer kw_test_garbage' },
      {
        method: 'GET',
        path: '/openapi.json',
        principal: { ownerId: 'o', scopes: [], actor: 'person:x' },
      },
    ]) {
      const response = await api.handle(request)
      expect(response.status).toBe(200)
      expect(response.headers['cache-control']).toBe('public, max-age=300')
      expect(response.body).toMatchObject({
        openapi: '3.1.0',
        paths: { '/keys/{id}/rotate': { post: { operationId: 'rotateKey' } } },
      })
    }
  })

  it('is only a GET, and not served with openApi: false', async () => {
    const { call } = await setup({ openApi: false })
    expect((await call('GET', '/openapi.json')).status).toBe(404)
    const served = await setup()
    expect((await served.call('POST', '/openapi.json')).status).toBe(404)
    expect((await served.call('GET', '/openapi.json')).status).toBe(200)
  })

  it('throws TypeError at once on a bad openApi option', () => {
    const keyward = createKeyward<string>({ scopes })
    expect(() => createManagementApi(keyward, { openApi: 'yes' as never })).toThrow(
      /^openApi must be an object/,
    )
    expect(() => createManagementApi(keyward, { openApi: { mountPath: 'keys' } })).toThrow(
      /^mountPath must be a path starting with \//,
    )
  })
})

describe('POST /', () => {
  it('creates a key of the caller’s owner and shows its token once, with no-store', async () => {
    const { call, keyward } = await setup()
    const response = await call('POST', '/', { ...created, metadata: { team: 'infra' } })
    expect(response.status).toBe(201)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    const { key, token } = response.body as { key: Record<string, unknown>; token: string }
    expect(token).toMatch(/^kw_test_/)
    expect(key).toEqual({
      id: expect.stringMatching(/^key_/),
      name: 'CI deploy',
      hint: expect.stringMatching(/^kw_test_.{4}…$/),
      ownerId: 'org_1',
      scopes: ['projects:read'],
      createdAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + 90 * DAY).toISOString(),
      lastUsedAt: null,
      status: 'active',
      metadata: { team: 'infra' },
    })
    expect(key).not.toHaveProperty('hash')
    expect((await keyward.verify(token)).ownerId).toBe('org_1')
  })

  it('accepts expiresAt as an ISO 8601 string and expiresIn as seconds', async () => {
    const { call } = await setup()
    const at = new Date(T0 + 10 * DAY).toISOString()
    const byDate = await call('POST', '', { name: 'a', scopes: ['projects:read'], expiresAt: at })
    expect((byDate.body as { key: { expiresAt: string } }).key.expiresAt).toBe(at)
    const bySeconds = await call('POST', '/', {
      name: 'b',
      scopes: ['projects:read'],
      expiresIn: 3600,
    })
    expect((bySeconds.body as { key: { expiresAt: string } }).key.expiresAt).toBe(
      new Date(T0 + 3_600_000).toISOString(),
    )
  })

  it.each([
    [
      'a past expiry',
      { ...created, expiresIn: undefined, expiresAt: '2020-01-01T00:00:00Z' },
      'expiresAt',
    ],
    ['an expiry over a year', { ...created, expiresIn: '400d' }, 'expiresIn'],
    ['a numeric expiresAt', { ...created, expiresIn: undefined, expiresAt: T0 + DAY }, 'expiresAt'],
    ['no expiry', { name: 'x', scopes: ['projects:read'] }, 'expiresAt'],
    ['an unknown scope', { ...created, scopes: ['projects:read', 'projects:delete'] }, 'scopes[1]'],
    ['a malformed scope', { ...created, scopes: ['Projects'] }, 'scopes[0]'],
    ['a blank name', { ...created, name: '   ' }, 'name'],
    ['a name over 100 characters', { ...created, name: 'x'.repeat(101) }, 'name'],
    ['metadata that is not an object', { ...created, metadata: [1] }, 'metadata'],
    ['an unknown field', { ...created, colour: 'blue' }, 'colour'],
    ['an ownerId', { ...created, ownerId: 'org_2' }, 'ownerId'],
    ['a body that is not an object', [created], 'body'],
  ])('answers 422 problem+json naming the field for %s', async (_, body, field) => {
    const { call, keyward } = await setup()
    const response = await call('POST', '/', body)
    expect(response.status).toBe(422)
    expect(response.headers['content-type']).toBe('application/problem+json')
    expect(problemOf(response)).toMatchObject({ status: 422, code: 'invalid_argument', field })
    expect(await keyward.keys.list('org_2')).toEqual([])
  })

  it('grants only scopes the caller holds (least privilege), naming the missing ones', async () => {
    const { call, caller, keyward } = await setup()
    const { verified } = await caller(['api_keys:manage', 'projects:read'])
    const refused = await call(
      'POST',
      '/',
      { ...created, scopes: ['projects:read', 'projects:write'] },
      verified,
    )
    expect(refused.status).toBe(403)
    expect(problemOf(refused)).toMatchObject({
      code: 'insufficient_scope',
      missingScopes: ['projects:write'],
    })
    expect(refused.headers['www-authenticate']).toContain('error="insufficient_scope"')
    const wildcard = await call('POST', '/', { ...created, scopes: ['projects:*'] }, verified)
    expect(problemOf(wildcard).missingScopes).toEqual(['projects:*'])
    expect((await keyward.keys.list('org_1')).map((k) => k.name).sort()).toEqual([
      'admin',
      'caller',
    ])

    const allowed = await call('POST', '/', created, verified)
    expect(allowed.status).toBe(201)
  })

  it('lets a projects:* holder grant projects:write', async () => {
    const { call, caller } = await setup()
    const { verified } = await caller(['api_keys:manage', 'projects:*'])
    const response = await call('POST', '/', { ...created, scopes: ['projects:write'] }, verified)
    expect(response.status).toBe(201)
  })
})

describe('bodies', () => {
  it('answers 400 for malformed JSON', async () => {
    const { call } = await setup()
    const response = await call('POST', '/', '{"name": ')
    expect(response.status).toBe(400)
    expect(problemOf(response)).toMatchObject({
      code: 'invalid_request',
      detail: 'The request body is not valid JSON.',
    })
  })

  it('answers 413 for a body over maxBodyBytes, counted in bytes', async () => {
    const { call } = await setup({ maxBodyBytes: 100 })
    const big = JSON.stringify({ ...created, name: 'é'.repeat(40) })
    expect(big.length).toBeLessThan(100)
    const response = await call('POST', '/', big)
    expect(response.status).toBe(413)
    expect(problemOf(response)).toMatchObject({ code: 'request_too_large', status: 413 })
    expect((await call('POST', '/', { failure: 'too_large' })).status).toBe(413)
    expect((await call('POST', '/', { failure: 'unreadable' })).status).toBe(400)
  })

  it('checks the manage scope before reading the body', async () => {
    const { call, caller } = await setup()
    const { verified } = await caller(['projects:read'])
    expect((await call('POST', '/', '{not json', verified)).status).toBe(403)
  })
})

describe('GET / and GET /:id', () => {
  it('lists only the caller’s owner’s live keys', async () => {
    const { call, keyward } = await setup()
    const mine = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    await keyward.keys.create({ ...created, ownerId: 'org_2' })
    const gone = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    await keyward.keys.revoke(gone.key.id)
    const response = await call('GET', '/')
    expect(response.status).toBe(200)
    const { keys } = response.body as { keys: { id: string; ownerId: string }[] }
    // The caller's own key and `mine`, created in the same millisecond: their order is the ids'.
    const ids = keys.map((k) => k.id)
    expect(ids).toHaveLength(2)
    expect(ids).toContain(mine.key.id)
    expect(ids).not.toContain(gone.key.id)
    expect(keys.every((k) => k.ownerId === 'org_1' && !('hash' in k))).toBe(true)
  })

  it('shows one key, and answers 404 for another owner’s, an unknown or a revoked one', async () => {
    const { call, keyward } = await setup()
    const mine = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    const theirs = await keyward.keys.create({ ...created, ownerId: 'org_2' })
    const response = await call('GET', `/${mine.key.id}`)
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ id: mine.key.id, name: 'CI deploy', lastUsedAt: null })
    for (const path of [`/${theirs.key.id}`, '/key_0000000000000000', '/not-a-key']) {
      const missing = await call('GET', path)
      expect(missing.status).toBe(404)
      expect(problemOf(missing).code).toBe('not_found')
    }
    await keyward.keys.revoke(mine.key.id)
    expect((await call('GET', `/${mine.key.id}`)).status).toBe(404)
  })

  it('shows lastUsedAt as ISO 8601 once the key was used', async () => {
    const { call, keyward, clock } = await setup()
    const { token, key } = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    clock.now = T0 + 5_000
    await keyward.verify(token)
    await new Promise((resolve) => setTimeout(resolve, 0))
    const response = await call('GET', `/${key.id}`)
    expect((response.body as { lastUsedAt: string }).lastUsedAt).toBe(
      new Date(T0 + 5_000).toISOString(),
    )
  })
})

describe('the manage scope', () => {
  it('is required by every route but POST /token, with a 403 challenge naming it', async () => {
    const { call, caller } = await setup({ accessTokens: fakeIssuer().issuer })
    const { verified, key } = await caller(['projects:read', 'projects:write'])
    const routes: [string, string, unknown?][] = [
      ['GET', '/'],
      ['POST', '/', created],
      ['GET', `/${key.id}`],
      ['PATCH', `/${key.id}`, { name: 'x' }],
      ['POST', `/${key.id}/rotate`],
      ['DELETE', `/${key.id}`],
      ['POST', '/revoke-all'],
    ]
    for (const [method, path, body] of routes) {
      const response = await call(method, path, body, verified)
      expect(response.status, `${method} ${path}`).toBe(403)
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope", error_description="The API key lacks the scope api_keys:manage.", scope="api_keys:manage"',
      )
      expect(problemOf(response).missingScopes).toEqual(['api_keys:manage'])
    }
    expect((await call('POST', '/token', undefined, verified)).status).toBe(200)
  })

  it('can be configured', async () => {
    const { call, caller } = await setup({ manageScope: 'projects:write' })
    const { verified } = await caller(['projects:write', 'projects:read'])
    expect((await call('GET', '/', undefined, verified)).status).toBe(200)
  })
})

describe('PATCH /:id', () => {
  it('renames, moves the expiry and narrows the scopes', async () => {
    const { call, keyward } = await setup()
    const { token, key } = await keyward.keys.create({
      ...created,
      scopes: ['projects:*'],
      ownerId: 'org_1',
    })
    const at = new Date(T0 + 7 * DAY).toISOString()
    const response = await call('PATCH', `/${key.id}`, {
      name: 'renamed',
      expiresAt: at,
      scopes: ['projects:read'],
    })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({
      id: key.id,
      name: 'renamed',
      expiresAt: at,
      scopes: ['projects:read'],
    })
    await expect(keyward.verify(token, { scopes: ['projects:write'] })).rejects.toMatchObject({
      code: 'insufficient_scope',
    })
  })

  it('refuses to widen scopes (422), even for a caller holding them', async () => {
    const { call, keyward } = await setup()
    const { key } = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    const response = await call('PATCH', `/${key.id}`, {
      scopes: ['projects:read', 'projects:write'],
    })
    expect(response.status).toBe(422)
    expect(problemOf(response)).toMatchObject({
      field: 'scopes',
      detail: 'scopes can only be narrowed; create a new key for more scopes.',
    })
  })

  it('refuses a caller whose scopes do not cover the key or the new scopes (403)', async () => {
    const { call, caller, keyward } = await setup()
    const { verified } = await caller(['api_keys:manage', 'projects:read'])
    const narrow = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    const widen = await call('PATCH', `/${narrow.key.id}`, { scopes: ['projects:write'] }, verified)
    expect(widen.status).toBe(403)
    expect(problemOf(widen).missingScopes).toEqual(['projects:write'])

    const broad = await keyward.keys.create({ ...created, scopes: ['*'], ownerId: 'org_1' })
    const rename = await call('PATCH', `/${broad.key.id}`, { name: 'mine now' }, verified)
    expect(rename.status).toBe(403)
    expect(problemOf(rename).missingScopes).toEqual(['*'])
    expect((await keyward.keys.get(broad.key.id))?.name).toBe('CI deploy')
  })

  it.each([
    ['a past expiry', { expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
    ['an expiry over a year', { expiresIn: '366d' }, 'expiresIn'],
    ['a blank name', { name: '' }, 'name'],
    ['an unknown scope', { scopes: ['projects:delete'] }, 'scopes[0]'],
    ['an unknown field', { hash: 'x' }, 'hash'],
    ['an ownerId', { ownerId: 'org_2' }, 'ownerId'],
    ['an empty body', undefined, 'body'],
  ])('answers 422 naming the field for %s', async (_, body, field) => {
    const { call, keyward } = await setup()
    const { key } = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    const response = await call('PATCH', `/${key.id}`, body)
    expect(response.status).toBe(422)
    expect(problemOf(response).field).toBe(field)
  })

  it('answers 422 for an expiresAt that is not an ISO 8601 string, and leaves the key as it was', async () => {
    const { call, keyward } = await setup()
    const { key } = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    const response = await call('PATCH', `/${key.id}`, { expiresAt: T0 + 7 * DAY })
    expect(response.status).toBe(422)
    expect(problemOf(response)).toMatchObject({
      field: 'expiresAt',
      detail: 'expiresAt must be an ISO 8601 string.',
    })
    expect((await keyward.keys.get(key.id))?.expiresAt).toBe(key.expiresAt)
  })

  it('names the fields it takes when the body changes nothing', async () => {
    const { call, keyward } = await setup()
    const { key } = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    const response = await call('PATCH', `/${key.id}`, {})
    expect(response.status).toBe(422)
    expect(problemOf(response).detail).toBe(
      'Give at least one of name, scopes, expiresAt, expiresIn, metadata, rateLimits, credits, allowedIps.',
    )
  })

  it('tells a key which of its own fields it may not change', async () => {
    const { call, caller, keyward } = await setup()
    const self = await caller(['api_keys:manage'])
    const response = await call(
      'PATCH',
      `/${self.key.id}`,
      { expiresIn: '1d', rateLimits: [] },
      self.verified,
    )
    expect(response.status).toBe(403)
    expect(problemOf(response).detail).toBe(
      'An API key cannot change its own expiresIn, rateLimits; use another key or ask its owner.',
    )
    expect((await keyward.keys.get(self.key.id))?.expiresAt).toBe(self.key.expiresAt)
  })

  it('answers 404 for another owner’s key and leaves it unchanged', async () => {
    const { call, keyward } = await setup()
    const { key } = await keyward.keys.create({ ...created, ownerId: 'org_2' })
    expect((await call('PATCH', `/${key.id}`, { name: 'stolen' })).status).toBe(404)
    expect((await keyward.keys.get(key.id))?.name).toBe('CI deploy')
  })
})

describe('POST /:id/rotate', () => {
  it('issues a new token with no-store; the old one stops at once by default', async () => {
    const { call, keyward } = await setup()
    const old = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    const response = await call('POST', `/${old.key.id}/rotate`)
    expect(response.status).toBe(201)
    expect(response.headers['cache-control']).toBe('no-store')
    const { key, token } = response.body as {
      key: { id: string; rotatedFrom: string }
      token: string
    }
    expect(key.rotatedFrom).toBe(old.key.id)
    expect((await keyward.verify(token)).id).toBe(key.id)
    await expect(keyward.verify(old.token)).rejects.toMatchObject({ code: 'revoked_token' })
  })

  it('keeps the old token for the grace period', async () => {
    const { call, keyward, clock } = await setup()
    const old = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    const response = await call('POST', `/${old.key.id}/rotate`, { gracePeriod: '1h' })
    expect(response.status).toBe(201)
    await expect(keyward.verify(old.token)).resolves.toMatchObject({ id: old.key.id })
    clock.now = T0 + 3_600_000
    await expect(keyward.verify(old.token)).rejects.toMatchObject({ code: 'expired_token' })
  })

  it('answers 422 for a grace period over 24 h or an unknown field, 404 for another owner’s key', async () => {
    const { call, keyward } = await setup()
    const mine = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    const theirs = await keyward.keys.create({ ...created, ownerId: 'org_2' })
    expect(
      problemOf(await call('POST', `/${mine.key.id}/rotate`, { gracePeriod: '25h' })).field,
    ).toBe('gracePeriod')
    expect(problemOf(await call('POST', `/${mine.key.id}/rotate`, { grace: 1 })).field).toBe(
      'grace',
    )
    expect((await call('POST', `/${theirs.key.id}/rotate`)).status).toBe(404)
    await expect(keyward.verify(theirs.token)).resolves.toBeDefined()
  })

  it('refuses to rotate a key broader than the caller (it would mint its token)', async () => {
    const { call, caller, keyward } = await setup()
    const { verified } = await caller(['api_keys:manage'])
    const broad = await keyward.keys.create({
      ...created,
      scopes: ['projects:write'],
      ownerId: 'org_1',
    })
    const response = await call('POST', `/${broad.key.id}/rotate`, undefined, verified)
    expect(response.status).toBe(403)
    expect(problemOf(response).missingScopes).toEqual(['projects:write'])
    await expect(keyward.verify(broad.token)).resolves.toBeDefined()
  })
})

describe('DELETE /:id', () => {
  it('revokes the key (204, no body); a second delete is 204 again (idempotent)', async () => {
    const { call, keyward } = await setup()
    const { token, key } = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    const response = await call('DELETE', `/${key.id}`)
    expect(response.status).toBe(204)
    expect(response.body).toBeUndefined()
    await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
    expect((await call('DELETE', `/${key.id}`)).status).toBe(204)
    expect((await call('GET', `/${key.id}`)).status).toBe(404)
  })

  it('answers 404 for another owner’s key, which keeps working', async () => {
    const { call, keyward } = await setup()
    const { token, key } = await keyward.keys.create({ ...created, ownerId: 'org_2' })
    expect((await call('DELETE', `/${key.id}`)).status).toBe(404)
    await expect(keyward.verify(token)).resolves.toBeDefined()
  })
})

describe('POST /revoke-all', () => {
  it('revokes every key of the caller’s owner only, answering the epoch as ISO 8601', async () => {
    const { call, keyward, admin } = await setup()
    const mine = await keyward.keys.create({ ...created, ownerId: 'org_1' })
    const theirs = await keyward.keys.create({ ...created, ownerId: 'org_2' })
    const response = await call('POST', '/revoke-all')
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ revokedBefore: new Date(T0).toISOString() })
    for (const token of [mine.token, admin.token]) {
      await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
    }
    await expect(keyward.verify(theirs.token)).resolves.toBeDefined()
  })

  it('takes no body fields', async () => {
    const { call } = await setup()
    const response = await call('POST', '/revoke-all', { ownerId: 'org_2' })
    expect(response.status).toBe(422)
    expect(problemOf(response).field).toBe('ownerId')
  })
})

describe('POST /token', () => {
  it('answers 404 when no access-token issuer is configured', async () => {
    const { call } = await setup()
    expect((await call('POST', '/token')).status).toBe(404)
  })

  it('mints an access token for the calling key, RFC 6749 §5.1, with no-store', async () => {
    const { issuer, calls } = fakeIssuer()
    const { call, caller } = await setup({ accessTokens: issuer })
    const { verified } = await caller(['projects:read', 'projects:write'])
    const response = await call(
      'POST',
      '/token',
      { scope: 'projects:read', expiresIn: 600 },
      verified,
    )
    expect(response.status).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.headers.pragma).toBe('no-cache')
    expect(response.body).toEqual({
      access_token: 'eyJ.fake.jwt',
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'projects:read',
    })
    expect(calls).toEqual([{ key: verified, options: { scopes: ['projects:read'], ttl: 600 } }])

    const all = await call('POST', '/token', undefined, verified)
    expect((all.body as { scope: string }).scope).toBe('projects:read projects:write')
  })

  it('refuses a scope the key lacks (403), bad input (422) and an access token as caller (400)', async () => {
    const { issuer, calls } = fakeIssuer()
    const { call, caller } = await setup({ accessTokens: issuer })
    const { verified } = await caller(['projects:read'])
    const lacking = await call(
      'POST',
      '/token',
      { scope: 'projects:read projects:write' },
      verified,
    )
    expect(lacking.status).toBe(403)
    expect(problemOf(lacking).missingScopes).toEqual(['projects:write'])
    expect(problemOf(await call('POST', '/token', { scope: 42 }, verified)).field).toBe('scope')
    expect(problemOf(await call('POST', '/token', { expiresIn: 'soon' }, verified)).field).toBe(
      'expiresIn',
    )
    expect(problemOf(await call('POST', '/token', { expiresIn: '2h' }, verified)).field).toBe(
      'expiresIn',
    )
    expect(problemOf(await call('POST', '/token', { audience: 'x' }, verified)).field).toBe(
      'audience',
    )
    const delegated = { ...verified, kind: 'access_token' }
    expect((await call('POST', '/token', undefined, delegated)).status).toBe(400)
    expect(calls.map((c) => c.options)).toEqual([{ ttl: '2h' }])
  })
})

describe('routing', () => {
  it('answers 404 problem+json for unknown routes and methods', async () => {
    const { call } = await setup()
    for (const [method, path] of [
      ['PUT', '/'],
      ['GET', '/revoke-all/x/y'],
      ['GET', '/revoke-all'],
      ['POST', '/key_0000000000000000'],
      ['GET', '/key_0000000000000000/rotate'],
    ] as const) {
      const response = await call(method, path)
      expect(response.status, `${method} ${path}`).toBe(404)
      expect(response.headers['content-type']).toBe('application/problem+json')
    }
  })

  it('never puts a token into an error', async () => {
    const { call, admin } = await setup()
    const response = await call('POST', '/', { ...created, name: admin.token.repeat(3) })
    expect(response.status).toBe(422)
    expect(JSON.stringify(response.body)).not.toContain(admin.token)
  })

  it('rejects (does not render) errors that are not KeywardErrors', async () => {
    const keyward = createKeyward({ scopes })
    const api = createManagementApi(keyward)
    const broken = {
      ...keyward,
      keys: { ...keyward.keys, listPage: () => Promise.reject(new Error('bug')) },
    }
    const { token } = await keyward.keys.create({
      name: 'x',
      ownerId: 'o',
      scopes: ['*'],
      expiresIn: '1d',
    })
    const apiKey: VerifiedKey = await keyward.verify(token)
    await expect(
      createManagementApi(broken).handle({ method: 'GET', path: '/', apiKey }),
    ).rejects.toThrow('bug')
    await expect(api.handle({ method: 'GET', path: '/', apiKey })).resolves.toMatchObject({
      status: 200,
    })
    expect(KeywardError).toBeDefined()
  })
})

describe('limits in the management API', () => {
  it('creates, shows, changes and validates rateLimits and credits (422 naming the field)', async () => {
    const { call, clock } = await setup()
    const response = await call('POST', '/', {
      ...created,
      rateLimits: [{ name: 'default', limit: 100, window: '1m' }],
      credits: { remaining: 1000, refill: { amount: 1000, interval: '30d' } },
    })
    expect(response.status).toBe(201)
    const { key } = response.body as { key: { id: string } }
    const expected = {
      rateLimits: [{ name: 'default', limit: 100, window: 60 }],
      credits: {
        remaining: 1000,
        grantedAt: new Date(T0).toISOString(),
        refill: { amount: 1000, interval: 2_592_000 },
      },
    }
    expect(response.body).toMatchObject({ key: expected })
    expect((await call('GET', `/${key.id}`)).body).toMatchObject(expected)
    expect((await call('GET', '/')).body).toMatchObject({
      keys: expect.arrayContaining([expect.objectContaining(expected)]),
    })

    clock.now += 1000
    const patched = await call('PATCH', `/${key.id}`, {
      rateLimits: [{ name: 'burst', limit: 5, window: 1 }],
      credits: { remaining: 50 },
    })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({
      rateLimits: [{ name: 'burst', limit: 5, window: 1 }],
      credits: { remaining: 50, grantedAt: new Date(T0 + 1000).toISOString() },
    })

    const bad = await call('POST', '/', { ...created, rateLimits: [{ limit: 'many', window: 60 }] })
    expect(bad.status).toBe(422)
    expect(problemOf(bad).field).toBe('rateLimits[0].limit')
    const badCredits = await call('PATCH', `/${key.id}`, { credits: { remaining: 1, refill: {} } })
    expect(badCredits.status).toBe(422)
    expect(problemOf(badCredits).field).toBe('credits.refill.amount')
  })

  it('refuses a key changing its own limits (403)', async () => {
    const { call, caller } = await setup()
    const self = await caller(['api_keys:manage'])
    const response = await call(
      'PATCH',
      `/${self.key.id}`,
      { credits: { remaining: 1_000_000 } },
      self.verified,
    )
    expect(response.status).toBe(403)
  })
})

describe('a limited caller of the management API', () => {
  it('gets the RateLimit headers on every answer and is not charged for a refused request', async () => {
    const clock = { now: T0 }
    const keyward = createKeyward<string>({ prefix: 'kw_test', scopes, now: () => clock.now })
    const api = createManagementApi(keyward)
    const { token } = await keyward.keys.create({
      name: 'limited admin',
      ownerId: 'org_1',
      scopes: ['api_keys:manage', 'projects:read'],
      expiresIn: '30d',
      credits: { remaining: 2 },
    })
    const call = (method: string, path: string, body?: unknown) =>
      api.handle({
        method,
        path,
        header: (name) => (name === 'authorization' ? `Bearer ${token}` : undefined),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    const refused = await call('POST', '/', { name: '', scopes: [], expiresIn: '1d' })
    expect(refused.status).toBe(422)
    expect(refused.headers.ratelimit).toBe('"credits";r=1')
    const listed = await call('GET', '/')
    expect(listed.status).toBe(200)
    expect(listed.headers['ratelimit-policy']).toBe('"credits";q=2')
    expect(listed.headers.ratelimit).toBe('"credits";r=1')
    expect((await call('GET', '/')).headers.ratelimit).toBe('"credits";r=0')
    expect((await call('GET', '/')).status).toBe(429)
  })
})
