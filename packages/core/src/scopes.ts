import { DEFAULT_REALM, InsufficientScopeError, InvalidArgumentError } from './errors.js'

const SEGMENT = '[a-z0-9_.-]+'
const SCOPE_PATTERN = new RegExp(`^${SEGMENT}(:${SEGMENT})+$`)
/** What a grant looks like: a scope, `*`, or a wildcard segment ending one (`projects:*`). */
export const GRANT_PATTERN: RegExp = new RegExp(
  `^(\\*|${SEGMENT}(:${SEGMENT})*:\\*|${SEGMENT}(:${SEGMENT})+)$`,
)

/** A grant for every scope under `S`'s resources, or every scope. */
export type WildcardGrant = '*' | `${string}:*`

/** What a key may be granted: a catalog scope, or a wildcard covering some of them. */
export type ScopeGrant<S extends string = string> = S | WildcardGrant

/** Whether `scope` is a concrete scope: `resource:action`, segments of `[a-z0-9_.-]+`. */
export function isScope(scope: unknown): scope is string {
  return typeof scope === 'string' && SCOPE_PATTERN.test(scope)
}

/** Whether `grant` is a concrete scope or a wildcard grant (`a:*`, `a:b:*`, `*`). */
export function isScopeGrant(grant: unknown): grant is string {
  return typeof grant === 'string' && GRANT_PATTERN.test(grant)
}

/**
 * Whether `granted` satisfies the single requirement `scope`: an exact grant, `*`, or a
 * wildcard over one of its leading segment runs (`a:*` and `a:b:*` both grant `a:b:c`).
 */
export function grants(granted: ReadonlySet<string>, scope: string): boolean {
  if (granted.has(scope) || granted.has('*')) return true
  // Stryker disable next-line StringLiteral: indexOf('') is 0, one extra turn testing ':*', which no grant is
  let end = scope.indexOf(':')
  while (end !== -1) {
    if (granted.has(`${scope.slice(0, end)}:*`)) return true
    end = scope.indexOf(':', end + 1)
  }
  return false
}

/** Whether a grant (possibly a wildcard) covers `scope`. */
export function grantCovers(grant: string, scope: string): boolean {
  if (grant === '*' || grant === scope) return true
  return grant.endsWith(':*') && scope.startsWith(grant.slice(0, -1))
}

/**
 * A declared scope catalog. Its keys become the union `S`, so a misspelt scope in
 * `requireScopes` or `verify` does not compile; the descriptions are what a UI shows.
 */
export interface ScopeCatalog<S extends string = string> {
  /** Every declared scope, in declaration order. */
  readonly names: readonly S[]
  /** Scope → human description. */
  readonly descriptions: Readonly<Record<S, string>>
  /** Whether `scope` is declared. */
  has(scope: string): scope is S
  /**
   * Checks grants for a new key: an array of at most 100, each declared or a wildcard
   * covering at least one declared scope. An empty array is valid: such a key identifies its
   * owner and grants nothing. Throws `InvalidArgumentError` naming `field` or `field[i]`;
   * returns the grants deduplicated.
   */
  validateGrants(scopes: unknown, field?: string): string[]
}

/** The scope names of a catalog: `ScopeName<typeof scopes>` is `'projects:read' | …`. */
export type ScopeName<C extends ScopeCatalog<string>> = C['names'][number]

/**
 * Declares the application's scopes. Throws `TypeError` when a name is not `resource:action`
 * or a description is empty.
 *
 * @example
 * const scopes = defineScopes({ 'projects:read': 'Read projects' })
 */
export function defineScopes<const T extends Record<string, string>>(
  catalog: T,
): ScopeCatalog<keyof T & string> {
  type S = keyof T & string
  if (catalog === null || typeof catalog !== 'object') {
    throw new TypeError('defineScopes catalog must be an object of scope → description')
  }
  const names = Object.keys(catalog) as S[]
  if (names.length === 0)
    throw new TypeError('defineScopes catalog must declare at least one scope')
  for (const name of names) {
    if (!isScope(name)) {
      throw new TypeError(
        `defineScopes scope "${name}" must be resource:action, segments of [a-z0-9_.-]+ joined by ':'`,
      )
    }
    const description = catalog[name]
    if (typeof description !== 'string' || description.trim() === '') {
      throw new TypeError(`defineScopes description of "${name}" must be a non-empty string`)
    }
  }
  const declared = new Set<string>(names)
  return Object.freeze({
    names: Object.freeze(names),
    descriptions: Object.freeze({ ...catalog }) as Readonly<Record<S, string>>,
    has: (scope: string): scope is S => declared.has(scope),
    validateGrants: (scopes: unknown, field = 'scopes') =>
      validateGrants(scopes, field, (grant) =>
        grant.endsWith('*') ? names.some((name) => grantCovers(grant, name)) : declared.has(grant),
      ),
  })
}

/** A catalog that accepts any well-formed scope; used when no catalog is configured. */
export function openScopeCatalog(): ScopeCatalog<string> {
  return Object.freeze({
    names: Object.freeze([] as string[]),
    descriptions: Object.freeze({}),
    has: (scope: string): scope is string => isScope(scope),
    validateGrants: (scopes: unknown, field = 'scopes') =>
      validateGrants(scopes, field, () => true),
  })
}

