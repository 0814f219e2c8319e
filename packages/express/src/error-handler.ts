import { isKeywardError } from '@keyward/core'
import type { ErrorRequestHandler } from 'express'
import { sendError } from './lib/respond.js'

/**
 * Express error handler that answers `KeywardError`s (status, `WWW-Authenticate`,
 * `Retry-After`, problem+json body) and passes every other error on. Mount it after your
 * routes when `apiKeyAuth` runs with `passErrors: true`.
 */
export function keywardErrorHandler(): ErrorRequestHandler {
  return function keywardErrorHandlerMiddleware(error, _req, res, next) {
    if (!isKeywardError(error) || res.headersSent) {
      next(error)
      return
    }
    sendError(res, error)
  }
}
