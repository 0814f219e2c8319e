import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { clockedKeyward, DAY, T0 } from '../../test/keyward.js'
import { outcome, projectKey } from '../../test/outcome.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { createKeyward } from '../keyward.js'
import { defineScopes } from '../scopes.js'
import type { KeyEvent, RevocationList } from '../types.js'
import { parseAllowedIps, parseSuspendReason } from './input.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})

function setup() {
  const events: KeyEvent[] = []
  const made = clockedKeyward(scopes, { onEvent: (event) => void events.push(event) })
  return { ...made, events }
}

describe('keys.suspend and keys.resume', () => {
  it('suspends a key (401 suspended_token, not charged, lastUsedAt untouched) and resumes it', async () => {
    const { keyward, events, clock } = setup()
    const { token, key } = await keyward.keys.create(projectKey)
    clock.now += 1_000
    const suspended = await keyward.keys.suspend(key.id, { reason: '  Unpaid invoice ' })
    expect(suspended).toMatchObject({ suspendedAt: T0 + 1_000, suspendReason: 'Unpaid invoice' })
    expect(events.at(-1)).toMatchObject({ type: 'suspended', reason: 'Unpaid invoice' })
    expect(await outcome(keyward.verify(token))).toBe('suspended_token')
    const error = await keyward.verify(token).catch((e: unknown) => e)
    expect(error).toMatchObject({
      status: 401,
      wwwAuthenticate:
        'Bearer realm="api", error="invalid_token", error_description="The API key is suspended."',
    })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect((await keyward.keys.get(key.id))?.lastUsedAt).toBeUndefined()

    const resumed = await keyward.keys.resume(key.id)
    expect(resumed).not.toHaveProperty('suspendedAt')
    expect(resumed).not.toHaveProperty('suspendReason')
    expect(events.at(-1)).toMatchObject({ type: 'resumed' })
    expect(await outcome(keyward.verify(token))).toBe('ok')
  })

  it('is idempotent both ways, with no second event', async () => {
    const { keyward, events } = setup()
    const { key } = await keyward.keys.create(projectKey)
    await keyward.keys.resume(key.id)
    await keyward.keys.suspend(key.id, { reason: 'first' })
    const again = await keyward.keys.suspend(key.id, { reason: 'second' })
    expect(again.suspendReason).toBe('first')
    expect(events.map((event) => event.type)).toEqual(['created', 'suspended'])
  })

  it('refuses keys that ended (409 key_inactive) and rotation of a suspended key; update is allowed', async () => {
    const { keyward, clock } = setup()
    const revoked = await keyward.keys.create(projectKey)
    await keyward.keys.revoke(revoked.key.id)
    expect(await outcome(keyward.keys.suspend(revoked.key.id))).toBe('key_inactive')
    expect(await outcome(keyward.keys.resume(revoked.key.id))).toBe('key_inactive')
    expect(await outcome(keyward.keys.suspend('key_0000000000000000'))).toBe('not_found')

    const paused = await keyward.keys.create(projectKey)
    await keyward.keys.suspend(paused.key.id)
    const refusal = await keyward.keys.rotate(paused.key.id).catch((e: unknown) => e)
    expect(refusal).toMatchObject({ code: 'key_inactive', keyStatus: 'suspended', status: 409 })
    expect(await keyward.keys.update(paused.key.id, { name: 'still paused' })).toMatchObject({
      name: 'still paused',
      suspendedAt: T0,
    })
    // Expired meanwhile: resuming is refused, and the key stays dead.
    clock.now = T0 + 31 * DAY
    expect(await outcome(keyward.keys.resume(paused.key.id))).toBe('key_inactive')
  })

  it('holds access tokens and management re-checks to the parent’s suspension', async () => {
    const { keyward } = setup()
    const { token, key } = await keyward.keys.create(projectKey)
    const verified = await keyward.verify(token)
    await keyward.keys.suspend(key.id)
    expect(await outcome(keyward.recheck(verified))).toBe('suspended_token')
    await keyward.keys.resume(key.id)
    expect(await outcome(keyward.recheck(verified))).toBe('ok')
  })

  it('reaches another instance through the list at once, even with the record cached there', async () => {
    const revocations = new MemoryRevocationList()
    const { keyward, store, now } = clockedKeyward(scopes, { revocations })
    const other = createKeyward({ scopes, store, now, revocations, prefix: 'kw_live' })
    const { token, key } = await keyward.keys.create(projectKey)
    expect(await outcome(other.verify(token))).toBe('ok')
    await keyward.keys.suspend(key.id)
    expect(await outcome(other.verify(token))).toBe('suspended_token')
    await keyward.keys.resume(key.id)
    expect(await outcome(other.verify(token))).toBe('ok')
  })

  it('with a list that has no suspensions, relies on the record and publishUpdate', async () => {
    const inner = new MemoryRevocationList()
    const revocations: RevocationList = {
      revoke: (id, at) => inner.revoke(id, at),
      revokeOwner: (owner, at) => inner.revokeOwner(owner, at),
      revokeAll: (at) => inner.revokeAll(at),
      publishUpdate: (id) => inner.publishUpdate(id),
      isRevoked: (subject, at) => inner.isRevoked(subject, at),
      subscribe: (listener) => inner.subscribe(listener),
      ready: () => inner.ready(),
      close: () => inner.close(),
    }
    const { keyward, store, now } = clockedKeyward(scopes, { revocations })
    const other = createKeyward({ scopes, store, now, revocations, prefix: 'kw_live' })
    const { token, key } = await keyward.keys.create(projectKey)
    expect(await outcome(other.verify(token))).toBe('ok')
    await keyward.keys.suspend(key.id)
    expect(await outcome(other.verify(token))).toBe('suspended_token')
    await keyward.keys.resume(key.id)
    expect(await outcome(other.verify(token))).toBe('ok')
  })
})

