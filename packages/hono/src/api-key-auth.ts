import { type Keyward, rateLimitHeaders, type VerifiedKey } from '@keyward/core'
import { type AuthenticateOptions, createAuthenticator } from '@keyward/core/adapter'
import type { Context, MiddlewareHandler, Next } from 'hono'
import { type ClientAddressOptions, clientAddressOf, requestOf } from './lib/client-address.js'
import { toHTTPException } from './lib/http-exception.js'

/** The context variables `apiKeyAuth` sets: `c.var.apiKey`. */
export type ApiKeyVariables = {
  /** The key that authenticated the request. */
  apiKey: VerifiedKey
}

/**
 * Options of {@link apiKeyAuth}: `AuthenticateOptions` of `@keyward/core`, and where the client
 * address a key's `allowedIps` are checked against comes from (`trustProxy`, `clientIp`).
 */
export type ApiKeyAuthOptions<S extends string = string> = AuthenticateOptions<S> &
  ClientAddressOptions

/**
 * Hono middleware that authenticates each request with `Authorization: Bearer <token>`
 * (or `X-API-Key` when enabled) and sets `c.var.apiKey`. Failures are thrown as an
 * `HTTPException` carrying the ready response (RFC 6750 challenge, problem+json body) and
 * the `KeywardError` as `cause`. Edge-safe.
 *
 * @example
 * app.use('/v1/*', apiKeyAuth(keyward))
 */
export function apiKeyAuth<S extends string>(
  keyward: Keyward<S>,
  options: ApiKeyAuthOptions<NoInfer<S>> & { optional: true },
): MiddlewareHandler<{ Variables: Partial<ApiKeyVariables> }>
export function apiKeyAuth<S extends string>(
  keyward: Keyward<S>,
  options?: ApiKeyAuthOptions<NoInfer<S>>,
): MiddlewareHandler<{ Variables: ApiKeyVariables }>
export function apiKeyAuth(
  keyward: Keyward<string>,
  options: ApiKeyAuthOptions = {},
): MiddlewareHandler {
  const authenticate = createAuthenticator(keyward, options)
  const addressOf = clientAddressOf(options)
  const fail = (error: unknown): never => {
    throw toHTTPException(error)
  }

  // Not `async`: a cache hit authenticates synchronously, and the middleware then adds no
  // promise of its own to Hono's chain.
  return function apiKeyAuthMiddleware(
    c: Context<{ Variables: Partial<ApiKeyVariables> }>,
    next: Next,
  ): Promise<void> {
    let result: ReturnType<typeof authenticate>
    try {
      result = authenticate(requestOf(c), addressOf(c))
    } catch (error) {
      return fail(error)
    }
    if (result instanceof Promise) {
      return result.then((key) => {
        if (key !== undefined) authenticated(c, key)
        return next()
      }, fail)
    }
    if (result !== undefined) authenticated(c, result)
    return next()
  }
}

/**
 * Sets `c.var.apiKey`; a key with limits also gets its `RateLimit-Policy` / `RateLimit`
 * headers on the answer (an unlimited key costs one property check).
 */
export function authenticated(
  c: Context<{ Variables: Partial<ApiKeyVariables> }>,
  key: VerifiedKey,
): void {
  c.set('apiKey', key)
  const headers = rateLimitHeaders(key)
  if (headers !== undefined) {
    for (const name in headers) c.header(name, headers[name])
  }
}
