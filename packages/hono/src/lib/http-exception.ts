import { errorResponse, isKeywardError } from '@keyward/core'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * Turns a `KeywardError` into the `HTTPException` Hono renders: it carries the ready answer
 * (status, `WWW-Authenticate`, `Retry-After`, problem+json body) and the error as `cause`,
 * for an `onError` that wants to render it differently. Anything else is returned as it is.
 */
export function toHTTPException(error: unknown): unknown {
  if (!isKeywardError(error)) return error
  const { status, headers, body } = errorResponse(error)
  return new HTTPException(status as ContentfulStatusCode, {
    res: new Response(JSON.stringify(body), { status, headers }),
    message: error.message,
    cause: error,
  })
}