function validateGrants(
  scopes: unknown,
  field: string,
  known: (grant: string) => boolean,
): string[] {
  if (!Array.isArray(scopes))
    throw new InvalidArgumentError(field, `${field} must be an array of scopes.`)
  if (scopes.length > 100)
    throw new InvalidArgumentError(field, `${field} must hold at most 100 scopes.`)
  const seen = new Set<string>()
  scopes.forEach((scope: unknown, index) => {
    const at = `${field}[${index}]`
    if (!isScopeGrant(scope)) {
      throw new InvalidArgumentError(
        at,
        `${at} is not a scope (resource:action, or a wildcard like projects:*).`,
      )
    }
    if (!known(scope))
      throw new InvalidArgumentError(at, `${at} "${scope}" is not a declared scope.`)
    seen.add(scope)
  })
  return [...seen]
}

/** A compiled scope requirement, built once per guard or `verify` option set. */
export interface ScopeRequirement {
  /** Throws `InsufficientScopeError` when `granted` does not satisfy the requirement. */
  check(granted: ReadonlySet<string>, realm?: string): void
}

/**
 * Compiles a requirement. Requirements never contain wildcards; a malformed one is a
 * programming error and throws `TypeError` at once.
 */
export function scopeRequirement(
  scopes: readonly string[],
  mode: 'all' | 'any' = 'all',
): ScopeRequirement {
  for (const scope of scopes) {
    if (!isScope(scope)) {
      throw new TypeError(
        `required scope "${String(scope)}" must be resource:action without wildcards`,
      )
    }
  }
  const required = Object.freeze([...new Set(scopes)])
  return Object.freeze({
    check(granted: ReadonlySet<string>, realm: string = DEFAULT_REALM) {
      if (required.length === 0) return
      if (mode === 'any') {
        if (required.some((scope) => grants(granted, scope))) return
        throw new InsufficientScopeError(required, required, { realm, any: true })
      }
      // The common case (everything granted) allocates nothing.
      if (required.every((scope) => grants(granted, scope))) return
      const missing = required.filter((scope) => !grants(granted, scope))
      throw new InsufficientScopeError(required, missing, { realm })
    },
  })
}

const NO_SCOPES: readonly string[] = Object.freeze([])
/** How many compiled requirements one compiler keeps (then it starts over). */
const MAX_MEMOIZED_REQUIREMENTS = 256

/**
 * The one compiler of `{ scopes, anyScopes }` option sets (verify options, access-token
 * verify options): a function that compiles each set once into one {@link ScopeRequirement}
 * (every scope of `scopes` and one of `anyScopes`), memoised by its scope lists, or
 * `undefined` when both are empty. `validate` is called on each scope when a set is first
 * compiled (say, to require it in the catalog). Throws `TypeError` for lists that are not
 * arrays of `resource:action` scopes.
 */
export function requirementCompiler(
  validate?: (scope: string) => void,
): (
  scopes: readonly string[] | undefined,
  anyScopes: readonly string[] | undefined,
) => ScopeRequirement | undefined {
  const compiled = new Map<string, ScopeRequirement>()
  return (scopes, anyScopes) => {
    const all = scopes ?? NO_SCOPES
    const any = anyScopes ?? NO_SCOPES
    if (!Array.isArray(all) || !Array.isArray(any))
      throw new TypeError('scopes and anyScopes must be arrays of scopes')
    if (all.length === 0 && any.length === 0) return undefined
    // The common case (one required scope) builds no string; scopes contain no `|`, so the
    // general keys cannot collide with it.
    const memoKey =
      // Stryker disable next-line ConditionalExpression: the general key names the same set uniquely too
      any.length === 0 && all.length === 1 ? all[0]! : `${all.join(' ')}|${any.join(' ')}`
    let requirement = compiled.get(memoKey)
    if (requirement === undefined) {
      if (validate) for (const scope of [...all, ...any]) validate(scope)
      const allOf = scopeRequirement(all, 'all')
      const anyOf = scopeRequirement(any, 'any')
      requirement =
        // Stryker disable next-line ConditionalExpression: the combined check with an empty any-of is allOf
        any.length === 0
          ? allOf
          : // Stryker disable next-line ConditionalExpression: the combined check with an empty all-of is anyOf
            all.length === 0
            ? anyOf
            : Object.freeze({
                check: (granted: ReadonlySet<string>, realm?: string) => {
                  allOf.check(granted, realm)
                  anyOf.check(granted, realm)
                },
              })
      if (compiled.size >= MAX_MEMOIZED_REQUIREMENTS) compiled.clear()
      compiled.set(memoKey, requirement)
    }
    return requirement
  }
}

/** The scopes of `requested` that `held` does not grant (wildcards expand), in order. */
export function missingScopes(requested: readonly string[], held: readonly string[]): string[] {
  return requested.filter((scope) => !isSubsetOf([scope], held))
}

/**
 * Least privilege, the one check: throws `InsufficientScopeError` (403) naming what is
 * missing unless `held` grants every scope of `requested` — a caller never hands out (a key,
 * an access token) more than it holds itself.
 */
export function assertGrantable(
  requested: readonly string[],
  held: readonly string[],
  realm?: string,
): void {
  const missing = missingScopes(requested, held)
  if (missing.length > 0) {
    throw new InsufficientScopeError(requested, missing, realm === undefined ? {} : { realm })
  }
}

/** Whether every scope in `requested` is granted by `held` (wildcards expand). */
export function isSubsetOf(requested: readonly string[], held: readonly string[]): boolean {
  return requested.every((scope) =>
    // Stryker disable next-line MethodExpression: only `*` starts with `*`, and grantCovers(g, 'a:*') equals the wildcard branch for every well-formed grant
    scope.endsWith('*')
      ? // Stryker disable next-line MethodExpression,ConditionalExpression: grantCovers(g, 'a:') already holds for g = 'a:*' and `*`, as does grantCovers(g, 'a:*')
        held.some((grant) => grantCovers(grant, scope.slice(0, -1)) || grant === scope)
      : held.some((grant) => grantCovers(grant, scope)),
  )
}
