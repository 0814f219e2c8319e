import { describe, expect, it } from 'vitest'
import { createKeyward } from '../../keyward.js'
import { defineScopes } from '../../scopes.js'
import type { VerifiedKey } from '../../types.js'
import { createManagementApi } from '../management/api.js'
import type { ManagementResponse } from '../request.js'
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from './protocol.js'
import { createOAuthServer } from './server.js'
import { createTokenEndpoint, type OAuthAccessTokens } from './token-endpoint.js'

const T0 = Date.UTC(2026, 10, 26)
const ISSUER = 'https://api.example.test'
const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'api_keys:manage': 'Manage API keys',
})

/** An issuer minting `at.<key id>.<scopes>` strings, so answers show whom they were for. */
const issuer: OAuthAccessTokens = {
  issuer: ISSUER,
  audience: 'https://api.example.test/v1',
  async issueAccessToken(key: VerifiedKey, options = {}) {
    const granted = options.scopes ?? key.scopes
    return { accessToken: `at.${key.id}.${granted.join(',')}`, expiresIn: 3600, scopes: granted }
  },
}

/** A POST labelled as a form (as `curl -d` sends every body) at `path`, with `body` as it is. */
function formPost(path: string, body: string, headers: Record<string, string> = {}) {
  const all: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    ...headers,
  }
  return { method: 'POST', path, header: (name: string) => all[name], body }
}

