import { createKeyward, defineScopes } from '@keyward/core'
import type { OAuthAccessTokens } from '@keyward/core/adapter'
import Fastify from 'fastify'
import { afterAll, expect, it } from 'vitest'
import { apiKeysRouter } from './management.js'
import { oauthRouter } from './oauth.js'

const accessTokens: OAuthAccessTokens = {
  issuer: 'https://api.example.test',
  async issueAccessToken(key, options = {}) {
    const scopes = options.scopes ?? key.scopes
    return { accessToken: `at.${key.id}`, expiresIn: 60, scopes }
  },
}

const app = Fastify()
afterAll(() => app.close())

// The end-to-end OAuth checks run against the example apps (test/oauth.test.ts); this one
// covers what is Fastify's own: form bodies read by the plugins, whatever the app parses.
it('serves OAuth form requests, metadata and introspection from the plugins', async () => {
  const keyward = createKeyward({
    scopes: defineScopes({ 'api_keys:manage': 'Manage API keys', 'projects:read': 'Read' }),
  })
  app.register(oauthRouter(keyward, { accessTokens, introspectionScope: 'api_keys:manage' }))
  app.register(apiKeysRouter(keyward, { accessTokens }), { prefix: '/api-keys' })
  const { token, key } = await keyward.keys.create({
    name: 'client',
    ownerId: 'o',
    scopes: ['*'],
    expiresIn: '1d',
  })
  const form = (url: string, body: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(body).toString(),
    })

  const granted = await form('/api-keys/token', {
    grant_type: 'client_credentials',
    client_id: key.id,
    client_secret: token,
  })
  expect(granted.statusCode).toBe(200)
  expect(granted.json()).toMatchObject({ access_token: `at.${key.id}`, scope: '*' })
  const introspected = await form('/oauth/introspect', {
    client_id: key.id,
    client_secret: token,
    token,
  })
  expect(introspected.json()).toMatchObject({ active: true, client_id: key.id })
  const metadata = await app.inject({ url: '/.well-known/oauth-authorization-server' })
  expect(metadata.json()).toMatchObject({ issuer: 'https://api.example.test' })
})
