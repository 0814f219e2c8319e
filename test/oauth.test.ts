import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnExample } from './support/example-process.js'
import { sleep, stopProcess } from './support/processes.js'

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

/** Starts an example on its own port (so its issuer is the URL it serves); resolves its admin token. */
async function startExample(
  dir: string,
): Promise<{ child: ChildProcess; issuer: string; adminToken: string }> {
  const port = await freePort()
  const child = spawnExample(dir, { PORT: String(port), ISSUER: '' })
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
    expect(introspectionError).toMatchObject({ status: 403, error: 'insufficient_scope' })

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
})
