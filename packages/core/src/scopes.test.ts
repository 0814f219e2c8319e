import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InsufficientScopeError } from './errors.js'
import {
  assertGrantable,
  defineScopes,
  grantCovers,
  grants,
  isScope,
  isScopeGrant,
  isSubsetOf,
  missingScopes,
  openScopeCatalog,
  requirementCompiler,
  scopeRequirement,
} from './scopes.js'

const segment = fc.stringMatching(/^[a-z0-9_.-]{1,6}$/)
const scopeArb = fc.array(segment, { minLength: 2, maxLength: 4 }).map((s) => s.join(':'))
/** A wildcard grant over a proper leading run of `scope`'s segments. */
const wildcardOf = (scope: string, cut: number) => {
  const segments = scope.split(':')
  return `${segments.slice(0, 1 + (cut % (segments.length - 1))).join(':')}:*`
}

describe('scope syntax', () => {
  it('accepts resource:action and rejects the rest', () => {
    for (const ok of ['datasets:read', 'a:b:c', 'api_keys:manage', 'v1.x:read-all'])
      expect(isScope(ok)).toBe(true)
    for (const bad of ['datasets', 'Datasets:read', 'a::b', ':a', 'a:', 'a:*', '*', 'a b:c', 7]) {
      expect(isScope(bad)).toBe(false)
    }
    for (const ok of ['*', 'a:*', 'a:b:*', 'a:b']) expect(isScopeGrant(ok)).toBe(true)
    for (const bad of ['a*', 'a:*:b', '**', 'a:**', '*:read', 'a'])
      expect(isScopeGrant(bad)).toBe(false)
  })
})

describe('scope matching laws', () => {
  it('an exact grant satisfies exactly its scope', () => {
    fc.assert(
      fc.property(scopeArb, scopeArb, (held, wanted) => {
        expect(grants(new Set([held]), wanted)).toBe(held === wanted)
      }),
    )
  })

  it('* grants every scope', () => {
    fc.assert(
      fc.property(scopeArb, (wanted) => {
        expect(grants(new Set(['*']), wanted)).toBe(true)
      }),
    )
  })

  it('a wildcard grants exactly the scopes under its prefix', () => {
    fc.assert(
      fc.property(scopeArb, scopeArb, fc.nat(), (base, other, cut) => {
        const wildcard = wildcardOf(base, cut)
        expect(grants(new Set([wildcard]), base)).toBe(true)
        const under = other.startsWith(wildcard.slice(0, -1))
        expect(grants(new Set([wildcard]), other)).toBe(under)
        expect(grantCovers(wildcard, other)).toBe(under)
      }),
    )
  })

  it('granting more never loses a scope (monotonic), and grants agrees with grantCovers', () => {
    fc.assert(
      fc.property(
        fc.array(scopeArb, { maxLength: 5 }),
        scopeArb,
        scopeArb,
        (held, extra, wanted) => {
          const before = grants(new Set(held), wanted)
          if (before) expect(grants(new Set([...held, extra]), wanted)).toBe(true)
          expect(before).toBe(held.some((grant) => grantCovers(grant, wanted)))
        },
      ),
    )
  })

  it('an all-of requirement holds iff each scope holds; any-of iff one does', () => {
    fc.assert(
      fc.property(
        fc.array(scopeArb, { maxLength: 4 }),
        fc.array(scopeArb, { minLength: 1, maxLength: 3 }),
        (held, wanted) => {
          const granted = new Set(held)
          const all = () => scopeRequirement(wanted, 'all').check(granted)
          const any = () => scopeRequirement(wanted, 'any').check(granted)
          if (wanted.every((s) => grants(granted, s))) expect(all).not.toThrow()
          else expect(all).toThrowError(expect.objectContaining({ code: 'insufficient_scope' }))
          if (wanted.some((s) => grants(granted, s))) expect(any).not.toThrow()
          else expect(any).toThrowError(expect.objectContaining({ code: 'insufficient_scope' }))
        },
      ),
    )
  })

  it('subset checks expand wildcards on both sides', () => {
    expect(isSubsetOf(['projects:read'], ['projects:*'])).toBe(true)
    expect(isSubsetOf(['projects:*'], ['projects:*'])).toBe(true)
    expect(isSubsetOf(['projects:a:*'], ['projects:*'])).toBe(true)
    expect(isSubsetOf(['projects:*'], ['projects:read'])).toBe(false)
    expect(isSubsetOf(['*'], ['projects:*'])).toBe(false)
    expect(isSubsetOf(['*'], ['*'])).toBe(true)
    expect(isSubsetOf(['a:b', 'c:d'], ['a:b'])).toBe(false)
    // Narrowing to no scopes is always within what the caller holds.
    expect(isSubsetOf([], [])).toBe(true)
    expect(isSubsetOf([], ['projects:read'])).toBe(true)
    expect(isSubsetOf(['projects:read'], [])).toBe(false)
    fc.assert(
      fc.property(fc.array(scopeArb, { maxLength: 4 }), scopeArb, (held, wanted) => {
        expect(isSubsetOf([wanted], held)).toBe(grants(new Set(held), wanted))
      }),
    )
  })
})

