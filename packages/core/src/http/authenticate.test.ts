import { describe, expect, it } from 'vitest'
import { thrown } from '../../test/thrown.js'
import {
  InsufficientScopeError,
  InvalidRequestError,
  type KeywardError,
  MissingTokenError,
} from '../errors.js'
import { createKeyward } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { VerifiedKey } from '../types.js'
import { createAuthenticator } from './authenticate.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Write projects',
})

async function setup(realm = 'acme') {
  const keyward = createKeyward({
    prefix: 'kw_test',
    scopes,
    realm,
    now: () => Date.UTC(2030, 0, 1),
  })
  const { token, key } = await keyward.keys.create({
    name: 'reader',
    ownerId: 'org_1',
    scopes: ['projects:read'],
    expiresIn: '1d',
  })
  return { keyward, token, id: key.id }
}

/** The request shape adapters hand over: a method and a header getter. */
function request(headers: Record<string, string>, method = 'GET') {
  return { method, header: (name: string) => headers[name] }
}

describe('createAuthenticator', () => {
  it('verifies a Bearer token, synchronously once the key is cached', async () => {
    const { keyward, token, id } = await setup()
    const authenticate = createAuthenticator(keyward)
    const first = authenticate(request({ authorization: `Bearer ${token}` }))
    expect(first).toBeInstanceOf(Promise)
    expect((await first)?.id).toBe(id)
    const second = authenticate(request({ authorization: `bEaReR ${token}` }))
    expect(second).not.toBeInstanceOf(Promise)
    expect((second as VerifiedKey).id).toBe(id)
  })

  it('refuses a missing credential with the configured realm, and lets it through when optional', async () => {
    const { keyward } = await setup()
    const error = thrown(() => createAuthenticator(keyward)(request({})))
    expect(error).toBeInstanceOf(MissingTokenError)
    expect(error.wwwAuthenticate).toBe('Bearer realm="acme"')
    expect(createAuthenticator(keyward, { optional: true })(request({}))).toBeUndefined()
    // Another scheme is no Bearer credential at all (RFC 6750 §3.1): same answers.
    expect(
      thrown(() => createAuthenticator(keyward)(request({ authorization: 'Basic Zm9vOmJhcg==' }))),
    ).toBeInstanceOf(MissingTokenError)
    expect(
      createAuthenticator(keyward, { optional: true })(
        request({ authorization: 'Basic Zm9vOmJhcg==' }),
      ),
    ).toBe(undefined)
  })

  it('refuses unusable Bearer values and conflicting credentials with invalid_request', async () => {
    const { keyward, token } = await setup()
    const authenticate = createAuthenticator(keyward, { apiKeyHeader: true, optional: true })
    for (const headers of [
      { authorization: 'Bearer' },
      { authorization: 'Bearer    ' },
      { authorization: `Bearer ${token}\u00e9` },
      { authorization: `Bearer ${token}, Bearer ${token}` },
      { authorization: `Bearer ${token}`, 'x-api-key': `${token}x` },
      { 'x-api-key': `${token} ` },
    ]) {
      const error = thrown(() => authenticate(request(headers)))
      expect(error).toBeInstanceOf(InvalidRequestError)
      expect(error.status).toBe(400)
      expect(error.wwwAuthenticate).toMatch(
        /^Bearer realm="acme", error="invalid_request", error_description="/,
      )
      expect(error.message).not.toContain(token)
    }
  })

  it('accepts the RFC 6750 b64token alphabet, including trailing padding', async () => {
    const { keyward } = await setup()
    const authenticate = createAuthenticator(keyward)
    // Well-formed for RFC 6750, so it reaches the verifier, which finds it malformed.
    const error = await Promise.resolve()
      .then(() => authenticate(request({ authorization: 'Bearer a-b.c_d~e+f/g==' })))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'malformed_token', status: 401 })
  })

  it('reads an imported legacy token from Authorization: Bearer and from X-API-Key alike', async () => {
    const keyward = createKeyward({ prefix: 'kw_test', scopes, legacyTokens: /^sk_[0-9a-f]{40}$/ })
    const token = `sk_${'ab'.repeat(20)}`
    const report = await keyward.keys.import([
      { token, name: 'old', ownerId: 'org_1', scopes: ['projects:read'], expiresIn: '1d' },
    ])
    const authenticate = createAuthenticator(keyward, { apiKeyHeader: true })
    for (const headers of [{ authorization: `Bearer ${token}` }, { 'x-api-key': token }]) {
      const key = (await authenticate(request(headers))) as VerifiedKey
      expect(key.id).toBe(report.results[0]!.id)
    }
    const error = await Promise.resolve()
      .then(() => authenticate(request({ 'x-api-key': `sk_${'cd'.repeat(20)}` })))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'unknown_token', status: 401 })
  })

  it('passes CORS preflights unless told not to', async () => {
    const { keyward } = await setup()
    const preflight = request({ 'access-control-request-method': 'POST' }, 'OPTIONS')
    expect(createAuthenticator(keyward)(preflight)).toBeUndefined()
    expect(
      thrown(() => createAuthenticator(keyward, { passPreflight: false })(preflight)).code,
    ).toBe('missing_token')
    expect(thrown(() => createAuthenticator(keyward)(request({}, 'OPTIONS'))).code).toBe(
      'missing_token',
    )
  })

  it('applies scope requirements compiled once', async () => {
    const { keyward, token } = await setup()
    const authenticate = createAuthenticator(keyward, { scopes: ['projects:write'] })
    const error = await Promise.resolve(
      authenticate(request({ authorization: `Bearer ${token}` })),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InsufficientScopeError)
    expect((error as KeywardError).wwwAuthenticate).toContain('scope="projects:write"')
  })

  it('throws TypeError on bad configuration', async () => {
    const { keyward } = await setup()
    expect(() => createAuthenticator(undefined as never)).toThrow(
      'keyward must be an instance from createKeyward()',
    )
    expect(() => createAuthenticator(keyward, null as never)).toThrow('options must be an object')
    expect(() => createAuthenticator(keyward, { optional: 'yes' as never })).toThrow(
      'optional must be a boolean',
    )
    expect(() => createAuthenticator(keyward, { apiKeyHeader: 'authorization' })).toThrow(TypeError)
    expect(() => createAuthenticator(keyward, { apiKeyHeader: 'x api key' })).toThrow(TypeError)
    expect(() => createAuthenticator(keyward, { scopes: 'projects:read' as never })).toThrow(
      'scopes must be an array of scopes',
    )
    expect(() => createAuthenticator(keyward, { anyScopes: ['projects:nope' as never] })).toThrow(
      /must be declared in the scope catalog/,
    )
  })
})
