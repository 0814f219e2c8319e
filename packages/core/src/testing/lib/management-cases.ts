/**
 * The management-API cases over real HTTP that every adapter answers alike (DESIGN.md,
 * "Management REST API"), registered by `managementConformance`.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { ManagementApiOptions } from '../../http/management/api.js'
import { createKeyward, type Keyward } from '../../keyward.js'
import type { AccessTokenIssuer, ApiKey, KeyEvent, KeyRecord } from '../../types.js'
import { conformanceScopes as scopes } from '../adapter-cases.js'
import type { CheckResponse, ManagementApp, ServedApp, ServeManagement } from '../served.js'
import { watchChecks } from './late-body.js'
import { everyRecordOf } from './list-all.js'
import { answerAsResponse, type RawHttpAnswer, rawHttpRequest } from './raw-http.js'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 26)

/** An issuer standing in for `@keyward/jwt`: it mints a recognisable string. */
const fakeIssuer: AccessTokenIssuer = {
  async issueAccessToken(key, options = {}) {
    return { accessToken: `at.${key.id}`, expiresIn: 300, scopes: options.scopes ?? key.scopes }
  },
}

/** An issuer like {@link fakeIssuer} that records the id of every key it minted for. */
function recordingIssuer(mintedFor: string[]): AccessTokenIssuer {
  return {
    issueAccessToken(key, options) {
      mintedFor.push(key.id)
      return fakeIssuer.issueAccessToken(key, options)
    },
  }
}

/** What a lifecycle change would alter in a record; `lastUsedAt` moves on any use. */
const lifeOf = (record: KeyRecord | undefined) =>
  record && {
    name: record.name,
    scopes: record.scopes,
    expiresAt: record.expiresAt,
    rotatedTo: record.rotatedTo,
    revokedAt: record.revokedAt,
    suspendedAt: record.suspendedAt,
  }

/** A path as Fetch would send it: no dot segment, no empty one, nothing percent-encoded. */
const CANONICAL_PATH = /^\/api-keys(\/[A-Za-z0-9_-]+)*$/

/**
 * Hands `answer` to `check` (`checkResponse`) when `path` is canonical: an answer to a path
 * sent raw on purpose (`/./`, `%2e`) is not an answer of the route it resolves to.
 */
export async function checked<A extends Response | RawHttpAnswer>(
  check: CheckResponse | undefined,
  app: { origin: string; options: ManagementApiOptions },
  method: string,
  path: string,
  answer: A,
): Promise<A> {
  if (check === undefined || !CANONICAL_PATH.test(path)) return answer
  const response = answer instanceof Response ? answer.clone() : answerAsResponse(answer)
  await check({ ...app, method: method.toUpperCase(), path, response })
  return answer
}

/**
 * Registers the management cases for the adapter named `adapter`, each on an app `serve`
 * builds: see `managementConformance`.
 */
