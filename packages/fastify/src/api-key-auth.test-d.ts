import { createKeyward, defineScopes, type VerifiedKey } from '@keyward/core'
import Fastify from 'fastify'
import { describe, expectTypeOf, it } from 'vitest'
import {
  apiKeyAuth,
  apiKeyAuthPlugin,
  apiKeysRouter,
  createGuards,
  oauthRouter,
  requireAnyScope,
  requireScopes,
} from './index.js'

const scopes = defineScopes({
  'datasets:read': 'Read datasets',
  'datasets:write': 'Write datasets',
})
const keyward = createKeyward({ scopes })

describe('types', () => {
  it('types request.apiKey by declaration merging', () => {
    const app = Fastify()
    app.addHook('onRequest', apiKeyAuth(keyward))
    app.get('/', { preHandler: requireScopes('datasets:read') }, async (request) => {
      expectTypeOf(request.apiKey).toEqualTypeOf<VerifiedKey | undefined>()
      return request.apiKey
    })
    app.get('/one', { onRequest: apiKeyAuth(keyward) }, async (request) => request.apiKey?.id)
  })

  it('registers the plugins with their options', () => {
    const app = Fastify()
    app.register(apiKeyAuthPlugin, { keyward, optional: true })
    // @ts-expect-error the plugin needs its instance
    app.register(apiKeyAuthPlugin, { optional: true })
    app.register(apiKeysRouter(keyward, { manageScope: 'datasets:write' }), { prefix: '/api-keys' })
    app.register(oauthRouter(keyward))
    apiKeysRouter(keyward, {
      principal: (request) => {
        expectTypeOf(request.headers.cookie).toEqualTypeOf<string | undefined>()
        return undefined
      },
    })
  })

  it('types scope names from the catalog', () => {
    const guards = createGuards(keyward)
    guards.requireScopes('datasets:read', 'datasets:write')
    guards.requireAnyScope('datasets:read', { cost: 2 })
    // @ts-expect-error misspelt scope
    guards.requireScopes('datasets:reed')
    // @ts-expect-error misspelt scope
    guards.requireAnyScope('datasets:read', 'datasets:wirte')
    // @ts-expect-error at least one scope
    guards.requireScopes()

    requireScopes<typeof scopes>('datasets:read')
    // @ts-expect-error misspelt scope, catalog named
    requireScopes<typeof scopes>('datasets:reed')
    // @ts-expect-error misspelt scope, catalog named
    requireAnyScope<typeof scopes>('datasets:reed')
    // Without a catalog any string is a scope (checked at startup instead).
    requireScopes('anything:goes')

    apiKeyAuth(keyward, { scopes: ['datasets:read'], anyScopes: ['datasets:write'] })
    // @ts-expect-error misspelt scope in the hook options
    apiKeyAuth(keyward, { scopes: ['datasets:reed'] })
  })
})
