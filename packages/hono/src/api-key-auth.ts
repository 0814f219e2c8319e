import {
  type AuthenticateOptions,
  createAuthenticator,
  type Keyward,
  type VerifiedKey,
} from '@keyward/core'
import type { Context, MiddlewareHandler, Next } from 'hono'
import { toHTTPException } from './lib/http-exception.js'

/** The context variables `apiKeyAuth` sets: `c.var.apiKey`. */
export type ApiKeyVariables = {
  /** The key that authenticated the request. */
  apiKey: VerifiedKey
}

/** Options of {@link apiKeyAuth}; see `AuthenticateOptions` in `@keyward/core`. */
export type ApiKeyAuthOptions<S extends string = string> = AuthenticateOptions<S>

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

  return async function apiKeyAuthMiddleware(
    c: Context<{ Variables: Partial<ApiKeyVariables> }>,
    next: Next,
  ) {
    let key: VerifiedKey | undefined
    try {
      const result = authenticate(c.req)
      // A cache hit answers synchronously; awaiting it anyway would cost a turn of the queue.
      key = result instanceof Promise ? await result : result
    } catch (error) {
      throw toHTTPException(error)
    }
    if (key !== undefined) c.set('apiKey', key)
    await next()
  }
}
