import {
  createScopeGuard,
  type Keyward,
  type ScopeCatalog,
  type ScopeGuard,
  type ScopeName,
} from '@keyward/core'
import type { MiddlewareHandler } from 'hono'
import type { ApiKeyVariables } from './api-key-auth.js'
import { toHTTPException } from './lib/http-exception.js'

type GuardMiddleware = MiddlewareHandler<{ Variables: Partial<ApiKeyVariables> }>

function guardMiddleware(guard: ScopeGuard): GuardMiddleware {
  return async function requireScopesMiddleware(c, next) {
    try {
      guard(c.var.apiKey)
    } catch (error) {
      throw toHTTPException(error)
    }
    await next()
  }
}

/**
 * Route guard: the key `apiKeyAuth` verified must hold every one of `scopes` (wildcard
 * grants count), else 403 `insufficient_scope` naming them; no key at all is 401. Name the
 * catalog to have scopes checked at compile time: `requireScopes<typeof scopes>('projects:read')`,
 * or use {@link createGuards}.
 */
export function requireScopes<C extends ScopeCatalog<string> = ScopeCatalog<string>>(
  ...scopes: [ScopeName<C>, ...ScopeName<C>[]]
): GuardMiddleware {
  return guardMiddleware(createScopeGuard(scopes, 'all'))
}

/** Route guard like {@link requireScopes}, satisfied by any one of `scopes`. */
export function requireAnyScope<C extends ScopeCatalog<string> = ScopeCatalog<string>>(
  ...scopes: [ScopeName<C>, ...ScopeName<C>[]]
): GuardMiddleware {
  return guardMiddleware(createScopeGuard(scopes, 'any'))
}

/** Guards bound to one Keyward instance: see {@link createGuards}. */
export interface Guards<S extends string> {
  /** {@link requireScopes}, accepting only catalog scopes. */
  requireScopes(...scopes: [S, ...S[]]): GuardMiddleware
  /** {@link requireAnyScope}, accepting only catalog scopes. */
  requireAnyScope(...scopes: [S, ...S[]]): GuardMiddleware
}

/**
 * The guards typed by `keyward`'s scope catalog, so a misspelt scope does not compile (and
 * throws `TypeError` at startup from JavaScript); challenges carry `keyward`'s realm.
 *
 * @example
 * const { requireScopes } = createGuards(keyward)
 * app.get('/v1/projects', apiKeyAuth(keyward), requireScopes('projects:read'), list)
 */
export function createGuards<S extends string>(keyward: Keyward<S>): Guards<S> {
  const bound = keyward as Keyward<string>
  return {
    requireScopes: (...scopes) => guardMiddleware(createScopeGuard(scopes, 'all', bound)),
    requireAnyScope: (...scopes) => guardMiddleware(createScopeGuard(scopes, 'any', bound)),
  }
}
