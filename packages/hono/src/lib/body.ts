import { bodyText, type ManagementBody } from '@keyward/core/adapter'
import type { Context } from 'hono'

/**
 * The body as core's management and OAuth APIs take it: the raw bytes, decoded by core's
 * `bodyText` (UTF-8 only, no Content-Encoding), so Hono and Express read bodies alike.
 */
export async function bodyOf(c: Context, maxBytes: number): Promise<ManagementBody> {
  if (c.req.raw.body === null) return undefined
  return bodyText(
    new Uint8Array(await c.req.arrayBuffer()),
    {
      contentType: c.req.header('content-type'),
      contentEncoding: c.req.header('content-encoding'),
    },
    maxBytes,
  )
}
