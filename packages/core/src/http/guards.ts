import { DEFAULT_REALM, KeywardError, MissingTokenError } from '../errors.js'
import { assertKeyward, type Keyward } from '../keyward.js'
import { assertNonNegativeInteger, assertObject } from '../lib/options.js'
import { chargeRoute, refundRequest } from '../limits/charge.js'
import {
  type ScopeCatalog,
  type ScopeName,
  type ScopeRequirement,
  scopeRequirement,
} from '../scopes.js'
import type { VerifiedKey } from '../types.js'

/**
 * Route guards (`requireScopes`, `requireAnyScope`), framework-free: after `apiKeyAuth` has
 * verified a key, a guard checks the route's scopes against it and charges the route's cost.
 * Scope requirements are compiled once, when the guard is built; the adapters only turn a
 * guard into their framework's middleware.
 */

/**
 * A compiled scope guard: throws unless `key` (from an earlier `apiKeyAuth`) holds the
 * scopes; then charges the route's cost to a limited key. Returns the request's key (a new
 * one when its limit state changed), or a promise of it when the limiter asks its backend.
 */
export type ScopeGuard = (key: VerifiedKey | undefined) => VerifiedKey | Promise<VerifiedKey>

/** Options of a route guard (`requireScopes('reports:run', { cost: 10 })`). */
export interface GuardOptions {
  /**
   * What the route costs a key with rate limits or credits, in all, charged after the scope
   * check (a non-negative integer). `apiKeyAuth` charged its own `cost` (default 1) already;
   * the guard charges the difference, so the route costs `cost` once. Default: nothing more.
   */
  cost?: number
}

const grantedSets = new WeakMap<readonly string[], ReadonlySet<string>>()

/**
 * `key.scopes` as a set, built once per scopes array: cached verifications (and a limited
 * key's per-request copies) share the same frozen array, so guards do not rebuild it.
 */
export function grantedScopes(key: VerifiedKey): ReadonlySet<string> {
  let granted = grantedSets.get(key.scopes)
  if (granted === undefined) {
    granted = new Set(key.scopes)
    grantedSets.set(key.scopes, granted)
  }
  return granted
}

/**
 * Compiles the check behind `requireScopes` (`mode: 'all'`) and `requireAnyScope`
 * (`'any'`). With `keyward`, scopes must be in its catalog and challenges carry its realm;
 * without, any well-formed scope is accepted and the realm is `'api'`. No key (no earlier
 * `apiKeyAuth`, or an anonymous request) is `missing_token` (401), never a pass.
 */
export function createScopeGuard(
  scopes: readonly string[],
  mode: 'all' | 'any',
  keyward?: Keyward<string>,
  options: GuardOptions = {},
): ScopeGuard {
  const name = mode === 'all' ? 'requireScopes' : 'requireAnyScope'
  if (!Array.isArray(scopes) || scopes.length === 0)
    throw new TypeError(`${name} needs at least one scope`)
  assertObject(options, `${name} options`)
  if (options.cost !== undefined) assertNonNegativeInteger(options.cost, 'cost')
  const cost = options.cost
  let requirement: ScopeRequirement
  let realm = DEFAULT_REALM
  if (keyward === undefined) requirement = scopeRequirement(scopes, mode)
  else {
    assertKeyward(keyward)
    requirement = keyward.requirement(mode === 'all' ? { scopes } : { anyScopes: scopes })!
    realm = keyward.realm
  }
  return function scopeGuard(key) {
    if (key === undefined) throw new MissingTokenError({ realm })
    try {
      requirement.check(grantedScopes(key), realm)
    } catch (error) {
      // Refused: whatever `apiKeyAuth` charged is given back.
      if (key.rateLimit !== undefined) {
        refundRequest(key)
        if (error instanceof KeywardError) {
          error.addHeaders({ 'ratelimit-policy': key.rateLimit.policy })
        }
      }
      throw error
    }
    return cost === undefined ? key : chargeRoute(key, cost)
  }
}

/** A guard's arguments: scopes, optionally followed by {@link GuardOptions}. */
export type GuardArguments<S extends string> = [S, ...S[]] | [S, ...S[], GuardOptions]

/** Splits a guard's arguments into its scopes and options. */
function guardArguments(args: readonly unknown[]): [string[], GuardOptions | undefined] {
  const last = args[args.length - 1]
  if (last !== null && typeof last === 'object' && !Array.isArray(last)) {
    return [args.slice(0, -1) as string[], last as GuardOptions]
  }
  return [args as string[], undefined]
}

/** Guards bound to one Keyward instance, typed by its catalog: see {@link GuardFactories}. */
export interface Guards<S extends string, M> {
  /** `requireScopes`, accepting only catalog scopes, optionally followed by `{ cost }`. */
  requireScopes(...scopes: GuardArguments<S>): M
  /** `requireAnyScope`, accepting only catalog scopes, optionally followed by `{ cost }`. */
  requireAnyScope(...scopes: GuardArguments<S>): M
}

/** The scope-guard exports of an adapter whose middleware type is `M`. */
export interface GuardFactories<M> {
  /**
   * Route guard: the key `apiKeyAuth` verified must hold every one of `scopes` (wildcard
   * grants count), else 403 `insufficient_scope` naming them; no key at all is 401. Name
   * the catalog to have scopes checked at compile time:
   * `requireScopes<typeof scopes>('projects:read')`, or use `createGuards`. A last argument
   * `{ cost }` makes the route cost that much to a key with limits, charged once, after the
   * scope check.
   */
  requireScopes<C extends ScopeCatalog<string> = ScopeCatalog<string>>(
    ...scopes: GuardArguments<ScopeName<C>>
  ): M
  /** Route guard like `requireScopes`, satisfied by any one of `scopes`. */
  requireAnyScope<C extends ScopeCatalog<string> = ScopeCatalog<string>>(
    ...scopes: GuardArguments<ScopeName<C>>
  ): M
  /**
   * The guards typed by `keyward`'s scope catalog, so a misspelt scope does not compile
   * (and throws `TypeError` at startup from JavaScript); challenges carry `keyward`'s realm.
   *
   * @example
   * const { requireScopes } = createGuards(keyward)
   * app.get('/v1/projects', apiKeyAuth(keyward), requireScopes('projects:read'), list)
   */
  createGuards<S extends string>(keyward: Keyward<S>): Guards<S, M>
}

/**
 * Builds an adapter's scope-guard exports from the one thing that differs between
 * frameworks: how a compiled {@link ScopeGuard} becomes a middleware.
 */
export function createGuardFactories<M>(toMiddleware: (guard: ScopeGuard) => M): GuardFactories<M> {
  const guard = (args: readonly unknown[], mode: 'all' | 'any', keyward?: Keyward<string>) => {
    const [scopes, options] = guardArguments(args)
    return toMiddleware(createScopeGuard(scopes, mode, keyward, options))
  }
  return {
    requireScopes: (...args) => guard(args, 'all'),
    requireAnyScope: (...args) => guard(args, 'any'),
    createGuards(keyward) {
      const bound = keyward as Keyward<string>
      return {
        requireScopes: (...args) => guard(args, 'all', bound),
        requireAnyScope: (...args) => guard(args, 'any', bound),
      }
    },
  }
}
