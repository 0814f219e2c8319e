import type { Keyward } from '@keyward/core'
import {
  createSecretScanningHandler,
  type SecretScanningOptions,
  type SecretScanningRequest,
} from '@keyward/core/adapter'
import type { Handler } from 'hono'

/** Options of {@link secretScanning}: see `SecretScanningOptions` in `@keyward/core`. */
export type SecretScanningEndpointOptions = SecretScanningOptions

/**
 * GitHub's secret-scanning partner endpoint as a Hono handler. Every decision is core's
 * `createSecretScanningHandler`; this reads the raw body (stopping at `maxBodyBytes`) and the
 * `Github-Public-Key-*` headers and returns the answer. Edge-safe.
 *
 * @example
 * app.post('/github/secret-scanning', secretScanning(keyward, { publicKeys: githubPublicKeys() }))
 */
export function secretScanning<S extends string>(
  keyward: Keyward<S>,
  options: SecretScanningEndpointOptions,
): Handler {
  const handler = createSecretScanningHandler(keyward, options)

  return async function secretScanningEndpoint(c) {
    const response = await handler.handle({
      body: await readBody(c.req.raw.body, handler.maxBodyBytes),
      keyIdentifier: c.req.header('github-public-key-identifier'),
      signature: c.req.header('github-public-key-signature'),
    })
    return new Response(JSON.stringify(response.body), {
      status: response.status,
      headers: response.headers,
    })
  }
}

/** The body's bytes, read no further than `limit` bytes. */
async function readBody(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<SecretScanningRequest['body']> {
  if (stream === null) return ''
  const chunks: Uint8Array[] = []
  let length = 0
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      length += value.length
      if (length > limit) {
        await reader.cancel()
        return { failure: 'too_large' }
      }
      chunks.push(value)
    }
  } catch {
    return { failure: 'unreadable' }
  }
  const body = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.length
  }
  return body
}