describe('allowedIps', () => {
  it('are parsed canonical, deduplicated, at most 100, a bad entry named', () => {
    expect(parseAllowedIps([' 203.0.113.9/24', '203.0.113.0/24', '::ffff:192.0.2.1'])).toEqual([
      '203.0.113.0/24',
      '192.0.2.1',
    ])
    expect(parseAllowedIps([])).toEqual([])
    const field = (value: unknown) => {
      try {
        parseAllowedIps(value)
        return undefined
      } catch (error) {
        return (error as { field?: string }).field
      }
    }
    expect(field(['10.0.0.0/8', 'nope'])).toBe('allowedIps[1]')
    expect(field(['10.0.0.0/8', 7])).toBe('allowedIps[1]')
    expect(field('10.0.0.0/8')).toBe('allowedIps')
    expect(field(Array.from({ length: 101 }, (_, i) => `10.0.0.${i % 256}`))).toBe('allowedIps')
    expect(field(Array.from({ length: 100 }, (_, i) => `10.0.0.${i}`))).toBeUndefined()
  })

  it('suspension reasons are plain text of at most 200 characters', () => {
    expect(parseSuspendReason('  why  ')).toBe('why')
    expect(parseSuspendReason('   ')).toBeUndefined()
    expect(() => parseSuspendReason('a\u0000b')).toThrow(/reason/)
    expect(() => parseSuspendReason('x'.repeat(201))).toThrow(/200/)
    expect(() => parseSuspendReason(5)).toThrow(/reason/)
  })

  it('refuse a key used from elsewhere or from no known address (403 ip_not_allowed), in pipeline order', async () => {
    const { keyward, clock } = setup()
    const { token, key } = await keyward.keys.create({
      ...projectKey,
      allowedIps: ['203.0.113.0/24', '2001:db8::/32'],
    })
    expect(key.allowedIps).toEqual(['203.0.113.0/24', '2001:db8::/32'])
    const from = (clientIp?: string, requirement: readonly 'projects:read'[] = []) =>
      outcome(
        keyward.verify(token, {
          scopes: requirement,
          ...(clientIp === undefined ? {} : { clientIp }),
        }),
      )
    expect(await from('203.0.113.7')).toBe('ok')
    expect(await from('::ffff:203.0.113.7')).toBe('ok')
    expect(await from('2001:db8::5')).toBe('ok')
    expect(await from('198.51.100.1')).toBe('ip_not_allowed')
    expect(await from(undefined)).toBe('ip_not_allowed')
    expect(keyward.check(token, undefined, 1, '203.0.113.7')).toMatchObject({ id: key.id })
    const refusal = await keyward.verify(token, { clientIp: '10.0.0.1' }).catch((e: unknown) => e)
    expect(refusal).toMatchObject({ status: 403, wwwAuthenticate: undefined })
    // Suspension and expiry come before the network step.
    await keyward.keys.suspend(key.id)
    expect(await from('198.51.100.1')).toBe('suspended_token')
    await keyward.keys.resume(key.id)
    clock.now = T0 + 31 * DAY
    expect(await from('198.51.100.1')).toBe('expired_token')
    clock.now = T0
    // Refused requests never touch lastUsedAt.
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect((await keyward.keys.get(key.id))?.lastUsedAt).toBe(T0)
    // New rules reach the cached entry at once; null takes them away.
    await keyward.keys.update(key.id, { allowedIps: ['198.51.100.0/24'] })
    expect(await from('198.51.100.1')).toBe('ok')
    expect(await from('203.0.113.7')).toBe('ip_not_allowed')
    await keyward.keys.update(key.id, { allowedIps: null })
    expect(await from(undefined)).toBe('ok')
  })

  it('are kept by rotation, and rechecked against the caller’s address', async () => {
    const { keyward } = setup()
    const { token, key } = await keyward.keys.create({ ...projectKey, allowedIps: ['10.0.0.0/8'] })
    const verified = await keyward.verify(token, { clientIp: '10.1.1.1' })
    expect(await outcome(keyward.recheck(verified, '10.2.2.2'))).toBe('ok')
    expect(await outcome(keyward.recheck(verified, '192.0.2.1'))).toBe('ip_not_allowed')
    expect(await outcome(keyward.recheck(verified))).toBe('ip_not_allowed')
    const rotated = await keyward.keys.rotate(key.id)
    expect(rotated.key.allowedIps).toEqual(['10.0.0.0/8'])
  })
})

