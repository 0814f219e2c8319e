import type { Keyward } from '@keyward/core'
import type { FastifyPluginCallback } from 'fastify'
import fp from 'fastify-plugin'
import { type ApiKeyAuthOptions, apiKeyAuth } from './api-key-auth.js'

/** Options of {@link apiKeyAuthPlugin}: the instance, and `apiKeyAuth`'s options. */
export interface ApiKeyAuthPluginOptions<S extends string = string> extends ApiKeyAuthOptions<S> {
  /** The Keyward instance that verifies the keys. */
  keyward: Keyward<S>
}

/**
 * `apiKeyAuth` as a Fastify plugin (through `fastify-plugin`, so it is not encapsulated):
 * every route of the context it is registered in, and of that context's children, is
 * authenticated in an `onRequest` hook, and `request.apiKey` is declared on the request
 * up front. Register the management plugin beside it, or in the same context: it reuses the
 * key and re-checks it.
 *
 * @example
 * await app.register(apiKeyAuthPlugin, { keyward })
 * app.get('/v1/projects', { preHandler: requireScopes('projects:read') }, list)
 */
export const apiKeyAuthPlugin: FastifyPluginCallback<ApiKeyAuthPluginOptions> =
  fp<ApiKeyAuthPluginOptions>(
    function keywardApiKeyAuth(instance, options, done) {
      const { keyward, ...authOptions } = options
      let hook: ReturnType<typeof apiKeyAuth>
      try {
        hook = apiKeyAuth(keyward, authOptions)
      } catch (error) {
        // A bad option fails `register` (and `ready()`), never a request.
        done(error as Error)
        return
      }
      if (!instance.hasRequestDecorator('apiKey')) instance.decorateRequest('apiKey', undefined)
      instance.addHook('onRequest', hook)
      done()
    },
    { fastify: '5.x', name: '@keyward/fastify' },
  )
