/**
 * The management API's reading of a request body: JSON whatever the `Content-Type` (so
 * `curl -d` works), within the body limit, and only the fields a route takes.
 */
import { InvalidArgumentError, InvalidRequestError, RequestTooLargeError } from '../../errors.js'
import type { ManagementBody } from '../request.js'

/**
 * The body as JSON, `undefined` when empty. Throws 413 beyond `maxBytes` (in UTF-8 bytes) and
 * 400 when the adapter could not read it or it is not JSON.
 */
export function parseJsonBody(body: ManagementBody, maxBytes: number, realm: string): unknown {
  if (body === undefined) return undefined
  if (typeof body !== 'string') {
    if (body.failure === 'too_large') throw new RequestTooLargeError(maxBytes)
    throw new InvalidRequestError('The request body could not be read as UTF-8 text.', { realm })
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes: encode only when the length alone cannot decide.
  if (
    body.length > maxBytes ||
    (body.length * 3 > maxBytes && new TextEncoder().encode(body).length > maxBytes)
  ) {
    throw new RequestTooLargeError(maxBytes)
  }
  if (body.trim() === '') return undefined
  try {
    return JSON.parse(body)
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.', { realm })
  }
}

/** The body's fields, refusing a non-object body and any field not in `allowed` (422). */
export function bodyFields(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === undefined) return {}
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidArgumentError('body', 'The request body must be a JSON object.')
  }
  const fields = body as Record<string, unknown>
  for (const field of Object.keys(fields)) {
    if (allowed.includes(field)) continue
    if (field === 'ownerId') {
      throw new InvalidArgumentError(
        'ownerId',
        'ownerId is taken from the calling API key; leave it out.',
      )
    }
    throw new InvalidArgumentError(
      field,
      allowed.length === 0
        ? `${field} is not accepted: this request takes no body fields.`
        : `${field} is not accepted; the fields are ${allowed.join(', ')}.`,
    )
  }
  return { ...fields }
}
