import { describe, expectTypeOf, it } from 'vitest'
import { createKeyward } from './keyward.js'
import { defineScopes, type ScopeCatalog } from './scopes.js'

const scopes = defineScopes({
  'datasets:read': 'Read datasets',
  'datasets:write': 'Write datasets',
})

describe('scope catalog types', () => {
  it('turns catalog keys into a union', () => {
    expectTypeOf(scopes).toEqualTypeOf<ScopeCatalog<'datasets:read' | 'datasets:write'>>()
    expectTypeOf(scopes.names).toEqualTypeOf<readonly ('datasets:read' | 'datasets:write')[]>()
  })

  it('does not compile a misspelt scope in verify or create', () => {
    const keyward = createKeyward({ scopes })
    keyward.verify('t', { scopes: ['datasets:read'] })
    // @ts-expect-error 'datasets:reed' is not in the catalog
    keyward.verify('t', { scopes: ['datasets:reed'] })
    keyward.keys.create({
      name: 'n',
      ownerId: 'o',
      scopes: ['datasets:*', 'datasets:write'],
      expiresIn: '1d',
    })
    // @ts-expect-error 'datasets:reed' is not in the catalog
    keyward.keys.create({ name: 'n', ownerId: 'o', scopes: ['datasets:reed'], expiresIn: '1d' })
  })
})