type Action = 'suspend' | 'resume' | 'revoke' | 'revokeOwner' | 'verify'

describe('suspension and revocation, in any history', () => {
  it('a suspended key never verifies, and no resume lifts a revocation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            action: fc.constantFrom<Action>('suspend', 'resume', 'revoke', 'revokeOwner', 'verify'),
            key: fc.nat(2),
            on: fc.nat(1),
          }),
          { maxLength: 20 },
        ),
        async (history) => {
          const revocations = new MemoryRevocationList({ now: () => T0 })
          const { keyward, store, now } = clockedKeyward(scopes, { revocations })
          const other = createKeyward({ scopes, store, now, revocations, prefix: 'kw_live' })
          const instances = [keyward, other]
          const keys = await Promise.all(
            ['a', 'b', 'c'].map((name) =>
              keyward.keys.create({ ...projectKey, name, ownerId: `org_${name}` }),
            ),
          )
          const model = keys.map(() => ({ suspended: false, revoked: false }))
          for (const { action, key: index, on } of history) {
            const { key } = keys[index]!
            const state = model[index]!
            const instance = instances[on]!
            if (action === 'suspend' || action === 'resume') {
              const result = await outcome(instance.keys[action](key.id))
              expect(result).toBe(state.revoked ? 'key_inactive' : 'ok')
              if (!state.revoked) state.suspended = action === 'suspend'
            } else if (action === 'revoke') {
              await instance.keys.revoke(key.id)
              state.revoked = true
            } else if (action === 'revokeOwner') {
              await instance.keys.revokeAll({ ownerId: key.ownerId })
              state.revoked = true
            }
            for (const [n, each] of keys.entries()) {
              const expected = model[n]!.revoked
                ? 'revoked_token'
                : model[n]!.suspended
                  ? 'suspended_token'
                  : 'ok'
              for (const checker of instances) {
                expect(await outcome(checker.verify(each.token))).toBe(expected)
              }
            }
          }
        },
      ),
      { numRuns: 40 },
    )
  }, 60_000)
})
