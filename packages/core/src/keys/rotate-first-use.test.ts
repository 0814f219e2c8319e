import { describe, expect, it, vi } from 'vitest'
import { clockedKeyward, DAY, recordingStore, T0 } from '../../test/keyward.js'
import { outcome, projectKey } from '../../test/outcome.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { toApiKeyJson } from '../http/management/json.js'
import { createKeyward, type KeywardOptions } from '../keyward.js'
import { defineScopes } from '../scopes.js'

const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
})
type Scope = keyof typeof scopes.descriptions

const HOUR = 3_600_000

/** Two instances (A and B) on one store and one revocation list, on one hand-driven clock. */
function twoInstances(options: Partial<KeywardOptions<Scope>> = {}) {
  const { keyward: a, store, clock, now } = clockedKeyward(scopes, options)
  const b = createKeyward({
    prefix: 'kw_live',
    scopes,
    store,
    now,
    revocations: a.revocations,
    ...options,
  })
  return { a, b, store, clock }
}

/** Waits until the hand-over started by a verification has finished (it runs off the request path). */
async function handedOver(
  store: { get(id: string): Promise<{ pendingPredecessor?: string } | undefined> },
  successorId: string,
) {
  await vi.waitFor(async () => {
    expect((await store.get(successorId))?.pendingPredecessor).toBeUndefined()
  })
}

