import { errorResponse, isKeywardError, type KeywardError } from '@keyward/core'
import type { NextFunction, Request, Response } from 'express'

/** Set on a request by `apiKeyAuth({ passErrors: true })`, so later guards hand errors on too. */
const PASS_ERRORS: unique symbol = Symbol('keyward.passErrors')

type MarkedRequest = Request & { [PASS_ERRORS]?: true }

/** Makes the guards after this point hand their errors to `next(err)`, as `apiKeyAuth` does. */
export function markPassErrors(req: Request): void {
  ;(req as MarkedRequest)[PASS_ERRORS] = true
}

/**
 * Answers a `KeywardError` with core's rendering (status, `WWW-Authenticate`, `Retry-After`,
 * problem+json body), or hands it to `next` when the app renders errors itself. Anything
 * else is not ours to describe and always goes to `next`.
 */
export function fail(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (!isKeywardError(error) || (req as MarkedRequest)[PASS_ERRORS] || res.headersSent) {
    next(error)
    return
  }
  sendError(res, error)
}

/** Sends core's rendering of `error`: status, headers, problem+json body. */
export function sendError(res: Response, error: KeywardError): void {
  const { status, headers, body } = errorResponse(error)
  res.status(status).set(headers).json(body)
}