describe('requirements', () => {
  it('names the missing scopes in the error and the challenge', () => {
    const requirement = scopeRequirement(['projects:read', 'projects:write'])
    try {
      requirement.check(new Set(['projects:read']), 'acme')
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({
        code: 'insufficient_scope',
        status: 403,
        missingScopes: ['projects:write'],
        wwwAuthenticate: expect.stringMatching(
          /^Bearer realm="acme", error="insufficient_scope", error_description="[^"]+", scope="projects:read projects:write"$/,
        ),
      })
    }
  })

  it('a key with no scopes satisfies no requirement, all-of or any-of', () => {
    const none = new Set<string>()
    for (const mode of ['all', 'any'] as const) {
      expect(() => scopeRequirement(['projects:read'], mode).check(none)).toThrowError(
        expect.objectContaining({
          code: 'insufficient_scope',
          status: 403,
          missingScopes: ['projects:read'],
        }),
      )
    }
    // An empty requirement (authentication only) still lets it through.
    expect(() => scopeRequirement([]).check(none)).not.toThrow()
  })

  it('rejects malformed or wildcard requirements when compiled', () => {
    expect(() => scopeRequirement(['projects:*'])).toThrow(TypeError)
    expect(() => scopeRequirement(['*'])).toThrow(TypeError)
    expect(() => scopeRequirement(['nocolon'])).toThrow(/must be resource:action/)
  })
})

describe('defineScopes', () => {
  const scopes = defineScopes({
    'projects:read': 'Read projects',
    'projects:write': 'Create and change projects',
    'api_keys:manage': 'Manage API keys',
  })

  it('lists names and descriptions for a UI', () => {
    expect(scopes.names).toEqual(['projects:read', 'projects:write', 'api_keys:manage'])
    expect(scopes.descriptions['projects:read']).toBe('Read projects')
    expect(scopes.has('projects:read')).toBe(true)
    expect(scopes.has('projects:delete')).toBe(false)
  })

  it('accepts catalog scopes and covering wildcards, rejects the rest naming the index', () => {
    expect(scopes.validateGrants(['projects:read', 'projects:read', 'projects:*', '*'])).toEqual([
      'projects:read',
      'projects:*',
      '*',
    ])
    expect(() => scopes.validateGrants(['projects:read', 'projects:delete'])).toThrowError(
      expect.objectContaining({ code: 'invalid_argument', field: 'scopes[1]' }),
    )
    expect(() => scopes.validateGrants(['billing:*'])).toThrowError(
      expect.objectContaining({ field: 'scopes[0]' }),
    )
    expect(() => scopes.validateGrants(Array(101).fill('projects:read'))).toThrowError(
      expect.objectContaining({ code: 'invalid_argument', field: 'scopes' }),
    )
    expect(() => scopes.validateGrants('projects:read')).toThrowError(
      expect.objectContaining({ field: 'scopes' }),
    )
    expect(() => scopes.validateGrants(['Projects:Read'])).toThrowError(
      expect.objectContaining({ field: 'scopes[0]' }),
    )
  })

  it('accepts no scopes at all: such a key identifies its owner and grants nothing', () => {
    expect(scopes.validateGrants([])).toEqual([])
    expect(openScopeCatalog().validateGrants([])).toEqual([])
    expect(() => scopes.validateGrants(undefined)).toThrowError(
      expect.objectContaining({ code: 'invalid_argument', field: 'scopes' }),
    )
    expect(() => scopes.validateGrants({})).toThrowError(
      expect.objectContaining({ field: 'scopes' }),
    )
  })

  it('rejects a bad catalog when declared', () => {
    expect(() => defineScopes({ projects: 'x' })).toThrow(/must be resource:action/)
    expect(() => defineScopes({ 'a:b': '' })).toThrow(/description of "a:b"/)
    expect(() => defineScopes({})).toThrow(TypeError)
  })

  it('an open catalog accepts any well-formed grant', () => {
    expect(openScopeCatalog().validateGrants(['anything:goes', 'x:*'])).toEqual([
      'anything:goes',
      'x:*',
    ])
    expect(() => openScopeCatalog().validateGrants(['nope'])).toThrowError(
      expect.objectContaining({ field: 'scopes[0]' }),
    )
  })
})

describe('requirementCompiler', () => {
  it('compiles each option set once, all-of then any-of, and nothing for empty lists', () => {
    const validated: string[] = []
    const compile = requirementCompiler((scope) => validated.push(scope))
    expect(compile(undefined, undefined)).toBeUndefined()
    expect(compile([], [])).toBeUndefined()
    const both = compile(['projects:read'], ['billing:read', 'billing:write'])
    expect(compile(['projects:read'], ['billing:read', 'billing:write'])).toBe(both)
    expect(validated).toEqual(['projects:read', 'billing:read', 'billing:write'])
    expect(() => both?.check(new Set(['projects:read', 'billing:write']))).not.toThrow()
    expect(() => both?.check(new Set(['projects:read']))).toThrow(InsufficientScopeError)
    expect(() => both?.check(new Set(['billing:read']))).toThrow(InsufficientScopeError)
  })

  it('throws TypeError for lists that are not arrays of scopes', () => {
    const compile = requirementCompiler()
    expect(() => compile('projects:read' as never, undefined)).toThrow(
      'scopes and anyScopes must be arrays of scopes',
    )
    expect(() => compile(['projects:*'], undefined)).toThrow(TypeError)
  })
})

describe('least privilege', () => {
  it('names exactly the requested scopes the holder lacks', () => {
    const held = ['projects:*', 'billing:read']
    expect(missingScopes(['projects:write', 'billing:write', 'users:read'], held)).toEqual([
      'billing:write',
      'users:read',
    ])
    expect(() => assertGrantable(['projects:read', 'billing:read'], held)).not.toThrow()
    expect(() => assertGrantable(['billing:write'], held, 'api')).toThrowError(
      expect.objectContaining({ status: 403, missingScopes: ['billing:write'] }),
    )
  })
})