async function setup() {
  const keyward = createKeyward<string>({ prefix: 'kw_test', scopes, now: () => T0 })
  const api = createManagementApi(keyward, { accessTokens: issuer })
  const make = async (grants: string[]) =>
    keyward.keys.create({ name: 'client', ownerId: 'org_1', scopes: grants, expiresIn: '30d' })
  const reader = await make(['projects:read', 'projects:write'])
  /** `POST /token` with a form body. */
  const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    api.handle(formPost('/token', new URLSearchParams(form).toString(), headers))
  return { keyward, api, make, reader, token }
}

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${btoa(`${id}:${secret}`)}`,
})
const bodyOf = (response: ManagementResponse) => response.body as Record<string, unknown>

describe('the token endpoint (form bodies)', () => {
  it('grants client_credentials to a key authenticated by Basic, client_secret_post or Bearer', async () => {
    const { token, reader } = await setup()
    const { id } = reader.key
    const answers = [
      await token({ grant_type: 'client_credentials' }, basic(id, reader.token)),
      await token({ grant_type: 'client_credentials', client_id: id, client_secret: reader.token }),
      await token(
        { grant_type: 'client_credentials' },
        { authorization: `Bearer ${reader.token}` },
      ),
    ]
    for (const answer of answers) {
      expect(answer.status).toBe(200)
      expect(answer.headers).toMatchObject({ 'cache-control': 'no-store', pragma: 'no-cache' })
      expect(answer.body).toEqual({
        access_token: `at.${id}.projects:read,projects:write`,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'projects:read projects:write',
      })
    }
    const narrowed = await token(
      { grant_type: 'client_credentials', scope: 'projects:read' },
      basic(id, reader.token),
    )
    expect(bodyOf(narrowed).scope).toBe('projects:read')
  })

  it('exchanges the API key as subject_token (RFC 8693), naming issued_token_type', async () => {
    const { token, reader } = await setup()
    const exchange = {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: reader.token,
      subject_token_type: ACCESS_TOKEN_TYPE,
      scope: 'projects:read',
    }
    const answer = await token(exchange)
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({
      access_token: `at.${reader.key.id}.projects:read`,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
    })
    const other = await setup()
    const stranger = await other.make(['projects:read'])
    const foreign = await token({ ...exchange, client_id: stranger.key.id })
    expect(bodyOf(foreign).error).toBe('invalid_request')
    expect(bodyOf(await token({ ...exchange, actor_token: 'x' })).error).toBe('invalid_request')
    expect(bodyOf(await token({ ...exchange, audience: 'elsewhere' })).error).toBe('invalid_target')
    const garbage = await token({ ...exchange, subject_token: 'kw_test_nope' })
    expect([garbage.status, bodyOf(garbage).error]).toEqual([400, 'invalid_request'])
  })

  it('answers RFC 6749 §5.2 errors, with a 401 challenge for invalid_client', async () => {
    const { token, reader, make, keyward } = await setup()
    const { id } = reader.key
    const cases: [Record<string, string>, Record<string, string>, number, string][] = [
      [{}, basic(id, reader.token), 400, 'invalid_request'],
      [{ grant_type: 'password' }, basic(id, reader.token), 400, 'unsupported_grant_type'],
      [
        { grant_type: 'client_credentials', scope: 'api_keys:manage' },
        basic(id, reader.token),
        400,
        'invalid_scope',
      ],
      [
        { grant_type: 'client_credentials', scope: 'nope:x' },
        basic(id, reader.token),
        400,
        'invalid_scope',
      ],
      [{ grant_type: 'client_credentials' }, {}, 401, 'invalid_client'],
      [
        { grant_type: 'client_credentials' },
        basic('key_0000000000000000', reader.token),
        401,
        'invalid_client',
      ],
      [{ grant_type: 'client_credentials' }, basic(id, 'kw_test_wrong'), 401, 'invalid_client'],
      [
        { grant_type: 'client_credentials', client_secret: reader.token },
        basic(id, reader.token),
        400,
        'invalid_request',
      ],
    ]
    for (const [form, headers, status, error] of cases) {
      const answer = await token(form, headers)
      expect([answer.status, bodyOf(answer).error], JSON.stringify(form)).toEqual([status, error])
      expect(answer.headers['cache-control']).toBe('no-store')
      expect(answer.headers['content-type']).toMatch(/^application\/json/)
      if (status === 401) expect(answer.headers['www-authenticate']).toMatch(/^Basic realm="api"/)
    }
    const revoked = await make(['projects:read'])
    await keyward.keys.revoke(revoked.key.id)
    const bearer = await token(
      { grant_type: 'client_credentials' },
      { authorization: `Bearer ${revoked.token}` },
    )
    expect([bearer.status, bodyOf(bearer).error]).toEqual([401, 'invalid_client'])
    expect(bearer.headers['www-authenticate']).toContain(
      'Bearer realm="api", error="invalid_token"',
    )
  })

  it('leaves the JSON form as it was: Bearer only, problem+json errors', async () => {
    const { api, reader, keyward } = await setup()
    const caller = await keyward.verify(reader.token)
    const json = (body: unknown) =>
      api.handle({ method: 'POST', path: '/token', apiKey: caller, body: JSON.stringify(body) })
    expect((await json({ scope: 'projects:read' })).status).toBe(200)
    const lacking = await json({ scope: 'api_keys:manage' })
    expect([lacking.status, bodyOf(lacking).code]).toEqual([403, 'insufficient_scope'])
  })
})

describe('createOAuthServer', () => {
  async function server() {
    const s = await setup()
    const oauth = createOAuthServer(s.keyward, {
      accessTokens: issuer,
      introspectionScope: 'api_keys:manage',
    })
    const admin = await s.make(['api_keys:manage'])
    const introspect = (form: Record<string, string>, headers = basic(admin.key.id, admin.token)) =>
      oauth.handle({
        method: 'POST',
        path: '/oauth/introspect',
        header: (name) =>
          ({ 'content-type': 'application/x-www-form-urlencoded', ...headers })[name],
        body: new URLSearchParams(form).toString(),
      })
    return { ...s, oauth, admin, introspect }
  }

  it('publishes RFC 8414 metadata', async () => {
    const { oauth } = await server()
    const answer = await oauth.handle({ method: 'GET', path: oauth.metadataPath })
    expect(oauth.metadataPath).toBe('/.well-known/oauth-authorization-server')
    expect(answer.headers['cache-control']).toBe('no-store')
    expect(answer.body).toEqual({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/api-keys/token`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      introspection_endpoint: `${ISSUER}/oauth/introspect`,
      scopes_supported: ['projects:read', 'projects:write', 'api_keys:manage'],
      response_types_supported: [],
      grant_types_supported: ['client_credentials', TOKEN_EXCHANGE_GRANT],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    })
  })

  it('introspects live keys; anything else is only inactive', async () => {
    const { introspect, reader, keyward } = await server()
    const live = await introspect({ token: reader.token })
    expect(live.body).toEqual({
      active: true,
      scope: 'projects:read projects:write',
      client_id: reader.key.id,
      sub: 'org_1',
      exp: Math.floor(reader.key.expiresAt / 1000),
      iat: Math.floor(reader.key.createdAt / 1000),
      token_type: 'Bearer',
      kw_kind: 'api_key',
    })
    await keyward.keys.revoke(reader.key.id)
    for (const token of [reader.token, 'garbage', 'kw_test_x'.padEnd(46, 'x')]) {
      const answer = await introspect({ token })
      expect(answer.status).toBe(200)
      expect(answer.body).toEqual({ active: false })
    }
  })

  it('requires the introspection scope, and a client credential', async () => {
    const { introspect, reader } = await server()
    const narrow = await introspect({ token: reader.token }, basic(reader.key.id, reader.token))
    expect([narrow.status, bodyOf(narrow).error]).toEqual([403, 'insufficient_scope'])
    const anonymous = await introspect({ token: reader.token }, {} as never)
    expect([anonymous.status, bodyOf(anonymous).error]).toEqual([401, 'invalid_client'])
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="api", Bearer realm="api"')
    expect(bodyOf(await introspect({})).error).toBe('invalid_request')
  })

  it('refuses bad configuration at once', async () => {
    const { keyward } = await setup()
    expect(() => createOAuthServer(keyward)).toThrow(/issuer must be/)
    expect(() => createOAuthServer(keyward, { issuer: 'urn:x' })).toThrow(/issuer must be/)
    expect(() => createOAuthServer(keyward, { issuer: `${ISSUER}?a=b` })).toThrow(/issuer/)
    expect(() =>
      createOAuthServer(keyward, { accessTokens: issuer, issuer: 'https://x.test' }),
    ).toThrow(/iss of accessTokens/)
    expect(() =>
      createOAuthServer(keyward, { issuer: ISSUER, introspectionScope: 'tokens:introspect' }),
    ).toThrow(/introspectionScope/)
  })
})

