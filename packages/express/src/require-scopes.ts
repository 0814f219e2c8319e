import {
  type Guards as CoreGuards,
  createGuardFactories,
  type GuardFactories,
  type ScopeGuard,
} from '@keyward/core/adapter'
import type { RequestHandler } from 'express'
import { authenticated } from './api-key-auth.js'
import { fail } from './lib/respond.js'

/** A compiled scope guard as Express middleware: the only part that is Express's own. */
function guardMiddleware(guard: ScopeGuard): RequestHandler {
  return function requireScopesMiddleware(req, res, next) {
    let result: ReturnType<ScopeGuard>
    try {
      result = guard(req.apiKey)
    } catch (error) {
      fail(error, req, res, next)
      return
    }
    if (!(result instanceof Promise)) {
      if (result !== req.apiKey) authenticated(req, res, result)
      next()
      return
    }
    // A route cost charged to a limited key on a shared limiter.
    result.then(
      (key) => {
        authenticated(req, res, key)
        next()
      },
      (error: unknown) => fail(error, req, res, next),
    )
  }
}

const guards: GuardFactories<RequestHandler> = createGuardFactories(guardMiddleware)

/**
 * Route guard: the key `apiKeyAuth` verified must hold every one of `scopes` (wildcard
 * grants count), else 403 `insufficient_scope`; no key at all is 401. Name the catalog to
 * have scopes checked at compile time: `requireScopes<typeof scopes>('projects:read')`, or
 * use {@link createGuards}.
 */
export const requireScopes: GuardFactories<RequestHandler>['requireScopes'] = guards.requireScopes

/** Route guard like {@link requireScopes}, satisfied by any one of `scopes`. */
export const requireAnyScope: GuardFactories<RequestHandler>['requireAnyScope'] =
  guards.requireAnyScope

/**
 * The guards typed by `keyward`'s scope catalog, so a misspelt scope does not compile;
 * challenges carry `keyward`'s realm.
 *
 * @example
 * const { requireScopes } = createGuards(keyward)
 * app.get('/v1/projects', apiKeyAuth(keyward), requireScopes('projects:read'), list)
 */
export const createGuards: GuardFactories<RequestHandler>['createGuards'] = guards.createGuards

/** Guards bound to one Keyward instance: see {@link createGuards}. */
export type Guards<S extends string> = CoreGuards<S, RequestHandler>
