import type { AddressInfo } from 'node:net'
import { createKeyward, defineScopes, openApiDocument } from '@keyward/core'
import type { OAuthAccessTokens } from '@keyward/core/adapter'
import { apiKeysRouter, oauthRouter } from '@keyward/express'
import express from 'express'
import { afterAll, expect, it } from 'vitest'
import { responseChecker, type Seen } from './support/openapi-check.js'
import { WRITTEN_OPTIONS } from './support/openapi-files.js'

// The OAuth side of the document, proven like the management routes: every answer of the
// token endpoint's form grants, introspection and the metadata, refusals included, is checked
// against the written document (which describes them at the paths createOAuthServer uses).

const accessTokens: OAuthAccessTokens = {
  issuer: 'https://api.example.test',
  async issueAccessToken(key, options = {}) {
    return { accessToken: `at.${key.id}`, expiresIn: 60, scopes: options.scopes ?? key.scopes }
  },
}

const closers: (() => void)[] = []
afterAll(() => {
  for (const close of closers) close()
})

it('answers the OAuth endpoints as the OpenAPI document says, refusals included', async () => {
  const keyward = createKeyward({
    scopes: defineScopes({ 'api_keys:manage': 'Manage API keys', 'projects:read': 'Read' }),
  })
  const app = express()
  app.use(oauthRouter(keyward, { accessTokens, introspectionScope: 'api_keys:manage' }))
  app.use('/api-keys', apiKeysRouter(keyward, { accessTokens }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  closers.push(() => server.close())
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const client = await keyward.keys.create({
    name: 'client',
    ownerId: 'o',
    scopes: ['*'],
    expiresIn: '1d',
  })
  const reader = await keyward.keys.create({
    name: 'reader',
    ownerId: 'o',
    scopes: ['projects:read'],
    expiresIn: '1d',
  })
  const seen: Seen = new Set()
  const check = responseChecker({ documentFor: () => openApiDocument(WRITTEN_OPTIONS), seen })
  const send = async (
    method: string,
    path: string,
    body?: Record<string, string>,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: new URLSearchParams(body) }),
    })
    await check({ origin: base, options: {}, method, path, response: response.clone() })
    return response
  }
  const basic = (id: string, secret: string) => ({
    authorization: `Basic ${btoa(`${id}:${secret}`)}`,
  })

  const cases: [() => Promise<Response>, number][] = [
    [
      () =>
        send(
          'POST',
          '/api-keys/token',
          { grant_type: 'client_credentials' },
          basic(client.key.id, client.token),
        ),
      200,
    ],
    [
      () =>
        send('POST', '/api-keys/token', {
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: client.token,
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          scope: 'projects:read',
        }),
      200,
    ],
    [
      () =>
        send(
          'POST',
          '/api-keys/token',
          { grant_type: 'client_credentials' },
          basic(client.key.id, reader.token),
        ),
      401,
    ],
    [
      () =>
        send(
          'POST',
          '/api-keys/token',
          { grant_type: 'password' },
          basic(client.key.id, client.token),
        ),
      400,
    ],
    [
      () =>
        send('GET', '/api-keys/token', undefined, {
          'content-type': 'application/x-www-form-urlencoded',
        }),
      405,
    ],
    [
      () =>
        send(
          'POST',
          '/oauth/introspect',
          { token: reader.token },
          basic(client.key.id, client.token),
        ),
      200,
    ],
    [
      () =>
        send('POST', '/oauth/introspect', { token: 'kw_nope' }, basic(client.key.id, client.token)),
      200,
    ],
    [
      () =>
        send(
          'POST',
          '/oauth/introspect',
          { token: client.token },
          basic(reader.key.id, reader.token),
        ),
      403,
    ],
    [() => send('POST', '/oauth/introspect', { token: client.token }), 401],
    [() => send('GET', '/.well-known/oauth-authorization-server'), 200],
  ]
  for (const [request, status] of cases) expect((await request()).status).toBe(status)
  expect([...seen].sort()).toEqual([
    'getAuthorizationServerMetadata 200',
    'introspectToken 200',
    'introspectToken 401',
    'introspectToken 403',
    'mintAccessToken 200',
    'mintAccessToken 400',
    'mintAccessToken 401',
  ])
})
