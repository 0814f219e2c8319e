import { describe, expect, it, vi } from 'vitest'
import { clockedKeyward, T0 } from '../../test/keyward.js'
import { outcome, projectKey } from '../../test/outcome.js'
import { createKeyward, type KeywardOptions } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { KeyEvent } from '../types.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})
const HOUR = 3_600_000
const IP = '203.0.113.9'

function setup(options: Partial<KeywardOptions<keyof typeof scopes.descriptions>> = {}) {
  const events: KeyEvent[] = []
  const { keyward, clock } = clockedKeyward(scopes, {
    onEvent: (event) => void events.push(event),
    ...options,
  })
  const reused = () => events.filter((event) => event.type === 'reused')
  return { keyward, clock, events, reused }
}

describe('reuse of a rotated-out key', () => {
  it('refuses the old token after its grace as before, and reports the reuse with the address', async () => {
    const { keyward, clock, reused } = setup()
    const { token: oldToken, key } = await keyward.keys.create(projectKey)
    const rotated = await keyward.keys.rotate(key.id, { gracePeriod: '1h' })
    // Within its grace the old key is live: no reuse.
    expect(await outcome(keyward.verify(oldToken, { clientIp: IP }))).toBe('ok')
    clock.now = T0 + HOUR
    expect(await outcome(keyward.verify(oldToken, { clientIp: IP }))).toBe('expired_token')
    await vi.waitFor(() => expect(reused()).toHaveLength(1))
    expect(reused()[0]).toStrictEqual({
      type: 'reused',
      keyId: key.id,
      ownerId: key.ownerId,
      successorId: rotated.key.id,
      ip: IP,
      successorRevoked: false,
      at: T0 + HOUR,
    })
    expect(await outcome(keyward.verify(rotated.token))).toBe('ok')
    expect(JSON.stringify(reused())).not.toContain(oldToken)
  })

  it('reports a key revoked by a rotation without grace, without an address when none is known', async () => {
    const { keyward, reused } = setup()
    const { token: oldToken, key } = await keyward.keys.create(projectKey)
    await keyward.keys.rotate(key.id)
    expect(await outcome(keyward.verify(oldToken))).toBe('revoked_token')
    await vi.waitFor(() => expect(reused()).toHaveLength(1))
    expect(reused()[0]).not.toHaveProperty('ip')
  })

  it('reports at most once a minute per key, however often the old token is tried', async () => {
    const { keyward, clock, reused } = setup()
    const { token: oldToken, key } = await keyward.keys.create(projectKey)
    await keyward.keys.rotate(key.id)
    for (let i = 0; i < 5; i++) await outcome(keyward.verify(oldToken))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(reused()).toHaveLength(1)
    clock.now += 60_000
    await outcome(keyward.verify(oldToken))
    await vi.waitFor(() => expect(reused()).toHaveLength(2))
  })

  it('reports again exactly a minute after the last report, not a millisecond sooner, while the key stays cached', async () => {
    const { keyward, clock, reused } = setup({ cache: { ttl: 10 * 60_000 } })
    const { token: oldToken, key } = await keyward.keys.create(projectKey)
    await keyward.keys.rotate(key.id)
    await outcome(keyward.verify(oldToken))
    await vi.waitFor(() => expect(reused()).toHaveLength(1))
    clock.now += 59_999
    await outcome(keyward.verify(oldToken))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(reused()).toHaveLength(1)
    clock.now += 1
    await outcome(keyward.verify(oldToken))
    await vi.waitFor(() => expect(reused()).toHaveLength(2))
    expect(reused()[1]).toMatchObject({ keyId: key.id, at: T0 + 60_000 })
  })

  it('says nothing of a key that was never rotated, expired or revoked', async () => {
    const { keyward, clock, events } = setup()
    const expiring = await keyward.keys.create({ ...projectKey, expiresIn: '1h' })
    const revoked = await keyward.keys.create(projectKey)
    await keyward.keys.revoke(revoked.key.id)
    clock.now = T0 + HOUR
    expect(await outcome(keyward.verify(expiring.token))).toBe('expired_token')
    expect(await outcome(keyward.verify(revoked.token))).toBe('revoked_token')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(events.map((event) => event.type)).toEqual(['created', 'created', 'revoked'])
  })
})

describe("onReuse: 'revoke-successor'", () => {
  it('revokes the successor when a key ended by its rotation comes back', async () => {
    const { keyward, events, reused } = setup({ onReuse: 'revoke-successor' })
    const { token: oldToken, key } = await keyward.keys.create(projectKey)
    const rotated = await keyward.keys.rotate(key.id)
    expect(await outcome(keyward.verify(oldToken, { clientIp: IP }))).toBe('revoked_token')
    await vi.waitFor(() => expect(reused()).toHaveLength(1))
    expect(reused()[0]).toMatchObject({ successorId: rotated.key.id, successorRevoked: true })
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'revoked', keyId: rotated.key.id, actor: 'keyward:reuse' }),
    )
    expect(await outcome(keyward.verify(rotated.token))).toBe('revoked_token')
  })

  it('revokes it after a hand-over at first use too: the old token came back after the new one was used', async () => {
    const { keyward, reused } = setup({ onReuse: 'revoke-successor' })
    const { token: oldToken, key } = await keyward.keys.create(projectKey)
    const rotated = await keyward.keys.rotate(key.id, { until: 'first-use', gracePeriod: '1h' })
    expect(await outcome(keyward.verify(rotated.token))).toBe('ok')
    await vi.waitFor(async () => expect(await outcome(keyward.verify(oldToken))).not.toBe('ok'))
    await vi.waitFor(() => expect(reused()).toHaveLength(1))
    expect(reused()[0]).toMatchObject({ successorRevoked: true })
    expect(await outcome(keyward.verify(rotated.token))).toBe('revoked_token')
  })

  it('never revokes the successor of a key revoked by hand during its grace, nor by a revoke-all', async () => {
    const { keyward, clock, reused } = setup({ onReuse: 'revoke-successor' })
    const byHand = await keyward.keys.create(projectKey)
    const handSuccessor = await keyward.keys.rotate(byHand.key.id, { gracePeriod: '1h' })
    await keyward.keys.revoke(byHand.key.id)
    expect(await outcome(keyward.verify(byHand.token))).toBe('revoked_token')
    await vi.waitFor(() => expect(reused()).toHaveLength(1))
    expect(reused()[0]).toMatchObject({ keyId: byHand.key.id, successorRevoked: false })
    expect(await outcome(keyward.verify(handSuccessor.token))).toBe('ok')

    const other = await keyward.keys.create({ ...projectKey, ownerId: 'org_2' })
    await keyward.keys.rotate(other.key.id, { gracePeriod: '1h' })
    clock.now += 1
    await keyward.keys.revokeAll({ ownerId: 'org_2' })
    expect(await outcome(keyward.verify(other.token))).toBe('revoked_token')
    await vi.waitFor(() => expect(reused()).toHaveLength(2))
    expect(reused()[1]).toMatchObject({ keyId: other.key.id, successorRevoked: false })
  })

  it('is refused at construction unless it is the one response there is', () => {
    for (const onReuse of ['revoke', true, 1, null]) {
      expect(() =>
        createKeyward({ scopes, onReuse } as unknown as Parameters<typeof createKeyward>[0]),
      ).toThrow(new TypeError("onReuse must be 'revoke-successor' when given"))
    }
  })
})
