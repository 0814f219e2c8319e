import { createManagementApi } from '@keyward/core/adapter'
import { describe, expect, test } from 'vitest'
import { decodePart, setup } from '../test/fixtures.js'

/** `POST /api-keys/token` as core's management API answers it with these access tokens. */
describe('the token exchange', () => {
  async function exchange() {
    const s = await setup()
    const api = createManagementApi(s.keyward, {
      accessTokens: s.accessTokens,
      manageScope: 'api_keys:manage',
    })
    const post = (body: unknown) =>
      api.handle({ method: 'POST', path: '/token', apiKey: s.key, body: JSON.stringify(body) })
    return { ...s, post }
  }

  test('answers RFC 6749 §5.1 with a token keyward.verify accepts', async () => {
    const { post, keyward, key } = await exchange()
    const response = await post({ scope: 'projects:read', expiresIn: '15m' })

    expect(response.status).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const body = response.body as Record<string, unknown>
    expect(body).toEqual({
      access_token: expect.stringMatching(/^eyJ/),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'projects:read',
    })
    expect(decodePart(body.access_token as string, 1)).toMatchObject({
      kw_key: key.id,
      scope: 'projects:read',
    })
    await expect(keyward.verify(body.access_token as string)).resolves.toMatchObject({
      kind: 'access_token',
      scopes: ['projects:read'],
    })
  })

  test('refuses a ttl over maxTtl with 422 naming expiresIn, and a scope the key lacks with 403', async () => {
    const { post } = await exchange()
    const tooLong = await post({ expiresIn: '2h' })
    expect(tooLong.status).toBe(422)
    expect(tooLong.body).toMatchObject({
      code: 'invalid_argument',
      field: 'expiresIn',
      detail: 'expiresIn must be between 1 and 3600 seconds.',
    })
    const wider = await post({ scope: 'projects:read billing:read' })
    expect(wider.status).toBe(403)
    expect(wider.body).toMatchObject({ code: 'insufficient_scope' })
  })

  test('answers an OAuth form request with a real token, and invalid_grant for a key about to expire', async () => {
    const { keyward, accessTokens, clock } = await setup()
    const api = createManagementApi(keyward, { accessTokens })
    const { token, key } = await keyward.keys.create({
      name: 'short-lived',
      ownerId: 'org_1',
      scopes: ['projects:read'],
      expiresAt: clock.now() + 1_500,
    })
    const form = (secret: string) =>
      api.handle({
        method: 'POST',
        path: '/token',
        header: (name) =>
          ({
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${btoa(`${key.id}:${secret}`)}`,
          })[name],
        body: 'grant_type=client_credentials',
      })
    const granted = await form(token)
    expect(granted.status).toBe(200)
    const accessToken = (granted.body as { access_token: string }).access_token
    expect(decodePart(accessToken, 1)).toMatchObject({ client_id: key.id, kw_key: key.id })
    // Its last whole second has begun: no token can end before the key does.
    clock.advance(1_200)
    const refused = await form(token)
    expect([refused.status, refused.body]).toEqual([
      400,
      { error: 'invalid_grant', error_description: expect.any(String) },
    ])
  })
})
