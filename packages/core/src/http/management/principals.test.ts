import { describe, expect, it } from 'vitest'
import { createKeyward } from '../../keyward.js'
import { defineScopes } from '../../scopes.js'
import type { AccessTokenIssuer, KeyEvent } from '../../types.js'
import { assertPrincipal, type Principal } from '../principal.js'
import type { ManagementRequest } from '../request.js'
import { createManagementApi, type ManagementApiOptions } from './api.js'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 26)
const ORIGIN = 'https://app.example'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'api_keys:manage': 'Manage API keys',
})

const person: Principal = {
  ownerId: 'org_1',
  scopes: ['projects:read', 'api_keys:manage'],
  actor: 'person:ada',
}

const issuer: AccessTokenIssuer = {
  async issueAccessToken(key) {
    return { accessToken: `at.${key.id}`, expiresIn: 60, scopes: key.scopes }
  },
}

async function setup(options: ManagementApiOptions = {}) {
  const clock = { now: T0 }
  const events: KeyEvent[] = []
  const keyward = createKeyward<string>({
    prefix: 'kw_test',
    scopes,
    now: () => clock.now,
    defaultExpiresIn: '30d',
    maxGracePeriod: '12h',
    onEvent: (event) => {
      events.push(event)
    },
  })
  const api = createManagementApi(keyward, options)
  /** A request from a browser page of ORIGIN, signed in as `principal`, JSON body. */
  const asPerson = (
    method: string,
    path: string,
    body?: unknown,
    { principal = person, headers = {} as Record<string, string | undefined> } = {},
  ) => {
    const all: Record<string, string | undefined> = {
      'content-type': 'application/json',
      origin: ORIGIN,
      ...headers,
    }
    const request: ManagementRequest = {
      method,
      path,
      principal,
      origin: ORIGIN,
      header: (name) => all[name],
      body: body === undefined ? undefined : JSON.stringify(body),
    }
    return api.handle(request)
  }
  return { keyward, api, clock, events, asPerson }
}

const input = { name: 'CI deploy', scopes: ['projects:read'], expiresIn: '90d' }