describe("rotate(id, { until: 'first-use' })", () => {
  it('keeps the old key working until the successor is first verified, then ends it everywhere', async () => {
    const { a, b, store, clock } = twoInstances()
    const { token: oldToken, key } = await a.keys.create(projectKey)
    // B holds the old key in its cache: only the revocation list can tell it.
    expect(await outcome(b.verify(oldToken))).toBe('ok')

    const rotated = await a.keys.rotate(key.id, { until: 'first-use', gracePeriod: '1h' })
    expect(rotated.key).toMatchObject({ rotatedFrom: key.id, pendingPredecessor: key.id })
    clock.now += 30 * 60_000
    expect(await outcome(a.verify(oldToken))).toBe('ok')
    expect(await outcome(b.verify(oldToken))).toBe('ok')

    expect(await outcome(a.verify(rotated.token))).toBe('ok')
    await handedOver(store, rotated.key.id)
    expect(await outcome(b.verify(oldToken))).toBe('revoked_token')
    expect(await outcome(a.verify(oldToken))).toBe('revoked_token')
    expect(await outcome(b.verify(rotated.token))).toBe('ok')
    // Revoked as a rotation without grace revokes: on the list and in its record.
    expect(await a.keys.get(key.id)).toBeUndefined()
    const old = await a.keys.get(key.id, { includeRevoked: true })
    expect(old).toMatchObject({ rotatedTo: rotated.key.id, rotatedUntil: 'first-use' })
    expect(old?.revokedAt).toBe(clock.now)
    expect(old?.expiresAt).toBe(clock.now)
  })

  it('shows the pending state in the key JSON, and its end', async () => {
    const { a, store, clock } = twoInstances()
    const { key } = await a.keys.create(projectKey)
    const rotated = await a.keys.rotate(key.id, { until: 'first-use', gracePeriod: '1h' })
    const oldJson = toApiKeyJson((await a.keys.get(key.id))!, clock.now)
    expect(oldJson).toMatchObject({
      status: 'rotated',
      rotatedTo: rotated.key.id,
      rotatedUntil: 'first-use',
      firstUsePending: true,
      expiresAt: new Date(T0 + HOUR).toISOString(),
    })
    expect(toApiKeyJson(rotated.key, clock.now)).toMatchObject({
      status: 'active',
      pendingPredecessor: key.id,
      firstUsePending: true,
    })

    clock.now += 1_000
    await a.verify(rotated.token)
    await handedOver(store, rotated.key.id)
    const ended = await a.keys.get(key.id, { includeRevoked: true })
    expect(toApiKeyJson(ended!, clock.now)).toMatchObject({
      status: 'revoked',
      firstUsePending: false,
    })
    const successorJson = toApiKeyJson((await a.keys.get(rotated.key.id))!, clock.now)
    expect(successorJson.firstUsePending).toBeUndefined()
    expect(successorJson.pendingPredecessor).toBeUndefined()
  })

  it('ends the old key when the grace period caps the wait, though the successor was never used', async () => {
    const { a, clock } = twoInstances()
    const { token: oldToken, key } = await a.keys.create(projectKey)
    await a.keys.rotate(key.id, { until: 'first-use', gracePeriod: '2h' })
    clock.now = T0 + 2 * HOUR - 1
    expect(await outcome(a.verify(oldToken))).toBe('ok')
    clock.now = T0 + 2 * HOUR
    expect(await outcome(a.verify(oldToken))).toBe('expired_token')
  })

  it('waits at most the largest grace period by default, never past the old expiry', async () => {
    const { a } = twoInstances({ maxGracePeriod: '6h' })
    const { key } = await a.keys.create(projectKey)
    await a.keys.rotate(key.id, { until: 'first-use' })
    expect((await a.keys.get(key.id))?.expiresAt).toBe(T0 + 6 * HOUR)

    const short = await a.keys.create({ ...projectKey, expiresIn: '1h' })
    await a.keys.rotate(short.key.id, { until: 'first-use' })
    expect((await a.keys.get(short.key.id))?.expiresAt).toBe(T0 + HOUR)
  })

  it('refuses a wait of 0, a grace above the largest, and any other until, naming the field', async () => {
    const { a } = twoInstances()
    const { key } = await a.keys.create(projectKey)
    await expect(
      a.keys.rotate(key.id, { until: 'first-use', gracePeriod: 0 }),
    ).rejects.toMatchObject({ code: 'invalid_argument', field: 'gracePeriod' })
    await expect(
      a.keys.rotate(key.id, { until: 'first-use', gracePeriod: '25h' }),
    ).rejects.toMatchObject({ code: 'invalid_argument', field: 'gracePeriod' })
    await expect(
      a.keys.rotate(key.id, { until: 'last-use' } as unknown as { until: 'first-use' }),
    ).rejects.toMatchObject({ code: 'invalid_argument', field: 'until' })
    expect(await a.keys.get(key.id)).not.toHaveProperty('rotatedTo')
  })

  it('hands over only on a verification that succeeds: a refused scope check keeps the old key', async () => {
    const { a, store } = twoInstances()
    const narrow = await a.keys.create({ ...projectKey, scopes: ['projects:read'] })
    const rotated = await a.keys.rotate(narrow.key.id, { until: 'first-use', gracePeriod: '1h' })
    expect(await outcome(a.verify(rotated.token, { scopes: ['projects:write'] }))).toBe(
      'insufficient_scope',
    )
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect((await store.get(rotated.key.id))?.pendingPredecessor).toBe(narrow.key.id)
    expect(await outcome(a.verify(narrow.token))).toBe('ok')
  })

  it('a request the limit step refuses (429) is no first use either; the next admitted one is', async () => {
    const { a, store } = twoInstances()
    const limited = await a.keys.create({
      ...projectKey,
      rateLimits: [{ name: 'default', limit: 1, window: 60 }],
    })
    const rotated = await a.keys.rotate(limited.key.id, { until: 'first-use', gracePeriod: '1h' })
    // A cost above the limit is refused having been charged nothing.
    expect(await outcome(a.verify(rotated.token, { cost: 2 }))).toBe('rate_limited')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect((await store.get(rotated.key.id))?.pendingPredecessor).toBe(limited.key.id)
    expect(await outcome(a.verify(limited.token))).toBe('ok')
    expect(await outcome(a.verify(rotated.token))).toBe('ok')
    await handedOver(store, rotated.key.id)
    expect(await outcome(a.verify(limited.token))).toBe('revoked_token')
  })

  it('reads the store once per instance for the hand-over; later cache hits read nothing', async () => {
    const recorded = recordingStore(new MemoryTokenStore())
    const { a } = twoInstances({ store: recorded.store })
    const { key } = await a.keys.create(projectKey)
    const rotated = await a.keys.rotate(key.id, { until: 'first-use', gracePeriod: '1h' })
    await a.verify(rotated.token)
    await handedOver(recorded.store, rotated.key.id)
    const before = recorded.calls.length
    for (let i = 0; i < 5; i++) expect(await outcome(a.verify(rotated.token))).toBe('ok')
    expect(recorded.calls.slice(before).filter(([name]) => name !== 'touch')).toEqual([])
  })

  it('leaves a predecessor revoked meanwhile as it is, and still clears the mark', async () => {
    const { a, store } = twoInstances()
    const { token: oldToken, key } = await a.keys.create(projectKey)
    const rotated = await a.keys.rotate(key.id, { until: 'first-use', gracePeriod: '1h' })
    await a.keys.revoke(key.id)
    const revoked = await store.get(key.id)
    await a.verify(rotated.token)
    await handedOver(store, rotated.key.id)
    expect(await store.get(key.id)).toStrictEqual(revoked)
    expect(await outcome(a.verify(oldToken))).toBe('revoked_token')
  })

  it('tries again on the next verification when the hand-over fails, the old key living meanwhile', async () => {
    const errors: unknown[] = []
    const revocations = new MemoryRevocationList()
    const { a, store } = twoInstances({ revocations, onError: (error) => errors.push(error) })
    const { token: oldToken, key } = await a.keys.create(projectKey)
    const rotated = await a.keys.rotate(key.id, { until: 'first-use', gracePeriod: '1h' })
    vi.spyOn(revocations, 'revoke').mockRejectedValueOnce(new Error('list down'))
    await a.verify(rotated.token)
    await vi.waitFor(() => expect(errors).toHaveLength(1))
    expect(await outcome(a.verify(oldToken))).toBe('ok')
    expect(await outcome(a.verify(rotated.token))).toBe('ok')
    await handedOver(store, rotated.key.id)
    expect(await outcome(a.verify(oldToken))).toBe('revoked_token')
  })

  it('lets a rotation without until end the old key at its grace as before, with no marks', async () => {
    const { a } = twoInstances()
    const { key } = await a.keys.create({ ...projectKey, expiresIn: DAY / 1000 })
    const rotated = await a.keys.rotate(key.id, { gracePeriod: '1h' })
    expect(rotated.key).not.toHaveProperty('pendingPredecessor')
    expect(await a.keys.get(key.id)).not.toHaveProperty('rotatedUntil')
  })
})