describe('what OAuth requests cost a key with credits', () => {
  async function metered() {
    const keyward = createKeyward<string>({ prefix: 'kw_test', scopes, now: () => T0 })
    const make = async (grants: string[], credits: number) =>
      keyward.keys.create({
        name: 'metered',
        ownerId: 'org_1',
        scopes: grants,
        expiresIn: '30d',
        credits: { remaining: credits },
      })
    /** The key's balance, read without charging it. */
    const balance = async (token: string) =>
      (await keyward.verify(token, { cost: 0 })).rateLimit?.state
    const endpoint = createTokenEndpoint(keyward, { accessTokens: issuer })
    const oauth = createOAuthServer(keyward, {
      accessTokens: issuer,
      introspectionScope: 'api_keys:manage',
    })
    const form = (path: string, parameters: Record<string, string>, headers = {}) => {
      const request = formPost(path, new URLSearchParams(parameters).toString(), headers)
      return path === '/token' ? endpoint.handle(request) : oauth.handle(request)
    }
    return { keyward, make, balance, form }
  }

  it('gives back what a refused token request was charged, and charges an exchange once', async () => {
    const { make, balance, form } = await metered()
    const { key, token } = await make(['projects:read'], 10)
    const client = basic(key.id, token)
    const exchange = {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: token,
      subject_token_type: ACCESS_TOKEN_TYPE,
    }
    const cases: [Record<string, string>, Record<string, string>, number, string][] = [
      [{ grant_type: 'client_credentials', scope: 'projects:write' }, client, 400, 'r=10'],
      [{ grant_type: 'client_credentials', scope: 'nope:x' }, client, 400, 'r=10'],
      [
        { grant_type: 'client_credentials', scope: 'projects:write' },
        { authorization: `Bearer ${token}` },
        400,
        'r=10',
      ],
      [{ ...exchange, scope: 'projects:write' }, client, 400, 'r=10'],
      [{ ...exchange, scope: 'projects:write' }, {}, 400, 'r=10'],
      [{ grant_type: 'client_credentials' }, client, 200, 'r=9'],
      [exchange, client, 200, 'r=8'],
      [exchange, {}, 200, 'r=7'],
    ]
    const answered = []
    for (const [parameters, headers] of cases) {
      const answer = await form('/token', parameters, headers)
      answered.push([answer.status, await balance(token)])
    }
    expect(answered).toEqual(
      cases.map(([, , status, left]) => [status, `"credits";r=${left.slice(2)}`]),
    )
  })

  it('introspection charges the caller only, gives it back on 403, and finds a spent key active', async () => {
    const { make, balance, form } = await metered()
    const inspected = await make(['projects:read'], 5)
    const spent = await make(['projects:read'], 0)
    const caller = await make(['api_keys:manage'], 2)
    const narrow = await make(['projects:read'], 5)
    const introspect = (token: string, by: typeof caller) =>
      form('/oauth/introspect', { token }, basic(by.key.id, by.token))

    const denied = await introspect(inspected.token, narrow)
    expect(denied.status).toBe(403)
    expect(await balance(narrow.token)).toBe('"credits";r=5')

    const live = await introspect(inspected.token, caller)
    expect(live.body).toMatchObject({ active: true, client_id: inspected.key.id })
    expect(await balance(inspected.token)).toBe('"credits";r=5')
    expect(await balance(caller.token)).toBe('"credits";r=1')

    const idle = await introspect(spent.token, caller)
    expect(idle.body).toMatchObject({ active: true, client_id: spent.key.id })
    const limited = await introspect(inspected.token, caller)
    expect([limited.status, bodyOf(limited).error]).toEqual([429, 'temporarily_unavailable'])
  })
})