describe('a principal on the management API', () => {
  it('creates, lists, changes, rotates and deletes keys of its own owner, named as actor in every event', async () => {
    const { asPerson, events } = await setup()
    const created = await asPerson('POST', '/', input)
    expect(created.status).toBe(201)
    const { key } = created.body as { key: { id: string; ownerId: string; status: string } }
    expect(key).toMatchObject({ ownerId: 'org_1', status: 'active' })
    const list = await asPerson('GET', '/')
    expect((list.body as { keys: { id: string }[] }).keys.map((k) => k.id)).toEqual([key.id])
    expect((await asPerson('PATCH', `/${key.id}`, { expiresIn: '10d' })).status).toBe(200)
    const rotated = await asPerson('POST', `/${key.id}/rotate`, { gracePeriod: '1h' })
    expect(rotated.status).toBe(201)
    const successor = (rotated.body as { key: { id: string } }).key
    expect((await asPerson('DELETE', `/${successor.id}`)).status).toBe(204)
    expect((await asPerson('POST', '/revoke-all')).status).toBe(200)
    expect(events.map((event) => [event.type, 'actor' in event ? event.actor : undefined])).toEqual(
      [
        ['created', 'person:ada'],
        ['updated', 'person:ada'],
        ['rotated', 'person:ada'],
        ['revoked', 'person:ada'],
        ['revoked_all', 'person:ada'],
      ],
    )
  })

  it('is the caller even when the request also carries an API key', async () => {
    const { asPerson, keyward } = await setup()
    const other = await keyward.keys.create({ ...input, ownerId: 'org_2', scopes: ['*'] })
    const response = await asPerson('GET', '/', undefined, {
      headers: { authorization: `Bearer ${other.token}` },
    })
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ keys: [], nextCursor: null })
  })

  it('sees and touches only its owner’s keys (404 otherwise)', async () => {
    const { asPerson, keyward } = await setup()
    const theirs = await keyward.keys.create({ ...input, ownerId: 'org_2' })
    for (const [method, path] of [
      ['GET', `/${theirs.key.id}`],
      ['PATCH', `/${theirs.key.id}`],
      ['POST', `/${theirs.key.id}/rotate`],
      ['DELETE', `/${theirs.key.id}`],
    ] as const) {
      const body = method === 'PATCH' ? { name: 'mine now' } : undefined
      expect((await asPerson(method, path, body)).status, `${method} ${path}`).toBe(404)
    }
    await expect(keyward.verify(theirs.token)).resolves.toMatchObject({ name: 'CI deploy' })
  })

  it('grants only the scopes it holds (403 naming the missing ones)', async () => {
    const { asPerson } = await setup()
    const response = await asPerson('POST', '/', { ...input, scopes: ['projects:write'] })
    expect(response.status).toBe(403)
    expect(response.body).toMatchObject({
      code: 'insufficient_scope',
      missingScopes: ['projects:write'],
    })
  })

  it('needs the manage scope like a key does', async () => {
    const { asPerson } = await setup()
    const reader = { ...person, scopes: ['projects:read'] }
    const response = await asPerson('GET', '/', undefined, { principal: reader })
    expect(response.status).toBe(403)
    expect(response.body).toMatchObject({
      code: 'insufficient_scope',
      missingScopes: ['api_keys:manage'],
    })
  })

  it('may not mint access tokens: POST /token is 403 forbidden (a person is not a key)', async () => {
    const { asPerson } = await setup({ accessTokens: issuer })
    const response = await asPerson('POST', '/token', {})
    expect(response.status).toBe(403)
    expect(response.body).toMatchObject({ code: 'forbidden' })
  })

  it('names a key caller as key:<id> in events', async () => {
    const { api, keyward, events } = await setup()
    const admin = await keyward.keys.create({ ...input, scopes: ['*'], ownerId: 'org_1' })
    const response = await api.handle({
      method: 'POST',
      path: '/',
      apiKey: await keyward.verify(admin.token),
      body: JSON.stringify(input),
    })
    expect(response.status).toBe(201)
    expect(events.at(-1)).toMatchObject({ type: 'created', actor: `key:${admin.key.id}` })
    expect(events[0]).not.toHaveProperty('actor')
  })

  it.each([
    ['not an object', 'person:ada', /^principal must resolve to/],
    ['an array', [person], /^principal must resolve to/],
    ['a blank ownerId', { ...person, ownerId: ' ' }, /^principal\.ownerId must be/],
    [
      'scopes that are not an array',
      { ...person, scopes: 'api_keys:manage' },
      /^principal\.scopes/,
    ],
    ['a malformed scope', { ...person, scopes: ['API keys'] }, /^principal\.scopes/],
    [
      'one malformed scope among good ones',
      { ...person, scopes: ['api_keys:manage', 'API keys'] },
      /^principal\.scopes/,
    ],
    ['no actor', { ownerId: 'org_1', scopes: [] }, /^principal\.actor must be/],
    ['a blank actor', { ...person, actor: '  ' }, /^principal\.actor must be/],
  ])(
    'rejects (does not answer) a principal that is %s: the app’s bug',
    async (_, principal, message) => {
      const { asPerson } = await setup()
      await expect(
        asPerson('GET', '/', undefined, { principal: principal as unknown as Principal }),
      ).rejects.toThrow(message)
    },
  )

  it('null, given to the check itself (the API takes it as no principal), is refused by name', () => {
    expect(() => assertPrincipal(null)).toThrow(/^principal must resolve to/)
  })
})

