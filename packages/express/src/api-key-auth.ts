import type { Keyward, VerifiedKey } from '@keyward/core'
import { type AuthenticateOptions, booleanOption, createAuthenticator } from '@keyward/core/adapter'
import type { Request, RequestHandler, Response } from 'express'
import { authenticationRequest, clientIpOf } from './lib/headers.js'
import { fail, markPassErrors } from './lib/respond.js'

declare global {
  namespace Express {
    interface Request {
      /**
       * The key that authenticated this request, set by `apiKeyAuth`. `undefined` before it
       * runs, and for anonymous requests it let through (`optional`, CORS preflights).
       */
      apiKey?: VerifiedKey
    }
  }
}

/** Options of {@link apiKeyAuth}: core's authentication options plus how errors leave. */
export interface ApiKeyAuthOptions<S extends string = string> extends AuthenticateOptions<S> {
  /**
   * Hand `KeywardError`s to `next(err)` instead of answering them, for apps that render
   * errors themselves (see `keywardErrorHandler`). Guards after this middleware do the
   * same. Default `false`: the middleware answers 400/401/403/503 itself.
   */
  passErrors?: boolean
}

/**
 * Express middleware that authenticates each request with `Authorization: Bearer <token>`
 * (or `X-API-Key` when enabled) and sets `req.apiKey`. Failures are answered at once with
 * the RFC 6750 challenge and a problem+json body. Stays synchronous (no promise) when the
 * key is in the verification cache. A key's `allowedIps` are checked against `req.ip`: the
 * socket's peer, or behind proxies what Express's own `trust proxy` setting makes of
 * `X-Forwarded-For` (`app.set('trust proxy', 'loopback')`; never set it to `true` unless the
 * proxy overwrites the header).
 *
 * @example
 * app.use('/v1', apiKeyAuth(keyward))
 */
export function apiKeyAuth<S extends string>(
  keyward: Keyward<S>,
  options: ApiKeyAuthOptions<NoInfer<S>> = {},
): RequestHandler {
  const authenticate = createAuthenticator(keyward, options)
  const passErrors = booleanOption(options.passErrors ?? false, 'passErrors', false)

  return function apiKeyAuthMiddleware(req, res, next) {
    if (passErrors) markPassErrors(req)
    let result: ReturnType<typeof authenticate>
    try {
      result = authenticate(authenticationRequest(req), clientIpOf(req))
    } catch (error) {
      fail(error, req, res, next)
      return
    }
    if (!(result instanceof Promise)) {
      if (result !== undefined) authenticated(req, res, result)
      next()
      return
    }
    result.then(
      (key) => {
        if (key !== undefined) authenticated(req, res, key)
        next()
      },
      (error: unknown) => fail(error, req, res, next),
    )
  }
}

/**
 * Sets `req.apiKey`; a key with limits also gets its `RateLimit-Policy` / `RateLimit` headers
 * on the answer (an unlimited key costs one property check).
 */
export function authenticated(req: Request, res: Response, key: VerifiedKey): void {
  req.apiKey = key
  const limits = key.rateLimit
  if (limits !== undefined) {
    // setHeader, not res.set: the values are ready, and res.set's checks cost per request.
    res.setHeader('RateLimit-Policy', limits.policy)
    res.setHeader('RateLimit', limits.state)
  }
}
