import type { AddressInfo } from 'node:net'
import { createKeyward, defineScopes } from '@keyward/core'
import type { OAuthAccessTokens } from '@keyward/core/adapter'
import express from 'express'
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

const closers: (() => void)[] = []
afterAll(() => {
  for (const close of closers) close()
})

// The end-to-end OAuth checks run against the example apps (test/oauth.test.ts); this one
// covers what only an Express app can do: parse the form before the routers see it.
it('serves OAuth form requests even after an app-wide express.urlencoded()', async () => {
  const keyward = createKeyward({
    scopes: defineScopes({ 'api_keys:manage': 'Manage API keys', 'projects:read': 'Read' }),
  })
  const app = express()
  app.use(express.urlencoded({ extended: false }))
  app.use(oauthRouter(keyward, { accessTokens, introspectionScope: 'api_keys:manage' }))
  app.use('/api-keys', apiKeysRouter(keyward, { accessTokens }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  closers.push(() => server.close())
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { token, key } = await keyward.keys.create({
    name: 'client',
    ownerId: 'o',
    scopes: ['*'],
    expiresIn: '1d',
  })
  const form = (path: string, body: Record<string, string>) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    })

  const granted = await form('/api-keys/token', {
    grant_type: 'client_credentials',
    client_id: key.id,
    client_secret: token,
  })
  expect(granted.status).toBe(200)
  expect(await granted.json()).toMatchObject({ access_token: `at.${key.id}`, scope: '*' })
  const introspected = await form('/oauth/introspect', {
    client_id: key.id,
    client_secret: token,
    token,
  })
  expect(await introspected.json()).toMatchObject({ active: true, client_id: key.id })
  const metadata = await fetch(`${base}/.well-known/oauth-authorization-server`)
  expect(await metadata.json()).toMatchObject({ issuer: 'https://api.example.test' })
})
