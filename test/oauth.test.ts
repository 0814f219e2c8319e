import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnExample } from './support/example-process.js'
import { sleep, stopProcess } from './support/processes.js'
import {
  connectRedis,
  deleteNamespace,
  REDIS_URL,
  testNamespace,
} from './support/redis-namespace.js'

// An off-the-shelf OAuth client (oauth4webapi) against the real example servers: what a new
// user's OAuth library, gateway or resource server would do with Keyward.

const AUDIENCE = 'urn:keyward:example-api'
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
/** The example serves plain http on loopback; oauth4webapi wants to be told that is fine. */
const insecure = { [oauth.allowInsecureRequests]: true } as const

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * Starts an example on its own port (so its issuer is the URL it serves), `env` added to its
 * environment; resolves its admin token.
 */
async function startExample(
  dir: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; issuer: string; adminToken: string }> {
  const port = await freePort()
  const child = spawnExample(dir, { PORT: String(port), ISSUER: '', ...env })
  const output: string[] = []
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line))
  const adminToken = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${dir} did not start:\n${output.join('\n')}`)),
      30_000,
    )
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const token = /^admin token: (\S+)$/.exec(line)?.[1]
      if (token !== undefined) {
        clearTimeout(timer)
        resolve(token)
      }
    })
    child.once('exit', (code) =>
      reject(new Error(`${dir} exited with ${code}:\n${output.join('\n')}`)),
    )
  })
  return { child, issuer: `http://127.0.0.1:${port}`, adminToken }
}

