import type { Keyward } from '@keyward/core'
import {
  createSecretScanningHandler,
  type SecretScanningOptions,
  type SecretScanningRequest,
} from '@keyward/core/adapter'
import express, { type Request, type RequestHandler } from 'express'

/** Options of {@link secretScanning}: see `SecretScanningOptions` in `@keyward/core`. */
export type SecretScanningEndpointOptions = SecretScanningOptions

/**
 * GitHub's secret-scanning partner endpoint as an Express handler: mount it on the URL you
 * registered with GitHub, ahead of any body parser (the signature covers the raw bytes).
 * Every decision is core's `createSecretScanningHandler`; this reads the raw body and the
 * `Github-Public-Key-*` headers and sends the answer.
 *
 * @example
 * app.post('/github/secret-scanning', secretScanning(keyward, { publicKeys: githubPublicKeys() }))
 */
export function secretScanning<S extends string>(
  keyward: Keyward<S>,
  options: SecretScanningEndpointOptions,
): RequestHandler {
  const handler = createSecretScanningHandler(keyward, options)
  const readRaw = express.raw({ type: () => true, limit: handler.maxBodyBytes })

  return function secretScanningEndpoint(req, res, next) {
    readRaw(req, res, (error?: unknown) => {
      handler
        .handle({
          body: error === undefined ? rawBody(req) : bodyFailure(error),
          keyIdentifier: req.get('github-public-key-identifier'),
          signature: req.get('github-public-key-signature'),
        })
        .then(({ status, headers, body }) => {
          res.status(status).set(headers).end(JSON.stringify(body))
        }, next)
    })
  }
}

/** The raw bytes; a body an earlier parser turned into an object cannot be checked any more. */
function rawBody(req: Request): SecretScanningRequest['body'] {
  const body: unknown = req.body
  if (body === undefined) return ''
  if (body instanceof Uint8Array || typeof body === 'string') return body
  return { failure: 'unreadable' }
}

function bodyFailure(error: unknown): SecretScanningRequest['body'] {
  const type = (error as { type?: unknown } | null)?.type
  return { failure: type === 'entity.too.large' ? 'too_large' : 'unreadable' }
}
