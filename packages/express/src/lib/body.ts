import { bodyText, type ManagementBody } from '@keyward/core/adapter'
import type { Request } from 'express'

/**
 * The body as core's management and OAuth APIs take it: the raw bytes read here are decoded
 * by core's `bodyText` (UTF-8 only, no Content-Encoding); a body an earlier parser
 * (`express.json()`, `express.text()`, `express.urlencoded()`) consumed is passed on as text
 * in its own format.
 */
export function bodyOf(req: Request, maxBytes: number): ManagementBody {
  const body: unknown = req.body
  if (body === undefined || typeof body === 'string') return body
  if (body instanceof Uint8Array) {
    return bodyText(
      body,
      { contentType: req.get('content-type'), contentEncoding: req.get('content-encoding') },
      maxBytes,
    )
  }
  if (req.is('application/x-www-form-urlencoded'))
    return new URLSearchParams(body as Record<string, string>).toString()
  return JSON.stringify(body)
}

/** What body-parser's failure means for core: over the limit (413) or unreadable (400). */
export function bodyFailure(error: unknown): ManagementBody {
  const type = (error as { type?: unknown } | null)?.type
  return { failure: type === 'entity.too.large' ? 'too_large' : 'unreadable' }
}