describe('CSRF rule for principals', () => {
  it.each([
    ['a cross-site Origin', { origin: 'https://evil.example' }],
    ['no Origin and no Sec-Fetch-Site', { origin: undefined }],
    ['Origin: null', { origin: 'null' }],
    ['another port', { origin: 'https://app.example:8443' }],
    ['another scheme', { origin: 'http://app.example' }],
    ['a text/plain body', { 'content-type': 'text/plain' }],
    ['a form body', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['no Content-Type', { 'content-type': undefined }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
  ])('refuses a POST with %s: 403 forbidden, nothing done', async (_, headers) => {
    const { asPerson, keyward } = await setup()
    const response = await asPerson('POST', '/', input, { headers })
    expect(response.status).toBe(403)
    expect(response.headers['content-type']).toBe('application/problem+json')
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.body).toMatchObject({ code: 'forbidden' })
    expect((response.body as { detail: string }).detail).toMatch(/cross-site request forgery/)
    expect(await keyward.keys.list('org_1')).toEqual([])
  })

  it('checks PATCH, DELETE and every POST route, not reads', async () => {
    const { asPerson, keyward } = await setup()
    const { key, token } = await keyward.keys.create({ ...input, ownerId: 'org_1' })
    const forged = { origin: 'https://evil.example' }
    for (const [method, path] of [
      ['PATCH', `/${key.id}`],
      ['DELETE', `/${key.id}`],
      ['POST', `/${key.id}/rotate`],
      ['POST', '/revoke-all'],
    ] as const) {
      const response = await asPerson(method, path, {}, { headers: forged })
      expect(response.status, `${method} ${path}`).toBe(403)
    }
    await expect(keyward.verify(token)).resolves.toBeDefined()
    expect((await asPerson('GET', '/', undefined, { headers: forged })).status).toBe(200)
  })

  it.each([
    ['a same-origin Origin', {}],
    ['the same origin with its default port', { origin: 'https://app.example:443' }],
    ['Content-Type with parameters', { 'content-type': 'application/json; charset=utf-8' }],
    [
      'Sec-Fetch-Site: same-origin without Origin',
      { origin: undefined, 'sec-fetch-site': 'same-origin' },
    ],
    [
      'Sec-Fetch-Site: same-origin behind a proxy that changed the scheme',
      { origin: 'http://app.example', 'sec-fetch-site': 'same-origin' },
    ],
  ])('lets %s through', async (_, headers) => {
    const { asPerson } = await setup()
    expect((await asPerson('POST', '/', input, { headers })).status).toBe(201)
  })

  it.each([
    [
      'a media type in capitals with spaces',
      { 'content-type': ' Application/JSON ; charset=utf-8' },
    ],
    [
      'Sec-Fetch-Site in capitals with spaces',
      { origin: undefined, 'sec-fetch-site': ' Same-Origin ' },
    ],
  ])('reads %s as the browser meant it', async (_, headers) => {
    const { asPerson } = await setup()
    expect((await asPerson('POST', '/', input, { headers })).status).toBe(201)
  })

  it('names what failed: the Content-Type, the site, the foreign origin', async () => {
    const { asPerson } = await setup()
    const detail = async (headers: Record<string, string | undefined>) =>
      ((await asPerson('POST', '/', input, { headers })).body as { detail: string }).detail
    expect(await detail({ 'content-type': 'text/plain' })).toContain(
      'its Content-Type is text/plain, not application/json',
    )
    expect(await detail({ 'content-type': undefined })).toContain('the request has no Content-Type')
    expect(await detail({ 'sec-fetch-site': 'cross-site' })).toContain(
      '(Sec-Fetch-Site: cross-site)',
    )
    expect(await detail({ origin: undefined })).toContain('neither Origin nor Sec-Fetch-Site')
    expect(await detail({ origin: 'https://evil.example' })).toContain(
      `it comes from https://evil.example, not ${ORIGIN}`,
    )
    expect(await detail({ origin: 'https://evil.example' })).toMatch(
      /^Refused as possible cross-site request forgery: .*\. A signed-in person's POST must be sent by this site’s own pages with Content-Type: application\/json and a same-origin Origin \(or Sec-Fetch-Site: same-origin\)\.$/,
    )
  })

  it('matches no opaque origin, not even another opaque one, nor any Origin when its own is unknown', async () => {
    const { api, keyward } = await setup()
    const post = (origin: string | undefined, header: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', origin: header }
      return api.handle({
        method: 'POST',
        path: '/',
        principal: person,
        ...(origin === undefined ? {} : { origin }),
        header: (name) => headers[name],
        body: JSON.stringify(input),
      })
    }
    expect((await post('file:///app/index.html', 'file:///other/page.html')).status).toBe(403)
    expect((await post('file:///app/index.html', 'null')).status).toBe(403)
    const unknown = await post(undefined, 'null')
    expect(unknown.status).toBe(403)
    expect((unknown.body as { detail: string }).detail).toContain(
      'it comes from null, not this origin',
    )
    expect((await post(undefined, 'not a url')).status).toBe(403)
    expect((await post('not a url', 'not a url')).status).toBe(403)
    expect(await keyward.keys.list('org_1')).toEqual([])
  })

  it('does not apply to API-key callers (curl -d sends a form content type)', async () => {
    const { api, keyward } = await setup()
    const admin = await keyward.keys.create({ ...input, scopes: ['*'], ownerId: 'org_1' })
    const headers: Record<string, string> = {
      authorization: `Bearer ${admin.token}`,
      'content-type': 'application/x-www-form-urlencoded',
    }
    const response = await api.handle({
      method: 'POST',
      path: '/',
      header: (name) => headers[name],
      origin: ORIGIN,
      body: JSON.stringify(input),
    })
    expect(response.status).toBe(201)
  })
})

describe('GET /catalog', () => {
  it('answers the scopes with descriptions by resource, what the caller may grant, and the limits in seconds', async () => {
    const { asPerson } = await setup()
    const response = await asPerson('GET', '/catalog')
    expect(response.status).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.body).toEqual({
      scopes: [
        {
          name: 'projects:read',
          description: 'Read projects',
          resource: 'projects',
          grantable: true,
        },
        {
          name: 'projects:write',
          description: 'Create and change projects',
          resource: 'projects',
          grantable: false,
        },
        {
          name: 'api_keys:manage',
          description: 'Manage API keys',
          resource: 'api_keys',
          grantable: true,
        },
      ],
      groups: [
        { resource: 'projects', scopes: ['projects:read', 'projects:write'] },
        { resource: 'api_keys', scopes: ['api_keys:manage'] },
      ],
      grantable: ['projects:read', 'api_keys:manage'],
      maxLifetime: 365 * 86_400,
      defaultExpiresIn: 30 * 86_400,
      maxGracePeriod: 12 * 3_600,
      defaultRateLimits: null,
    })
  })

  it('expands wildcards, answers null without a default expiry, shows the default limits, and needs the manage scope', async () => {
    const keyward = createKeyward<string>({
      scopes,
      now: () => T0,
      rateLimits: [{ name: 'default', limit: 100, window: '1m' }],
    })
    const api = createManagementApi(keyward)
    const call = async (grants: string[]) => {
      const { token } = await keyward.keys.create({
        name: 'k',
        ownerId: 'o',
        scopes: grants,
        expiresIn: '1d',
      })
      return api.handle({ method: 'GET', path: '/catalog', apiKey: await keyward.verify(token) })
    }
    const wide = await call(['projects:*', 'api_keys:manage'])
    expect(wide.body).toMatchObject({
      grantable: ['projects:read', 'projects:write', 'api_keys:manage'],
      defaultExpiresIn: null,
      maxGracePeriod: 86_400,
      defaultRateLimits: [{ name: 'default', limit: 100, window: 60 }],
    })
    expect((await call(['projects:read'])).status).toBe(403)
    const post = await api.handle({
      method: 'POST',
      path: '/catalog',
      apiKey: await keyward.verify(
        (await keyward.keys.create({ name: 'a', ownerId: 'o', scopes: ['*'], expiresIn: '1d' }))
          .token,
      ),
    })
    expect(post.status).toBe(404)
  })
})

describe('key status in answers', () => {
  it('is active, rotated (with rotatedTo) or expired when listed and read', async () => {
    const { asPerson, clock, keyward } = await setup()
    const short = await keyward.keys.create({ ...input, ownerId: 'org_1', expiresIn: '1d' })
    const old = await keyward.keys.create({ ...input, ownerId: 'org_1' })
    const rotated = await asPerson('POST', `/${old.key.id}/rotate`, { gracePeriod: '1h' })
    const successor = (rotated.body as { key: { id: string; status: string } }).key
    expect(successor.status).toBe('active')
    expect((await asPerson('GET', `/${old.key.id}`)).body).toMatchObject({
      status: 'rotated',
      rotatedTo: successor.id,
    })
    clock.now = T0 + 2 * DAY
    const { keys } = (await asPerson('GET', '/')).body as {
      keys: { id: string; status: string }[]
    }
    expect(Object.fromEntries(keys.map((key) => [key.id, key.status]))).toEqual({
      [short.key.id]: 'expired',
      [old.key.id]: 'rotated',
      [successor.id]: 'active',
    })
  })
})
