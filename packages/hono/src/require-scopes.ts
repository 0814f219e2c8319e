import {
  type Guards as CoreGuards,
  createGuardFactories,
  type GuardFactories,
  type ScopeGuard,
} from '@keyward/core/adapter'
import type { MiddlewareHandler } from 'hono'
import { type ApiKeyVariables, authenticated } from './api-key-auth.js'
import { toHTTPException } from './lib/http-exception.js'

type GuardMiddleware = MiddlewareHandler<{ Variables: Partial<ApiKeyVariables> }>

/** A compiled scope guard as Hono middleware: the only part that is Hono's own. */
function guardMiddleware(guard: ScopeGuard): GuardMiddleware {
  return function requireScopesMiddleware(c, next) {
    let result: ReturnType<ScopeGuard>
    try {
      result = guard(c.var.apiKey)
    } catch (error) {
      throw toHTTPException(error)
    }
    if (!(result instanceof Promise)) {
      if (result !== c.var.apiKey) authenticated(c, result)
      return next()
    }
    // A route cost charged to a limited key on a shared limiter.
    return result.then(
      (key) => {
        authenticated(c, key)
        return next()
      },
      (error: unknown) => {
        throw toHTTPException(error)
      },
    )
  }
}

const guards: GuardFactories<GuardMiddleware> = createGuardFactories(guardMiddleware)

/**
 * Route guard: the key `apiKeyAuth` verified must hold every one of `scopes` (wildcard
 * grants count), else 403 `insufficient_scope`; no key at all is 401. Name the catalog to
 * have scopes checked at compile time: `requireScopes<typeof scopes>('projects:read')`, or
 * use {@link createGuards}.
 */
export const requireScopes: GuardFactories<GuardMiddleware>['requireScopes'] = guards.requireScopes

/** Route guard like {@link requireScopes}, satisfied by any one of `scopes`. */
export const requireAnyScope: GuardFactories<GuardMiddleware>['requireAnyScope'] =
  guards.requireAnyScope

/**
 * The guards typed by `keyward`'s scope catalog, so a misspelt scope does not compile;
 * challenges carry `keyward`'s realm.
 *
 * @example
 * const { requireScopes } = createGuards(keyward)
 * app.get('/v1/projects', apiKeyAuth(keyward), requireScopes('projects:read'), list)
 */
export const createGuards: GuardFactories<GuardMiddleware>['createGuards'] = guards.createGuards

/** Guards bound to one Keyward instance: see {@link createGuards}. */
export type Guards<S extends string> = CoreGuards<S, GuardMiddleware>
