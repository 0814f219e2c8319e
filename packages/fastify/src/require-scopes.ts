import {
  type Guards as CoreGuards,
  createGuardFactories,
  type GuardFactories,
  type ScopeGuard,
} from '@keyward/core/adapter'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { authenticated, type KeywardHook } from './api-key-auth.js'
import { fail } from './lib/respond.js'

/** A compiled scope guard as a Fastify hook: the only part that is Fastify's own. */
function guardHook(guard: ScopeGuard): KeywardHook {
  return function requireScopesHook(
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void {
    let result: ReturnType<ScopeGuard>
    try {
      result = guard(request.apiKey)
    } catch (error) {
      fail(error, reply, done)
      return
    }
    if (!(result instanceof Promise)) {
      if (result !== request.apiKey) authenticated(request, reply, result)
      done()
      return
    }
    // A route cost charged to a limited key on a shared limiter.
    result.then(
      (key) => {
        authenticated(request, reply, key)
        done()
      },
      (error: unknown) => fail(error, reply, done),
    )
  }
}

const guards: GuardFactories<KeywardHook> = createGuardFactories(guardHook)

/**
 * Route guard, a `preHandler` (or `onRequest` after `apiKeyAuth`): the key `apiKeyAuth`
 * verified must hold every one of `scopes` (wildcard grants count), else 403
 * `insufficient_scope`; no key at all is 401. A last argument `{ cost }` charges the route
 * that much to a key with limits. Name the catalog to have scopes checked at compile time:
 * `requireScopes<typeof scopes>('projects:read')`, or use {@link createGuards}.
 */
export const requireScopes: GuardFactories<KeywardHook>['requireScopes'] = guards.requireScopes

/** Route guard like {@link requireScopes}, satisfied by any one of `scopes`. */
export const requireAnyScope: GuardFactories<KeywardHook>['requireAnyScope'] =
  guards.requireAnyScope

/**
 * The guards typed by `keyward`'s scope catalog, so a misspelt scope does not compile;
 * challenges carry `keyward`'s realm.
 *
 * @example
 * const { requireScopes } = createGuards(keyward)
 * app.get('/v1/projects', { preHandler: requireScopes('projects:read') }, list)
 */
export const createGuards: GuardFactories<KeywardHook>['createGuards'] = guards.createGuards

/** Guards bound to one Keyward instance: see {@link createGuards}. */
export type Guards<S extends string> = CoreGuards<S, KeywardHook>
