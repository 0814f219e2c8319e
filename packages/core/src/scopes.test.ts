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

describe('edges a planted bug would cross (mutation testing)', () => {
  it('a concrete grant covers only its own scope, not a longer one sharing its prefix', () => {
    expect(missingScopes(['projects:reads', 'projects:rea'], ['projects:read'])).toEqual([
      'projects:reads',
      'projects:rea',
    ])
    expect(isSubsetOf(['projects:read'], ['projects:read'])).toBe(true)
    expect(grantCovers('projects:read', 'projects:reader')).toBe(false)
  })

  it('a catalog must be an object of non-blank descriptions; the message says so', () => {
    expect(() => defineScopes(null as never)).toThrow(
      'defineScopes catalog must be an object of scope → description',
    )
    expect(() => defineScopes('projects:read' as never)).toThrow(
      'defineScopes catalog must be an object of scope → description',
    )
    expect(() => defineScopes({})).toThrow('defineScopes catalog must declare at least one scope')
    expect(() => defineScopes({ 'projects:read': '   ' })).toThrow(
      'defineScopes description of "projects:read" must be a non-empty string',
    )
  })

  it('validates at most 100 grants, naming the field (scopes by default) in every message', () => {
    const open = openScopeCatalog()
    const hundred = Array.from({ length: 100 }, (_, i) => `projects:a${i}`)
    expect(open.validateGrants(hundred)).toHaveLength(100)
    expect(() => open.validateGrants([...hundred, 'projects:b'])).toThrowError(
      expect.objectContaining({ field: 'scopes', message: 'scopes must hold at most 100 scopes.' }),
    )
    expect(() => open.validateGrants('projects:read')).toThrowError(
      expect.objectContaining({ field: 'scopes', message: 'scopes must be an array of scopes.' }),
    )
    expect(() => open.validateGrants(['ok:ok', 'Bad'], 'grants')).toThrowError(
      expect.objectContaining({
        field: 'grants[1]',
        message: 'grants[1] is not a scope (resource:action, or a wildcard like projects:*).',
      }),
    )
    const catalog = defineScopes({ 'projects:read': 'Read projects' })
    expect(() => catalog.validateGrants(['projects:write'])).toThrowError(
      expect.objectContaining({
        field: 'scopes[0]',
        message: 'scopes[0] "projects:write" is not a declared scope.',
      }),
    )
  })

  it('an empty requirement lets any key through in either mode', () => {
    for (const mode of ['all', 'any'] as const) {
      expect(() => scopeRequirement([], mode).check(new Set())).not.toThrow()
    }
  })

  it('an any-of refusal says "one of" and carries the realm', () => {
    expect(() =>
      scopeRequirement(['projects:read', 'projects:write'], 'any').check(new Set(), 'acme'),
    ).toThrowError(
      expect.objectContaining({
        message: 'The API key needs one of these scopes: projects:read, projects:write.',
        wwwAuthenticate: expect.stringMatching(/^Bearer realm="acme", /),
      }),
    )
    expect(() => assertGrantable(['billing:write'], [], 'acme')).toThrowError(
      expect.objectContaining({ wwwAuthenticate: expect.stringMatching(/^Bearer realm="acme", /) }),
    )
  })

  it('never confuses two option sets in its memo', () => {
    const compile = requirementCompiler()
    const refuses = (
      scopes: string[] | undefined,
      anyScopes: string[] | undefined,
      granted: string[],
    ) => {
      try {
        compile(scopes, anyScopes)?.check(new Set(granted))
        return false
      } catch {
        return true
      }
    }
    // Each pair would share a key if the memo dropped its separators or its single-scope rule.
    expect(refuses(['a:b'], undefined, ['a:b'])).toBe(false)
    expect(refuses(['a:b', 'c:d'], undefined, ['a:b'])).toBe(true)
    expect(refuses(['a:b'], ['c:d'], ['a:b'])).toBe(true)
    expect(refuses(undefined, ['a:b'], ['c:d'])).toBe(true)
    expect(refuses(['a:b', 'c:d'], undefined, ['a:b', 'c:d'])).toBe(false)
    expect(refuses(['a:b', 'e:f'], undefined, ['a:b', 'e:f'])).toBe(false)
    expect(refuses(['a:b'], ['c:d', 'e:f'], ['a:b', 'e:f'])).toBe(false)
    expect(refuses(['a:bc:d'], ['e:f'], ['a:bc:d', 'e:f'])).toBe(false)
    expect(refuses(['a:b', 'c:d'], ['e:f'], ['a:bc:d', 'e:f'])).toBe(true)
    expect(refuses(['x:y'], ['a:bc:d'], ['x:y', 'a:bc:d'])).toBe(false)
    expect(refuses(['x:y'], ['a:b', 'c:d'], ['x:y', 'a:bc:d'])).toBe(true)
    expect(refuses([], ['a:b', 'c:d'], ['c:d'])).toBe(false)
    expect(refuses(['a:b', 'c:d'], [], ['c:d'])).toBe(true)
  })

  it('keeps at most 256 compiled sets: the 257th starts the memo over', () => {
    let validations = 0
    const compile = requirementCompiler(() => {
      validations += 1
    })
    const first = compile(['s:0'], undefined)
    for (let i = 1; i < 256; i += 1) compile([`s:${i}`], undefined)
    expect(compile(['s:0'], undefined)).toBe(first)
    expect(validations).toBe(256)
    compile(['s:256'], undefined)
    expect(compile(['s:0'], undefined)).not.toBe(first)
    expect(validations).toBe(258)
  })
})
