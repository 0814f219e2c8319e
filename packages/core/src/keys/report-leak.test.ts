import { describe, expect, it } from 'vitest'
import { clockedKeyward, recordingStore } from '../../test/keyward.js'
import { projectKey } from '../../test/outcome.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { InvalidArgumentError } from '../errors.js'
import { defineScopes } from '../scopes.js'
import { generateToken } from '../token/token.js'
import type { KeyEvent } from '../types.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})

function setup() {
  const events: KeyEvent[] = []
  const { store, calls } = recordingStore(new MemoryTokenStore())
  const { keyward } = clockedKeyward(scopes, {
    store,
    onEvent: (event) => void events.push(event),
  })
  const reads = () => calls.filter(([method]) => method === 'findByHash').length
  return { keyward, events, reads }
}

describe('keys.reportLeak', () => {
  it('keeps only non-empty report fields in the leaked event, each cut to 2048 characters', async () => {
    const { keyward, events } = setup()
    const { token, key } = await keyward.keys.create(projectKey)
    const url = `https://example.com/${'a'.repeat(3_000)}`
    const result = await keyward.keys.reportLeak(token, { url, source: '', reporter: 'github' })
    expect(result).toMatchObject({ key: { id: key.id }, revoked: true })
    expect(result!.key.revokedAt).toBeDefined()
    const leaked = events.at(-1) as unknown as Record<string, unknown>
    expect(leaked).toStrictEqual({
      type: 'leaked',
      keyId: key.id,
      ownerId: 'org_1',
      revoked: true,
      url: url.slice(0, 2048),
      reporter: 'github',
      at: expect.any(Number),
    })
  })

  it('refuses a report that is not an object, naming where', async () => {
    const { keyward } = setup()
    const { token } = await keyward.keys.create(projectKey)
    const error = await keyward.keys
      .reportLeak(token, 'github' as never)
      .catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(InvalidArgumentError)
    expect(error).toMatchObject({ field: 'where', message: 'where must be an object.' })
  })

  it('resolves undefined for a token that is not ours, without a store read', async () => {
    const { keyward, events, reads } = setup()
    await keyward.keys.create(projectKey)
    const before = reads()
    for (const token of ['not-a-token', `${generateToken('kw_live').slice(0, -1)}!`, 42]) {
      await expect(keyward.keys.reportLeak(token as string)).resolves.toBeUndefined()
    }
    expect(reads()).toBe(before)
    expect(events.filter((event) => event.type === 'leaked')).toEqual([])
    // A well-formed token of ours that matches no key is looked up, and is no leak either.
    await expect(keyward.keys.reportLeak(generateToken('kw_live'))).resolves.toBeUndefined()
    expect(reads()).toBe(before + 1)
  })
})