describe('how the OAuth endpoints answer what they do not take', () => {
  it('answers an OAuth client 405 with Allow: POST to any other method at the token endpoint', async () => {
    const { api, reader } = await setup()
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const clients: Record<string, string>[] = [basic(reader.key.id, reader.token), {}]
      for (const headers of clients) {
        const answer = await api.handle({
          method,
          path: '/token',
          header: (name) => headers[name],
        })
        expect([answer.status, answer.headers.allow, bodyOf(answer).error]).toEqual([
          405,
          'POST',
          'invalid_request',
        ])
      }
    }
  })

  it('challenges a 403 of introspection with insufficient_scope and the scope it needs', async () => {
    const { keyward, make } = await setup()
    const oauth = createOAuthServer(keyward, {
      accessTokens: issuer,
      introspectionScope: 'api_keys:manage',
    })
    const narrow = await make(['projects:read'])
    for (const headers of [
      basic(narrow.key.id, narrow.token),
      { authorization: `Bearer ${narrow.token}` },
    ]) {
      const answer = await oauth.handle(
        formPost('/oauth/introspect', `token=${narrow.token}`, headers),
      )
      expect(answer.status).toBe(403)
      expect(answer.headers['www-authenticate']).toMatch(
        /^Bearer realm="api", error="insufficient_scope", .*scope="api_keys:manage"$/,
      )
    }
  })

  it('says a body looks like JSON when OAuth parameters come as JSON, and leaves the JSON form to the JSON route', async () => {
    const { api, reader } = await setup()
    const asForm = (body: unknown, headers: Record<string, string> = {}) =>
      api.handle(formPost('/token', JSON.stringify(body), headers))
    const oauthAsJson = await asForm({
      grant_type: 'client_credentials',
      client_id: reader.key.id,
      client_secret: reader.token,
    })
    expect([oauthAsJson.status, bodyOf(oauthAsJson).error]).toEqual([400, 'invalid_request'])
    expect(bodyOf(oauthAsJson).error_description).toMatch(
      /looks like JSON.*application\/x-www-form-urlencoded/,
    )
    const jsonForm = await asForm(
      { scope: 'projects:read' },
      { authorization: `Bearer ${reader.token}` },
    )
    expect([jsonForm.status, bodyOf(jsonForm).scope]).toEqual([200, 'projects:read'])
  })
})