export function managementCases(
  adapter: string,
  serve: ServeManagement,
  check?: CheckResponse,
): void {
  const opened: ServedApp[] = []
  /** The options each open app was served with, by origin, for `check`. */
  const optionsOf = new Map<string, ManagementApiOptions>()
  const appOf = (origin: string) => ({ origin, options: optionsOf.get(origin) ?? {} })
  /** One request with its path sent exactly as given (no dot resolution, no re-encoding). */
  const rawRequest = async (
    origin: string,
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string | Uint8Array,
  ): Promise<RawHttpAnswer> => {
    const answer = await rawHttpRequest({
      origin,
      method,
      path,
      headers: Object.entries(headers),
      ...(body === undefined ? {} : { body }),
    })
    return checked(check, appOf(origin), method, path, answer)
  }
  afterEach(async () => {
    optionsOf.clear()
    await Promise.all(opened.splice(0).map((served) => served.close()))
  })
  async function setup(
    options: ManagementApiOptions = {},
    app: ManagementApp = { authenticateFirst: false },
  ) {
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
    const watch = watchChecks(keyward)
    const served = await serve(watch.keyward, options, app)
    opened.push(served)
    optionsOf.set(served.url, options)
    const admin = await keyward.keys.create({
      name: 'admin',
      ownerId: 'org_1',
      scopes: ['*'],
      expiresIn: '30d',
    })
    /** Sends `body` as given when a string, else as JSON. */
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      token = admin.token,
      headers = {},
    ) =>
      checked(
        check,
        appOf(served.url),
        method,
        `/api-keys${path}`,
        await fetch(`${served.url}/api-keys${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          ...(body === undefined
            ? {}
            : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      )
    /**
     * Sends `body` as JSON after the headers, once the server has authenticated `token` and
     * `meanwhile` has run: the caller's state changes between its headers and its body. The
     * app must verify the caller on its headers (`authenticateFirst`), or there is no race.
     */
    const callLate = (
      method: string,
      path: string,
      body: unknown,
      token: string,
      meanwhile: () => Promise<unknown>,
    ) => {
      const authenticated = watch.nextCheck(token, 4_000)
      return rawHttpRequest({
        origin: served.url,
        method,
        path: `/api-keys${path}`,
        headers: [
          ['authorization', `Bearer ${token}`],
          ['content-type', 'application/json'],
        ],
        body: JSON.stringify(body),
        async beforeBody() {
          if (!(await authenticated)) {
            throw new Error(
              `the server did not authenticate ${method} ${path} on its headers: serve must mount apiKeyAuth app-wide when asked to authenticateFirst, and stream the body`,
            )
          }
          await meanwhile()
        },
      })
        .then(answerAsResponse)
        .then((response) => checked(check, appOf(served.url), method, `/api-keys${path}`, response))
    }
    const grantsOf = async (grants: string[], ownerId = 'org_1') =>
      keyward.keys.create({ name: 'limited', ownerId, scopes: grants, expiresIn: '30d' })
    /** Moves the injected clock to `at`, epoch ms. */
    const setClock = (at: number) => {
      clock = at
    }
    return { keyward, admin, call, callLate, grantsOf, setClock, events, served }
  }

  const problem = async (response: Response) => {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    return (await response.json()) as Record<string, unknown>
  }

  const input = { name: 'CI deploy', scopes: ['projects:read'], expiresIn: '90d' }

  describe(`${adapter} management API over HTTP`, () => {
    it('authenticates by itself: no token is 401 with a Bearer challenge, a bad one 401 invalid_token', async () => {
      const { call } = await setup()
      const anonymous = await checked(
        check,
        appOf((opened[0] as ServedApp).url),
        'GET',
        '/api-keys',
        await fetch(`${(opened[0] as ServedApp).url}/api-keys`),
      )
      expect(anonymous.status).toBe(401)
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="api"')
      const bad = await call('GET', '', undefined, 'kw_test_nope')
      expect(bad.status).toBe(401)
      expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"')
    })

    it('refuses a revoked caller on its headers with Cache-Control: no-store, like every answer here', async () => {
      const { admin, call, keyward } = await setup()
      await keyward.keys.revoke(admin.key.id)
      const response = await call('GET', '')
      expect(response.status).toBe(401)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(await problem(response)).toMatchObject({ code: 'revoked_token' })
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
        status: 'active',
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
      const again = await call('POST', `/${old.key.id}/rotate`)
      expect(again.status).toBe(409)
      expect((await problem(again)).code).toBe('key_inactive')
      const graceTooLong = await call('POST', `/${key.id}/rotate`, { gracePeriod: '48h' })
      expect(graceTooLong.status).toBe(422)
      expect((await problem(graceTooLong)).field).toBe('gracePeriod')
    })

    it("POST /:id/rotate with until 'first-use' keeps the old token until the new one is first used", async () => {
      const { call, keyward } = await setup()
      const old = await keyward.keys.create({
        ...input,
        scopes: ['api_keys:manage'],
        ownerId: 'org_1',
      })
      const body = { until: 'first-use', gracePeriod: '1h' }
      const rotated = await call('POST', `/${old.key.id}/rotate`, body)
      expect(rotated.status).toBe(201)
      const { key, token } = (await rotated.json()) as {
        key: Record<string, unknown> & { id: string }
        token: string
      }
      expect(key).toMatchObject({ pendingPredecessor: old.key.id, firstUsePending: true })
      const pending = await call('GET', `/${old.key.id}`, undefined, old.token)
      expect(pending.status).toBe(200)
      expect(await pending.json()).toMatchObject({
        status: 'rotated',
        rotatedTo: key.id,
        rotatedUntil: 'first-use',
        firstUsePending: true,
      })
      // The successor's first use ends the old key, within the revocation bound.
      expect((await call('GET', `/${key.id}`, undefined, token)).status).toBe(200)
      const deadline = Date.now() + 2_000
      let stale = await call('GET', '', undefined, old.token)
      while (stale.status === 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10))
        stale = await call('GET', '', undefined, old.token)
      }
      expect(stale.status).toBe(401)
      const successor = (await (await call('GET', `/${key.id}`, undefined, token)).json()) as object
      expect(successor).not.toHaveProperty('firstUsePending')
      expect(successor).not.toHaveProperty('pendingPredecessor')

      const unknownUntil = await call('POST', `/${key.id}/rotate`, { until: 'last-use' })
      expect(unknownUntil.status).toBe(422)
      expect((await problem(unknownUntil)).field).toBe('until')
      const noWait = await call('POST', `/${key.id}/rotate`, { until: 'first-use', gracePeriod: 0 })
      expect(noWait.status).toBe(422)
      expect((await problem(noWait)).field).toBe('gracePeriod')
    })

    it('DELETE revokes (204, empty body, again 204): the token is refused from then on; another owner’s key is 404', async () => {
      const { call, keyward } = await setup()
      const victim = await keyward.keys.create({
        ...input,
        scopes: ['api_keys:manage'],
        ownerId: 'org_1',
      })
      const deleted = await call('DELETE', `/${victim.key.id}`)
      expect(deleted.status).toBe(204)
      // A 204 has no body, so it names no content type either (Hono once sent one).
      expect(deleted.headers.get('content-type')).toBeNull()
      expect(deleted.headers.get('cache-control')).toBe('no-store')
      expect(await deleted.text()).toBe('')
      expect((await call('GET', '', undefined, victim.token)).status).toBe(401)
      expect((await call('DELETE', `/${victim.key.id}`)).status).toBe(204)
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

    // Raw paths as they go on the wire (fetch would resolve dots first): both adapters route
    // them the same, because core decides (see routeSegments in core's management.ts).
    it.each([
      ['GET', '', 200],
      ['GET', '/', 200],
      ['GET', '/{id}', 200],
      ['GET', '/{id}/', 404],
      ['GET', '//{id}', 404],
      ['POST', '/{id}%2Frotate', 404],
      ['POST', '/{id}%2frotate', 404],
      ['GET', '/%6B{id-1}', 404],
      ['GET', '/{id}%20', 404],
      ['POST', '/{id}/ROTATE', 404],
      ['GET', '/CATALOG', 404],
      ['GET', '/Catalog/', 404],
      ['GET', '/catalog/', 404],
      ['GET', '/nothing/../{id}', 200],
      ['GET', '/nothing/%2e%2E/{id}', 200],
      ['GET', '/./{id}', 200],
      ['GET', '/../api-keys/{id}', 200],
      ['GET', '/{id}/rotate/extra', 404],
      ['OPTIONS', '/', 404],
      ['OPTIONS', '/{id}', 404],
      ['HEAD', '/{id}', 404],
    ] as const)('%s %s → %i problem+json', async (method, template, status) => {
      const { call, admin, served } = await setup()
      const target = (await (await call('POST', '', input)).json()) as {
        key: { id: string }
      }
      const id = target.key.id
      const path = template.replace('{id-1}', id.slice(1)).replace('{id}', id)
      const response = await rawRequest(served.url, method, `/api-keys${path}`, {
        authorization: `Bearer ${admin.token}`,
      })
      expect(response.status, `${method} ${path}: ${response.text}`).toBe(status)
      if (method === 'HEAD') return
      if (status === 404) {
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
        expect(JSON.parse(response.text).code).toBe('not_found')
      } else expect(response.text).toContain(id)
    })

    it.each([
      [
        'invalid UTF-8',
        'application/json',
        undefined,
        Uint8Array.from([
          ...new TextEncoder().encode('{"name":"'),
          0xff,
          ...new TextEncoder().encode('","scopes":[],"expiresIn":"1d"}'),
        ]),
      ],
      [
        'a charset other than UTF-8',
        'application/json; charset=iso-8859-1',
        undefined,
        '{"name":"x"}',
      ],
      ['a Content-Encoding', 'application/json', 'gzip', '{"name":"x"}'],
    ] as const)(
      'answers 400 invalid_request to a body with %s, and creates nothing',
      async (_, type, encoding, body) => {
        const { admin, served, keyward } = await setup()
        const before = (await keyward.keys.list('org_1')).length
        const response = await rawRequest(
          served.url,
          'POST',
          '/api-keys',
          {
            authorization: `Bearer ${admin.token}`,
            'content-type': type,
            ...(encoding === undefined ? {} : { 'content-encoding': encoding }),
          },
          typeof body === 'string' ? body : body,
        )
        expect(response.status).toBe(400)
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/)
        expect(JSON.parse(response.text).code).toBe('invalid_request')
        expect((await keyward.keys.list('org_1')).length).toBe(before)
      },
    )

    it('reads a UTF-8 body whatever its declared JSON type, charset spelling included', async () => {
      const { admin, served } = await setup()
      for (const type of [
        'application/json',
        'application/json; charset=UTF-8',
        'text/plain',
        'application/json; charset="utf8"',
      ]) {
        const response = await rawRequest(
          served.url,
          'POST',
          '/api-keys',
          { authorization: `Bearer ${admin.token}`, 'content-type': type },
          JSON.stringify({ name: 'Café ☕', scopes: [], expiresIn: '1d' }),
        )
        expect(response.status, `${type}: ${response.text}`).toBe(201)
        expect(JSON.parse(response.text).key.name).toBe('Café ☕')
      }
    })

    it('refuses a request with two Authorization headers (400 invalid_request), whichever comes first', async () => {
      const { admin, served, grantsOf } = await setup()
      const other = await grantsOf(['projects:read'])
      for (const [first, second] of [
        [admin.token, other.token],
        [other.token, admin.token],
        [admin.token, admin.token],
      ]) {
        const response = await checked(
          check,
          appOf(served.url),
          'GET',
          '/api-keys',
          await rawHttpRequest({
            origin: served.url,
            method: 'GET',
            path: '/api-keys',
            headers: [
              ['authorization', `Bearer ${first}`],
              ['authorization', `Bearer ${second}`],
            ],
          }),
        )
        expect(response.status).toBe(400)
        expect(JSON.parse(response.text).code).toBe('invalid_request')
        expect(response.headers.get('cache-control')).toBe('no-store')
      }
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

  type Setup = Awaited<ReturnType<typeof setup>>

  /** Ways a caller stops being allowed between its headers and its body. */
  const callerChanges: [
    description: string,
    code: 'revoked_token' | 'expired_token' | 'suspended_token',
    sparesOthers: boolean,
    change: (s: Setup, caller: ApiKey) => unknown,
  ][] = [
    [
      'the caller is revoked',
      'revoked_token',
      true,
      (s, caller) => s.keyward.keys.revoke(caller.id),
    ],
    [
      'its owner’s keys are all revoked',
      'revoked_token',
      false,
      (s) => s.keyward.keys.revokeAll({ ownerId: 'org_1' }),
    ],
    ['every key is revoked', 'revoked_token', false, (s) => s.keyward.keys.revokeAll()],
    ['the caller expires', 'expired_token', true, (s, caller) => s.setClock(caller.expiresAt)],
    [
      'the caller is suspended',
      'suspended_token',
      true,
      (s, caller) => s.keyward.keys.suspend(caller.id, { reason: 'Investigation' }),
    ],
  ]

  /** Each route that writes or mints, aimed at `target`; `/token` is called by a key without the manage scope. */
  const actingRequests: [
    route: string,
    method: string,
    path: (target: string) => string,
    body: unknown,
    caller: 'admin' | 'reader',
  ][] = [
    ['POST /api-keys', 'POST', () => '', input, 'admin'],
    [
      'PATCH /api-keys/:id',
      'PATCH',
      (id) => `/${id}`,
      { name: 'renamed', expiresIn: '1d' },
      'admin',
    ],
    ['POST /api-keys/:id/rotate', 'POST', (id) => `/${id}/rotate`, {}, 'admin'],
    ['POST /api-keys/:id/suspend', 'POST', (id) => `/${id}/suspend`, {}, 'admin'],
    ['DELETE /api-keys/:id', 'DELETE', (id) => `/${id}`, {}, 'admin'],
    ['POST /api-keys/revoke-all', 'POST', () => '/revoke-all', {}, 'admin'],
    ['POST /api-keys/token', 'POST', () => '/token', { scope: 'projects:read' }, 'reader'],
  ]

  describe.each(callerChanges)(
    `${adapter} management API behind an app-wide apiKeyAuth, when %s between the headers and the body`,
    (_, code, sparesOthers, change) => {
      it.each(actingRequests)(
        '%s answers 401 and does nothing',
        async (_, method, path, body, callerKind) => {
          const mintedFor: string[] = []
          const s = await setup(
            { accessTokens: recordingIssuer(mintedFor) },
            { authenticateFirst: true },
          )
          const reader = await s.grantsOf(['projects:read'])
          const target = await s.keyward.keys.create({ ...input, ownerId: 'org_1' })
          const caller = callerKind === 'admin' ? s.admin : reader
          const before = await everyRecordOf(s.keyward.store, 'org_1')
          let eventsBefore = 0
          const response = await s.callLate(
            method,
            path(target.key.id),
            body,
            caller.token,
            async () => {
              await change(s, caller.key)
              eventsBefore = s.events.length
            },
          )

          expect(response.status).toBe(401)
          expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"')
          expect(response.headers.get('cache-control')).toBe('no-store')
          expect(await problem(response)).toMatchObject({ status: 401, code })
          expect(s.events.slice(eventsBefore)).toEqual([])
          expect(mintedFor).toEqual([])
          const after = await everyRecordOf(s.keyward.store, 'org_1')
          expect(after.map((record) => record.id).sort()).toEqual(
            before.map((record) => record.id).sort(),
          )
          expect(lifeOf(await s.keyward.store.get(target.key.id))).toEqual(
            lifeOf(before.find((record) => record.id === target.key.id)),
          )
          if (sparesOthers) await expect(s.keyward.verify(target.token)).resolves.toBeDefined()
        },
      )
    },
  )

  describe(`${adapter} management API on keys that ended`, () => {
    const successorsOf = async (keyward: Keyward<string>, id: string) =>
      (await everyRecordOf(keyward.store, 'org_1')).filter((record) => record.rotatedFrom === id)
    const inactive = async (response: Response) => {
      expect(response.status).toBe(409)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(await problem(response)).toMatchObject({ status: 409, code: 'key_inactive' })
    }

    it('a revoked key cannot be changed or rotated (409), never verifies again, DELETE is again 204 and GET 404', async () => {
      const { call, keyward, setClock } = await setup()
      const victim = await keyward.keys.create({ ...input, expiresIn: '1d', ownerId: 'org_1' })
      expect((await call('DELETE', `/${victim.key.id}`)).status).toBe(204)
      await inactive(await call('PATCH', `/${victim.key.id}`, { expiresIn: '90d' }))
      await inactive(await call('PATCH', `/${victim.key.id}`, { name: 'revived' }))
      await inactive(await call('POST', `/${victim.key.id}/rotate`))
      expect((await call('DELETE', `/${victim.key.id}`)).status).toBe(204)
      expect((await call('GET', `/${victim.key.id}`)).status).toBe(404)
      expect(await successorsOf(keyward, victim.key.id)).toEqual([])
      // Past the revoked key's original expiry, where a revocation entry could have lapsed.
      setClock(T0 + 2 * DAY)
      await expect(keyward.verify(victim.token)).rejects.toMatchObject({ status: 401 })
    })

    it('an expired key cannot be changed or rotated (409) and stays expired', async () => {
      const { call, keyward, setClock } = await setup()
      const old = await keyward.keys.create({ ...input, expiresIn: '1d', ownerId: 'org_1' })
      setClock(T0 + 2 * DAY)
      await inactive(await call('PATCH', `/${old.key.id}`, { expiresIn: '90d' }))
      await inactive(await call('PATCH', `/${old.key.id}`, { name: 'renamed' }))
      await inactive(await call('POST', `/${old.key.id}/rotate`))
      await expect(keyward.verify(old.token)).rejects.toMatchObject({ code: 'expired_token' })
      expect((await keyward.store.get(old.key.id))?.expiresAt).toBe(T0 + DAY)
      expect(await successorsOf(keyward, old.key.id)).toEqual([])
    })

    it('a key rotated with a grace period has one successor: a second rotation and moving its deadline are 409', async () => {
      const { admin, call, keyward } = await setup()
      const old = await keyward.keys.create({ ...input, ownerId: 'org_1' })
      const first = await call('POST', `/${old.key.id}/rotate`, { gracePeriod: '1h' })
      expect(first.status).toBe(201)
      const successor = ((await first.json()) as { key: { id: string } }).key
      await inactive(await call('POST', `/${old.key.id}/rotate`, { gracePeriod: '1h' }))
      await inactive(await call('PATCH', `/${old.key.id}`, { expiresIn: '90d' }))
      const ids = (await keyward.keys.list('org_1')).map((key) => key.id)
      expect(ids.filter((id) => id !== admin.key.id).sort()).toEqual(
        [old.key.id, successor.id].sort(),
      )
      expect((await keyward.store.get(old.key.id))?.expiresAt).toBe(T0 + 3_600_000)
    })
  })

  describe(`${adapter} management API on the caller’s own key`, () => {
    it.each([
      ['expiresIn', { expiresIn: '365d' }],
      ['a shorter expiresIn', { expiresIn: '1d' }],
      ['expiresAt', { expiresAt: new Date(T0 + 300 * DAY).toISOString() }],
      ['scopes', { scopes: ['api_keys:manage'] }],
      ['a name with expiresIn', { name: 'renamed', expiresIn: '1d' }],
    ])('a key may not PATCH its own %s: 403 forbidden, nothing changed', async (_, body) => {
      const { call, grantsOf, keyward } = await setup()
      const self = await grantsOf(['api_keys:manage', 'projects:read'])
      const response = await call('PATCH', `/${self.key.id}`, body, self.token)
      expect(response.status).toBe(403)
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(await problem(response)).toMatchObject({ status: 403, code: 'forbidden' })
      expect(lifeOf(await keyward.store.get(self.key.id))).toMatchObject({
        name: self.key.name,
        scopes: self.key.scopes,
        expiresAt: self.key.expiresAt,
      })
    })

    it.each([
      ['rateLimits, taking every limit off', { rateLimits: [] }],
      [
        'rateLimits, raising them',
        { rateLimits: [{ name: 'default', limit: 1_000_000, window: 1 }] },
      ],
      ['credits', { credits: { remaining: 1_000_000 } }],
    ])('a key may not PATCH its own %s: 403 forbidden, its limits unchanged', async (_, body) => {
      const { call, keyward } = await setup()
      const self = await keyward.keys.create({
        name: 'limited',
        ownerId: 'org_1',
        scopes: ['api_keys:manage', 'projects:read'],
        expiresIn: '30d',
        rateLimits: [{ name: 'default', limit: 100, window: '1m' }],
        credits: { remaining: 50 },
      })
      const limitsOf = (record: KeyRecord | undefined) =>
        record && { rateLimits: record.rateLimits, credits: record.credits }
      const before = limitsOf(await keyward.store.get(self.key.id))
      expect(before?.rateLimits).toHaveLength(1)
      const response = await call('PATCH', `/${self.key.id}`, body, self.token)
      expect(response.status).toBe(403)
      expect(await problem(response)).toMatchObject({ status: 403, code: 'forbidden' })
      expect(limitsOf(await keyward.store.get(self.key.id))).toEqual(before)
    })

    it('a key may rename itself (200)', async () => {
      const { call, grantsOf } = await setup()
      const self = await grantsOf(['api_keys:manage', 'projects:read'])
      const response = await call('PATCH', `/${self.key.id}`, { name: 'renamed' }, self.token)
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ id: self.key.id, name: 'renamed' })
    })
  })

  describe(`${adapter} management API on bad dates and names`, () => {
    const { expiresIn: _, ...withoutExpiry } = input
    it.each([
      ['an impossible date', { expiresAt: '2027-02-30T00:00:00Z' }, 'expiresAt'],
      ['a time without an offset', { expiresAt: '2027-01-01T00:00:00' }, 'expiresAt'],
      ['a date without a time', { expiresAt: '2027-01-01' }, 'expiresAt'],
      ['a NUL in the name', { name: 'CI\u0000deploy' }, 'name'],
      ['an escape character in the name', { name: 'CI\u001bdeploy' }, 'name'],
      // JSON.stringify escapes a lone surrogate as `\ud800`, so it reaches the server intact.
      ['a lone surrogate in the name', { name: 'CI\ud800deploy' }, 'name'],
    ])('%s answers 422 naming the field on POST and PATCH', async (_, fields, field) => {
      const { call, keyward } = await setup()
      const { key } = await keyward.keys.create({ ...input, ownerId: 'org_1' })
      const created = await call('POST', '', {
        ...('expiresAt' in fields ? withoutExpiry : input),
        ...fields,
      })
      const patched = await call('PATCH', `/${key.id}`, fields)
      for (const response of [created, patched]) {
        expect(response.status).toBe(422)
        expect(await problem(response)).toMatchObject({ code: 'invalid_argument', field })
      }
      const list = await call('GET', '')
      expect(list.status).toBe(200)
      const { keys } = JSON.parse(await list.text()) as { keys: { id: string; name: string }[] }
      expect(keys.map((k) => k.name).sort()).toEqual(['CI deploy', 'admin'])
    })
  })

  describe(`${adapter} management API on keys without scopes`, () => {
    it('POST with scopes [] creates a key (201) that verifies and satisfies no scope requirement', async () => {
      const { call, keyward } = await setup()
      const response = await call('POST', '', { ...input, scopes: [] })
      expect(response.status).toBe(201)
      const { key, token } = (await response.json()) as {
        key: { id: string; scopes: string[] }
        token: string
      }
      expect(key.scopes).toEqual([])
      await expect(keyward.verify(token)).resolves.toMatchObject({ id: key.id, scopes: [] })
      await expect(keyward.verify(token, { scopes: ['projects:read'] })).rejects.toMatchObject({
        status: 403,
        code: 'insufficient_scope',
      })
    })

    it('PATCH may narrow a key to scopes [] (200)', async () => {
      const { call, keyward } = await setup()
      const { key, token } = await keyward.keys.create({ ...input, ownerId: 'org_1' })
      const response = await call('PATCH', `/${key.id}`, { scopes: [] })
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ id: key.id, scopes: [] })
      await expect(keyward.verify(token, { scopes: ['projects:read'] })).rejects.toMatchObject({
        code: 'insufficient_scope',
      })
    })
  })
}
