import { type Keyward, rateLimitHeaders, type VerifiedKey } from '@keyward/core'
import { type AuthenticateOptions, createAuthenticator } from '@keyward/core/adapter'
import type {
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestHookHandler,
} from 'fastify'
import { authenticationRequest, clientIpOf } from './lib/headers.js'
import { fail } from './lib/respond.js'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The key that authenticated this request, set by `apiKeyAuth`. `undefined` before it
     * runs, and for anonymous requests it let through (`optional`, CORS preflights).
     */
    apiKey?: VerifiedKey
  }
}

/**
 * A Keyward hook: `apiKeyAuth` and the scope guards. Use it as an `onRequest` hook (before the
 * body is read) or a `preHandler`, app-wide with `addHook` or per route.
 */
export type KeywardHook = onRequestHookHandler

/** Options of {@link apiKeyAuth}; see `AuthenticateOptions` in `@keyward/core`. */
export type ApiKeyAuthOptions<S extends string = string> = AuthenticateOptions<S>

/**
 * Fastify `onRequest` hook that authenticates each request with `Authorization: Bearer
 * <token>` (or `X-API-Key` when enabled) and sets `request.apiKey`. Failures are answered at
 * once through the reply with the RFC 6750 challenge and a problem+json body; other errors go
 * to the app's error handler. Stays synchronous (no promise) when the key is in the
 * verification cache.
 *
 * @example
 * app.addHook('onRequest', apiKeyAuth(keyward))
 * @example
 * app.get('/v1/projects', { onRequest: apiKeyAuth(keyward), preHandler: requireScopes('projects:read') }, list)
 */
export function apiKeyAuth<S extends string>(
  keyward: Keyward<S>,
  options: ApiKeyAuthOptions<NoInfer<S>> = {},
): KeywardHook {
  const authenticate = createAuthenticator(keyward, options)

  return function apiKeyAuthHook(
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void {
    let result: ReturnType<typeof authenticate>
    try {
      result = authenticate(authenticationRequest(request), clientIpOf(request))
    } catch (error) {
      fail(error, reply, done)
      return
    }
    if (!(result instanceof Promise)) {
      if (result !== undefined) authenticated(request, reply, result)
      done()
      return
    }
    result.then(
      (key) => {
        if (key !== undefined) authenticated(request, reply, key)
        done()
      },
      (error: unknown) => fail(error, reply, done),
    )
  }
}

/**
 * Sets `request.apiKey`; a key with limits also gets its `RateLimit-Policy` / `RateLimit`
 * headers on the answer (an unlimited key costs one property check).
 */
export function authenticated(
  request: FastifyRequest,
  reply: FastifyReply,
  key: VerifiedKey,
): void {
  request.apiKey = key
  const headers = rateLimitHeaders(key)
  if (headers !== undefined) {
    for (const name in headers) reply.header(name, headers[name])
  }
}
