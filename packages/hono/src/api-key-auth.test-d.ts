import { createKeyward, defineScopes, type VerifiedKey } from '@keyward/core'
import { Hono } from 'hono'
import { describe, expectTypeOf, it } from 'vitest'
import {
  type ApiKeyVariables,
  apiKeyAuth,
  createGuards,
  requireAnyScope,
  requireScopes,
} from './index.js'

const scopes = defineScopes({
  'datasets:read': 'Read datasets',
  'datasets:write': 'Write datasets',
})
const keyward = createKeyward({ scopes })

describe('types', () => {
  it('types c.var.apiKey from the middleware', () => {
    new Hono().get('/', apiKeyAuth(keyward), (c) => {
      expectTypeOf(c.var.apiKey).toEqualTypeOf<VerifiedKey>()
      return c.json(c.var.apiKey)
    })
    new Hono().get('/', apiKeyAuth(keyward, { optional: true }), (c) => {
      expectTypeOf(c.var.apiKey).toEqualTypeOf<VerifiedKey | undefined>()
      return c.text('ok')
    })
  })

  it('types c.var.apiKey through ApiKeyVariables on the app', () => {
    const app = new Hono<{ Variables: ApiKeyVariables }>()
    app.use(apiKeyAuth(keyward))
    app.get('/', requireScopes('datasets:read'), (c) => {
      expectTypeOf(c.var.apiKey).toEqualTypeOf<VerifiedKey>()
      expectTypeOf(c.get('apiKey')).toEqualTypeOf<VerifiedKey>()
      return c.text(c.var.apiKey.id)
    })
  })

  it('fits an app with its own Bindings and Variables', () => {
    type Env = { Bindings: { DB_URL: string }; Variables: ApiKeyVariables & { requestId: string } }
    const app = new Hono<Env>()
    app.use(apiKeyAuth(keyward))
    app.get('/', apiKeyAuth(keyward, { optional: true }), requireAnyScope('datasets:read'), (c) => {
      expectTypeOf(c.env.DB_URL).toEqualTypeOf<string>()
      expectTypeOf(c.var.requestId).toEqualTypeOf<string>()
      expectTypeOf(c.var.apiKey).toEqualTypeOf<VerifiedKey>()
      return c.text('ok')
    })
  })

  it('types scope names from the catalog', () => {
    const guards = createGuards(keyward)
    guards.requireScopes('datasets:read', 'datasets:write')
    guards.requireAnyScope('datasets:read')
    // @ts-expect-error misspelt scope
    guards.requireScopes('datasets:reed')
    // @ts-expect-error at least one scope
    guards.requireAnyScope()
    // @ts-expect-error misspelt scope, catalog named
    requireScopes<typeof scopes>('datasets:reed')
    // @ts-expect-error misspelt scope, catalog named
    requireAnyScope<typeof scopes>('datasets:wirte')
    // @ts-expect-error misspelt scope in the middleware options
    apiKeyAuth(keyward, { anyScopes: ['datasets:reed'] })
  })
})
