import { createKeyward, defineScopes, type VerifiedKey } from '@keyward/core'
import express from 'express'
import { describe, expectTypeOf, it } from 'vitest'
import { apiKeyAuth, createGuards, requireAnyScope, requireScopes } from './index.js'

const scopes = defineScopes({
  'datasets:read': 'Read datasets',
  'datasets:write': 'Write datasets',
})
const keyward = createKeyward({ scopes })

describe('types', () => {
  it('types req.apiKey by declaration merging', () => {
    const app = express()
    app.get('/', apiKeyAuth(keyward), (req, res) => {
      expectTypeOf(req.apiKey).toEqualTypeOf<VerifiedKey | undefined>()
      res.json(req.apiKey)
    })
  })

  it('types scope names from the catalog', () => {
    const guards = createGuards(keyward)
    guards.requireScopes('datasets:read', 'datasets:write')
    guards.requireAnyScope('datasets:read')
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
    // @ts-expect-error misspelt scope in the middleware options
    apiKeyAuth(keyward, { scopes: ['datasets:reed'] })
  })
})
