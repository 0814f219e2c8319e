import { bodyText, type ManagementBody } from '@keyward/core/adapter'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** The body's bytes, read no further than `limit` bytes; what stopped the reading otherwise. */
export function readBytes(
  stream: NodeJS.ReadableStream,
  limit: number,
): Promise<Uint8Array | { failure: 'too_large' | 'unreadable' }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let length = 0
    let settled = false
    const settle = (value: Uint8Array | { failure: 'too_large' | 'unreadable' }) => {
      if (settled) return
      settled = true
      stream.removeListener('data', onData)
      resolve(value)
    }
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      length += bytes.length
      if (length > limit) {
        chunks.length = 0
        // Drop the rest as it comes; Node closes the connection if the answer goes first.
        stream.resume()
        settle({ failure: 'too_large' })
        return
      }
      chunks.push(bytes)
    }
    stream.on('data', onData)
    stream.once('end', () => settle(Buffer.concat(chunks, length)))
    stream.once('error', () => settle({ failure: 'unreadable' }))
    stream.once('close', () => settle({ failure: 'unreadable' }))
  })
}

/**
 * Makes `instance` (an encapsulated plugin's) read every body itself as core's management
 * and OAuth APIs take it: the raw bytes up to `maxBytes`, decoded by core's `bodyText`
 * (UTF-8 only, no Content-Encoding), so Fastify, Express and Hono read bodies alike. The
 * app's own parsers (JSON, forms) do not apply under it.
 */
export function readBodiesAsCore(instance: FastifyInstance, maxBytes: number): void {
  instance.removeAllContentTypeParsers()
  instance.addContentTypeParser('*', function keywardBody(request, payload, done) {
    readBytes(payload, maxBytes).then((bytes) => {
      done(null, bytes instanceof Uint8Array ? decoded(request, bytes, maxBytes) : bytes)
    })
  })
}

function decoded(request: FastifyRequest, bytes: Uint8Array, maxBytes: number): ManagementBody {
  return bodyText(
    bytes,
    {
      contentType: request.headers['content-type'],
      contentEncoding: request.headers['content-encoding'],
    },
    maxBytes,
  )
}

/** What the body parser of {@link readBodiesAsCore} left on `request.body`. */
export function bodyOf(request: FastifyRequest): ManagementBody {
  return request.body as ManagementBody
}
