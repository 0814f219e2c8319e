import { describe, expect, it } from 'vitest'
import { createKeyward } from '../../keyward.js'
import { defineScopes } from '../../scopes.js'
import type { RevocationList } from '../../types.js'
import { createManagementApi } from './api.js'

describe('createManagementApi({ edge })', () => {
  const scopes = defineScopes({ 'api_keys:manage': 'Manage keys' })

  it('refuses an edge option it cannot use at construction, naming it', () => {
    const keyward = createKeyward({ scopes })
    expect(() => createManagementApi(keyward, { edge: 'secret' as never })).toThrow(/^edge/)
    for (const secret of [undefined, 42, 'too short']) {
      expect(() => createManagementApi(keyward, { edge: { secret } as never })).toThrow(
        /^edge\.secret must be a string of at least 32 characters/,
      )
    }
  })

  it('refuses a revocation list that cannot serve a feed', () => {
    const keyward = createKeyward({ scopes })
    const { snapshot: _snapshot, ...withoutSnapshot } = {
      ...Object.fromEntries(
        ['revoke', 'revokeOwner', 'revokeAll', 'isRevoked', 'subscribe', 'ready', 'close'].map(
          (name) => [name, (keyward.revocations as unknown as Record<string, unknown>)[name]],
        ),
      ),
      snapshot: undefined,
    }
    const bare = { ...keyward, revocations: withoutSnapshot as unknown as RevocationList }
    expect(() => createManagementApi(bare, { edge: { secret: 'x'.repeat(32) } })).toThrow(
      /^edge needs a revocation list with snapshot\(\)/,
    )
  })
})
