import { describe, expect, it } from 'vitest'
import { thrown } from '../../test/thrown.js'
import { MissingTokenError } from '../errors.js'
import { createKeyward } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { VerifiedKey } from '../types.js'
import { createScopeGuard, grantedScopes } from './guards.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Write projects',
})

describe('createScopeGuard', () => {
  const key: VerifiedKey = Object.freeze({
    id: 'key_0000000000000000',
    name: 'k',
    ownerId: 'o',
    scopes: ['projects:*'],
    expiresAt: 0,
    createdAt: 0,
    kind: 'api_key',
  })

  it('checks an already-verified key, all or any', () => {
    expect(() => createScopeGuard(['projects:read', 'projects:write'], 'all')(key)).not.toThrow()
    expect(() => createScopeGuard(['datasets:read', 'projects:read'], 'any')(key)).not.toThrow()
    const error = thrown(() => createScopeGuard(['datasets:read', 'projects:read'], 'all')(key))
    expect(error).toMatchObject({
      code: 'insufficient_scope',
      status: 403,
      missingScopes: ['datasets:read'],
    })
    expect(error.wwwAuthenticate).toContain('realm="api"')
  })

  it('refuses a request no key was verified for', () => {
    expect(thrown(() => createScopeGuard(['projects:read'], 'all')(undefined))).toBeInstanceOf(
      MissingTokenError,
    )
  })

  it('bound to a keyward, validates against its catalog and uses its realm', () => {
    const keyward = createKeyward({ prefix: 'kw_test', scopes, realm: 'acme' })
    expect(() => createScopeGuard(['datasets:read'], 'all', keyward)).toThrow(/catalog/)
    const error = thrown(() =>
      createScopeGuard(['projects:read'], 'all', keyward)({ ...key, scopes: [] }),
    )
    expect(error.wwwAuthenticate).toContain('realm="acme"')
    expect(
      thrown(() => createScopeGuard(['projects:read'], 'any', keyward)(undefined)).wwwAuthenticate,
    ).toBe('Bearer realm="acme"')
  })

  it('throws TypeError for no scopes or a wildcard requirement', () => {
    expect(() => createScopeGuard([], 'all')).toThrow('requireScopes needs at least one scope')
    expect(() => createScopeGuard([], 'any')).toThrow('requireAnyScope needs at least one scope')
    expect(() => createScopeGuard(['projects:*'], 'all')).toThrow(/without wildcards/)
  })

  it('builds the granted set once per scopes array, shared by per-request copies', () => {
    expect(grantedScopes(key)).toBe(grantedScopes(key))
    expect([...grantedScopes(key)]).toEqual(['projects:*'])
    expect(grantedScopes({ ...key })).toBe(grantedScopes(key))
    expect(grantedScopes({ ...key, scopes: ['projects:*'] })).not.toBe(grantedScopes(key))
  })
})