describe.each([
  ['Express', 'examples/express-api'],
  ['Hono', 'examples/hono-api'],
  ['Fastify', 'examples/fastify-api'],
])('OAuth clients against the %s example', (_, dir) => {
  let child: ChildProcess
  let issuer: string
  let as: oauth.AuthorizationServer
  /** A key holding `projects:read`, as an OAuth client. */
  let reader: { client: oauth.Client; secret: string }
  /** The admin key, which holds the introspection scope. */
  let admin: { client: oauth.Client; secret: string }

  const api = async (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${issuer}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    })

  beforeAll(async () => {
    const started = await startExample(dir)
    ;({ child, issuer } = started)
    const whoami = (await (await api('/v1/whoami', started.adminToken)).json()) as { id: string }
    admin = { client: { client_id: whoami.id }, secret: started.adminToken }
    const created = (await (
      await api('/api-keys', started.adminToken, {
        method: 'POST',
        body: JSON.stringify({ name: 'oauth client', scopes: ['projects:read'], expiresIn: '1d' }),
      })
    ).json()) as { key: { id: string }; token: string }
    reader = { client: { client_id: created.key.id }, secret: created.token }

    const url = new URL(issuer)
    const discovered = await oauth.discoveryRequest(url, { algorithm: 'oauth2', ...insecure })
    as = await oauth.processDiscoveryResponse(url, discovered)
  })
  afterAll(async () => {
    if (child) await stopProcess(child)
  })

  it('discovers the server, gets a client_credentials token and validates it as RFC 9068', async () => {
    expect(as).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/api-keys/token`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials', EXCHANGE],
    })
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      reader.client,
      oauth.ClientSecretBasic(reader.secret),
      new URLSearchParams({ scope: 'projects:read' }),
      insecure,
    )
    expect(response.headers.get('cache-control')).toBe('no-store')
    const tokens = await oauth.processClientCredentialsResponse(as, reader.client, response)
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'projects:read', expires_in: 3600 })

    const request = new Request(`${issuer}/v1/projects`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    })
    const claims = await oauth.validateJwtAccessToken(as, request, AUDIENCE, insecure)
    expect(claims).toMatchObject({ client_id: reader.client.client_id, sub: 'admin' })
    const { payload } = await jwtVerify(
      tokens.access_token,
      createRemoteJWKSet(new URL(as.jwks_uri!)),
      {
        issuer,
        audience: AUDIENCE,
        typ: 'at+jwt',
        requiredClaims: ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'],
      },
    )
    expect(payload.kw_key).toBe(reader.client.client_id)
    expect((await fetch(request)).status).toBe(200)
  })

  it('exchanges the API key (RFC 8693) and authenticates by client_secret_post', async () => {
    const exchanged = await oauth.processGenericTokenEndpointResponse(
      as,
      reader.client,
      await oauth.genericTokenEndpointRequest(
        as,
        reader.client,
        oauth.None(),
        EXCHANGE,
        { subject_token: reader.secret, subject_token_type: ACCESS_TOKEN_TYPE },
        insecure,
      ),
    )
    expect(exchanged).toMatchObject({ issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'bearer' })
    const posted = await oauth.processClientCredentialsResponse(
      as,
      reader.client,
      await oauth.clientCredentialsGrantRequest(
        as,
        reader.client,
        oauth.ClientSecretPost(reader.secret),
        new URLSearchParams(),
        insecure,
      ),
    )
    expect(posted.scope).toBe('projects:read')
  })

  it('introspects a live key and token; a revoked key, an expired token and garbage are inactive', async () => {
    const introspect = async (token: string) =>
      oauth.processIntrospectionResponse(
        as,
        admin.client,
        await oauth.introspectionRequest(
          as,
          admin.client,
          oauth.ClientSecretBasic(admin.secret),
          token,
          insecure,
        ),
      )
    expect(await introspect(reader.secret)).toMatchObject({
      active: true,
      client_id: reader.client.client_id,
      sub: 'admin',
      scope: 'projects:read',
      token_type: 'Bearer',
      exp: expect.any(Number),
      iat: expect.any(Number),
    })
    // Access tokens through the JSON form, which keeps working beside the OAuth one.
    const mint = async (body: unknown) =>
      (
        (await (
          await api('/api-keys/token', reader.secret, {
            method: 'POST',
            body: JSON.stringify(body),
          })
        ).json()) as { access_token: string }
      ).access_token
    const live = await mint({})
    const short = await mint({ expiresIn: 1 })
    expect(await introspect(live)).toMatchObject({
      active: true,
      client_id: reader.client.client_id,
      iss: issuer,
      aud: AUDIENCE,
      kw_kind: 'access_token',
    })
    const doomed = (await (
      await api('/api-keys', admin.secret, {
        method: 'POST',
        body: JSON.stringify({ name: 'doomed', scopes: [], expiresIn: '1d' }),
      })
    ).json()) as { key: { id: string }; token: string }
    await api(`/api-keys/${doomed.key.id}`, admin.secret, { method: 'DELETE' })
    await sleep(1_100)
    for (const token of [doomed.token, short, 'garbage', `${live}x`]) {
      expect(await introspect(token)).toEqual({ active: false })
    }
  })

  it('answers every failure as the OAuth error it is, never cacheable', async () => {
    const refusal = async (
      response: Promise<Response>,
      process: (
        as: oauth.AuthorizationServer,
        client: oauth.Client,
        response: Response,
      ) => Promise<unknown> = oauth.processClientCredentialsResponse,
    ) => {
      const answer = await response
      expect(answer.headers.get('cache-control')).toBe('no-store')
      return process(as, reader.client, answer).then(
        () => expect.fail('the request should have failed'),
        (error: unknown) => error,
      )
    }
    const scopeError = await refusal(
      oauth.clientCredentialsGrantRequest(
        as,
        reader.client,
        oauth.ClientSecretBasic(reader.secret),
        new URLSearchParams({ scope: 'projects:write' }),
        insecure,
      ),
    )
    expect(scopeError).toBeInstanceOf(oauth.ResponseBodyError)
    expect(scopeError).toMatchObject({ status: 400, error: 'invalid_scope' })

    const clientError = await refusal(
      oauth.clientCredentialsGrantRequest(
        as,
        reader.client,
        // Another last character (a fixed 'x' would be the same secret when it already ends in x).
        oauth.ClientSecretBasic(
          `${reader.secret.slice(0, -1)}${reader.secret.endsWith('x') ? 'y' : 'x'}`,
        ),
        new URLSearchParams(),
        insecure,
      ),
    )
    expect(clientError).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
    const challenge = clientError as oauth.WWWAuthenticateChallengeError
    expect(challenge.status).toBe(401)
    expect(challenge.cause[0]).toMatchObject({ scheme: 'basic', parameters: { realm: 'api' } })
    expect(await challenge.response.json()).toMatchObject({ error: 'invalid_client' })

    const grantError = await refusal(
      oauth.genericTokenEndpointRequest(
        as,
        reader.client,
        oauth.ClientSecretBasic(reader.secret),
        'password',
        {},
        insecure,
      ),
      oauth.processGenericTokenEndpointResponse,
    )
    expect(grantError).toMatchObject({ status: 400, error: 'unsupported_grant_type' })

    const exchangeError = await refusal(
      oauth.genericTokenEndpointRequest(
        as,
        reader.client,
        oauth.None(),
        EXCHANGE,
        { subject_token: 'kw_test_nope', subject_token_type: ACCESS_TOKEN_TYPE },
        insecure,
      ),
      oauth.processGenericTokenEndpointResponse,
    )
    expect(exchangeError).toMatchObject({ status: 400, error: 'invalid_request' })

    const introspectionError = await refusal(
      oauth.introspectionRequest(
        as,
        reader.client,
        oauth.ClientSecretBasic(reader.secret),
        reader.secret,
        insecure,
      ),
      oauth.processIntrospectionResponse,
    )
    // The 403 challenges insufficient_scope (RFC 6750 §3.1) and names the scope (issue 20), so
    // oauth4webapi reports the challenge; the body still says insufficient_scope.
    expect(introspectionError).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
    const insufficient = introspectionError as oauth.WWWAuthenticateChallengeError
    expect(insufficient.status).toBe(403)
    expect(insufficient.cause[0]).toMatchObject({
      scheme: 'bearer',
      parameters: { error: 'insufficient_scope', scope: 'api_keys:manage' },
    })
    expect(await insufficient.response.json()).toMatchObject({ error: 'insufficient_scope' })

    // The management routes' refusals are never cached either.
    for (const answer of [
      await fetch(`${issuer}/api-keys`),
      await api('/api-keys', reader.secret),
      await api('/api-keys/token', reader.secret, { method: 'POST', body: '{' }),
      await fetch(`${issuer}/api-keys/token`, {
        method: 'POST',
        body: 'grant_type=client_credentials',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ]) {
      expect([answer.status, answer.headers.get('cache-control')]).toEqual([
        expect.any(Number),
        'no-store',
      ])
      expect(answer.status).toBeGreaterThanOrEqual(400)
    }
  })

  it('answers an OAuth client’s GET of the token endpoint 405 with Allow: POST, and introspection’s 403 with the insufficient_scope challenge', async () => {
    const basic = `Basic ${btoa(`${reader.client.client_id}:${reader.secret}`)}`
    for (const authorization of [basic, undefined]) {
      const answer = await fetch(`${issuer}/api-keys/token`, {
        headers: authorization === undefined ? {} : { authorization },
      })
      expect([answer.status, answer.headers.get('allow')]).toEqual([405, 'POST'])
      expect(answer.headers.get('cache-control')).toBe('no-store')
      expect(await answer.json()).toMatchObject({ error: 'invalid_request' })
    }

    const denied = await fetch(`${issuer}/oauth/introspect`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: reader.secret }),
    })
    expect(denied.status).toBe(403)
    expect(denied.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="api", error="insufficient_scope", .*scope="api_keys:manage"/,
    )
    expect(await denied.json()).toMatchObject({ error: 'insufficient_scope' })
  })

  it('takes the README’s JSON curl (JSON sent as a form) as the JSON form, and says so when OAuth parameters come as JSON', async () => {
    const asForm = (path: string, body: unknown, authorization?: string) =>
      fetch(`${issuer}${path}`, {
        method: 'POST',
        headers: {
          // What `curl -d '{…}'` sends without `-H 'Content-Type: application/json'`.
          'content-type': 'application/x-www-form-urlencoded',
          ...(authorization === undefined ? {} : { authorization }),
        },
        body: JSON.stringify(body),
      })
    const minted = await asForm(
      '/api-keys/token',
      { scope: 'projects:read', expiresIn: 600 },
      `Bearer ${reader.secret}`,
    )
    expect(minted.status).toBe(200)
    expect(await minted.json()).toMatchObject({ token_type: 'Bearer', scope: 'projects:read' })

    const oauthAsJson = await asForm('/api-keys/token', {
      grant_type: 'client_credentials',
      client_id: reader.client.client_id,
      client_secret: reader.secret,
    })
    expect(oauthAsJson.status).toBe(400)
    const refused = (await oauthAsJson.json()) as Record<string, string>
    expect(refused.error).toBe('invalid_request')
    expect(refused.error_description).toMatch(/looks like JSON/)
    expect(refused.error_description).toMatch(/application\/x-www-form-urlencoded/)

    const introspection = await asForm(
      '/oauth/introspect',
      { token: reader.secret },
      `Basic ${btoa(`${admin.client.client_id}:${admin.secret}`)}`,
    )
    expect(introspection.status).toBe(400)
    expect(await introspection.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/looks like JSON/),
    })
  })
})

/** A form POST to an OAuth endpoint, the client by HTTP Basic when `client` is given. */
function formPost(
  url: string,
  parameters: Record<string, string>,
  client?: { id: string; secret: string },
): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
  }
  if (client !== undefined) headers.authorization = `Basic ${btoa(`${client.id}:${client.secret}`)}`
  return fetch(url, { method: 'POST', headers, body: new URLSearchParams(parameters) })
}

// Per-key credits counted in Redis (RedisLimiter, exact mode), as a deployment sharing Redis
// counts them: the README's promise that a refused request costs nothing, and that a request
// costs once, read back from the key's own `RateLimit` header and from Redis itself.
describe.each([
  ['Express', 'examples/express-api'],
  ['Hono', 'examples/hono-api'],
  ['Fastify', 'examples/fastify-api'],
])('OAuth requests and credits on Redis, against the %s example', (_, dir) => {
  const namespace = testNamespace(`oauth-${dir.split('/')[1]}`)
  let child: ChildProcess
  let issuer: string
  let adminToken: string
  let admin: { id: string; secret: string }
  let redis: Awaited<ReturnType<typeof connectRedis>>

  const api = (path: string, token: string, body?: unknown) =>
    fetch(`${issuer}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })

  /** A new key of the admin's owner, with `credits` to spend. */
  const createKey = async (scopes: string[], credits: number) => {
    const created = (await (
      await api('/api-keys', adminToken, {
        name: 'metered client',
        scopes,
        expiresIn: '1d',
        credits: { remaining: credits },
      })
    ).json()) as { key: { id: string }; token: string }
    return { id: created.key.id, secret: created.token }
  }

  /** The key's balance, read from the `RateLimit` header of a request that costs 1 itself. */
  const balanceAfterRead = async (key: { secret: string }) => {
    const answer = await api('/v1/whoami', key.secret)
    expect(answer.status).toBe(200)
    const left = /"credits";r=(\d+)/.exec(answer.headers.get('ratelimit') ?? '')?.[1]
    expect(left).toBeDefined()
    return Number(left)
  }

  /** Credits `request` cost `key`: its balance before and after, less the reading itself. */
  const spentBy = async (key: { secret: string }, request: () => Promise<Response>) => {
    const before = await balanceAfterRead(key)
    const answer = await request()
    await answer.body?.cancel()
    const after = await balanceAfterRead(key)
    return { status: answer.status, spent: before - after - 1 }
  }

  beforeAll(async () => {
    redis = await connectRedis()
    const started = await startExample(dir, { REDIS_URL, REDIS_NAMESPACE: namespace })
    ;({ child, issuer, adminToken } = started)
    const whoami = (await (await api('/v1/whoami', adminToken)).json()) as { id: string }
    admin = { id: whoami.id, secret: adminToken }
  })
  afterAll(async () => {
    if (child) await stopProcess(child)
    if (redis) {
      await deleteNamespace(redis, namespace)
      await redis.quit()
    }
  })

  it('charges a granted token request once, and a refused one (scope, exchange, introspection) nothing', async () => {
    const key = await createKey(['projects:read'], 100)
    const token = `${issuer}/api-keys/token`
    const exchange = { grant_type: EXCHANGE, subject_token: key.secret }
    const exchangeOf = (extra: Record<string, string> = {}) => ({
      ...exchange,
      subject_token_type: ACCESS_TOKEN_TYPE,
      ...extra,
    })
    const cases: [string, () => Promise<Response>, { status: number; spent: number }][] = [
      [
        'client_credentials, a scope the key lacks',
        () => formPost(token, { grant_type: 'client_credentials', scope: 'projects:write' }, key),
        { status: 400, spent: 0 },
      ],
      [
        'client_credentials by Bearer, a scope the key lacks',
        () =>
          fetch(token, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${key.secret}`,
              'content-type': 'application/x-www-form-urlencoded',
            },
            body: 'grant_type=client_credentials&scope=projects:write',
          }),
        { status: 400, spent: 0 },
      ],
      [
        'client_credentials',
        () => formPost(token, { grant_type: 'client_credentials' }, key),
        { status: 200, spent: 1 },
      ],
      [
        'token exchange, the client the same key as subject_token',
        () => formPost(token, exchangeOf(), key),
        { status: 200, spent: 1 },
      ],
      [
        'token exchange without client authentication',
        () => formPost(token, exchangeOf()),
        { status: 200, spent: 1 },
      ],
      [
        'token exchange, the same key, a scope it lacks',
        () => formPost(token, exchangeOf({ scope: 'projects:write' }), key),
        { status: 400, spent: 0 },
      ],
      [
        'token exchange by another client',
        () => formPost(token, exchangeOf(), admin),
        { status: 400, spent: 0 },
      ],
      [
        'introspection by a key lacking the introspection scope',
        () => formPost(`${issuer}/oauth/introspect`, { token: key.secret }, key),
        { status: 403, spent: 0 },
      ],
      [
        'the JSON form, a scope the key lacks',
        () => api('/api-keys/token', key.secret, { scope: 'projects:write' }),
        { status: 403, spent: 0 },
      ],
    ]
    const answered: [string, { status: number; spent: number }][] = []
    for (const [name, request] of cases) answered.push([name, await spentBy(key, request)])
    expect(answered).toEqual(cases.map(([name, , expected]) => [name, expected]))
    const left = await balanceAfterRead(key)
    expect(await redis.hget(`{${namespace}}:limits:${key.id}`, 'cb')).toBe(String(left))
  })

  it('introspection charges neither the inspected key nor its parent; a key out of credits is still active', async () => {
    const key = await createKey(['projects:read'], 100)
    const introspect = (token: string, caller = admin) =>
      formPost(`${issuer}/oauth/introspect`, { token }, caller)
    expect(await spentBy(key, () => introspect(key.secret))).toEqual({ status: 200, spent: 0 })
    const issued = (await (
      await formPost(`${issuer}/api-keys/token`, { grant_type: 'client_credentials' }, key)
    ).json()) as { access_token: string }
    expect(await spentBy(key, () => introspect(issued.access_token))).toEqual({
      status: 200,
      spent: 0,
    })

    const spent = await createKey(['projects:read'], 0)
    const answer = await introspect(spent.secret)
    expect(answer.status).toBe(200)
    expect(await answer.json()).toMatchObject({ active: true, client_id: spent.id })

    // Only the caller's own request is limited: its last credit, then none.
    const caller = await createKey(['api_keys:manage'], 1)
    expect((await introspect(key.secret, caller)).status).toBe(200)
    const limited = await introspect(key.secret, caller)
    expect(limited.status).toBe(429)
    expect(await limited.json()).toMatchObject({ error: 'temporarily_unavailable' })
  })
})
