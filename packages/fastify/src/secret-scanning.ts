import type { Keyward } from '@keyward/core'
import { createSecretScanningHandler, type SecretScanningOptions } from '@keyward/core/adapter'
import type { FastifyPluginCallback } from 'fastify'
import { readBytes } from './lib/body.js'
import { sendAnswer } from './lib/respond.js'

/** Options of {@link secretScanning}: see `SecretScanningOptions` in `@keyward/core`. */
export type SecretScanningEndpointOptions = SecretScanningOptions

/**
 * GitHub's secret-scanning partner endpoint as a Fastify plugin answering `POST` at its
 * prefix: register it under the URL you registered with GitHub. It reads the raw body itself
 * (the signature covers the raw bytes; the app's parsers do not apply inside it). Every
 * decision is core's `createSecretScanningHandler`; this reads the body and the
 * `Github-Public-Key-*` headers and sends the answer.
 *
 * @example
 * app.register(secretScanning(keyward, { publicKeys: githubPublicKeys() }), { prefix: '/github/secret-scanning' })
 */
export function secretScanning<S extends string>(
  keyward: Keyward<S>,
  options: SecretScanningEndpointOptions,
): FastifyPluginCallback {
  const handler = createSecretScanningHandler(keyward, options)

  return function secretScanningRoutes(instance, _options, done) {
    instance.removeAllContentTypeParsers()
    instance.addContentTypeParser('*', function rawBody(_request, payload, parsed) {
      readBytes(payload, handler.maxBodyBytes).then((body) => parsed(null, body))
    })
    instance.post('/', async function secretScanningEndpoint(request, reply) {
      const header = (name: string) => {
        const value = request.headers[name]
        return Array.isArray(value) ? value.join(', ') : value
      }
      const answer = await handler.handle({
        body: (request.body as Uint8Array | { failure: 'too_large' | 'unreadable' }) ?? '',
        keyIdentifier: header('github-public-key-identifier'),
        signature: header('github-public-key-signature'),
      })
      return sendAnswer(reply, answer)
    })
    done()
  }
}
