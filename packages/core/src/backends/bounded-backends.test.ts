import { describe, expect, it, vi } from 'vitest'
import { UnavailableError } from '../errors.js'
import type { Limiter, LimitOutcome, LimitPolicy } from '../limits/policy.js'
import type { KeyRecord, RevocationList, TokenStore } from '../types.js'
import {
  boundBackends,
  boundLimiter,
  boundRevocationList,
  boundTokenStore,
  storeHealthOf,
} from './bounded-backends.js'
import { MemoryLimiter } from './memory-limiter.js'
import { MemoryRevocationList } from './memory-revocation-list.js'
import { MemoryTokenStore } from './memory-token-store.js'

const T0 = 1_700_000_000_000
const record = (id: string): KeyRecord => ({
  id,
  hash: `hash_${id}`,
  prefix: 'kw_test',
  hint: 'kw_test_abcd',
  name: 'Bounded',
  ownerId: 'org_1',
  scopes: [],
  createdAt: T0,
  expiresAt: T0 + 86_400_000,
})

/** A promise the test settles when it wants: a backend that has gone silent until then. */
function silent<T>() {
  let answer: (value: T) => void = () => {}
  const promise = new Promise<T>((resolve) => {
    answer = resolve
  })
  return { promise, answer }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

function storeOptions(overrides: Partial<Parameters<typeof boundTokenStore>[1]> = {}) {
  return {
    timeout: 20,
    now: () => T0,
    onError: vi.fn(),
    cacheTtl: 60_000,
    completeUpdate: vi.fn(),
    ...overrides,
  }
}

describe('boundTokenStore', () => {
  it('answers unavailable when the store is silent past the timeout, and records it', async () => {
    const store = new MemoryTokenStore()
    const frozen = silent<KeyRecord | undefined>()
    vi.spyOn(store, 'get').mockReturnValue(frozen.promise)
    const bounded = boundTokenStore(store, storeOptions())
    await expect(bounded.get('key_a')).rejects.toBeInstanceOf(UnavailableError)
    expect(storeHealthOf(store)).toMatchObject({ failing: true, lastSuccess: undefined })
    await expect(bounded.findByHash('nothing')).resolves.toBeUndefined()
    expect(storeHealthOf(store)).toMatchObject({ failing: false, lastSuccess: T0 })
    frozen.answer(undefined)
  })

  it('undoes an insert that lands after its caller was answered: the record is deleted', async () => {
    const store = new MemoryTokenStore()
    const insert = store.insert.bind(store)
    const frozen = silent<void>()
    vi.spyOn(store, 'insert').mockImplementation(async (r) => {
      await frozen.promise
      await insert(r)
    })
    const bounded = boundTokenStore(store, storeOptions())
    await expect(bounded.insert(record('key_late'))).rejects.toMatchObject({
      code: 'unavailable',
    })
    frozen.answer()
    await settle()
    await settle()
    expect(await store.get('key_late')).toBeUndefined()
  })

  it('completes an update that lands after its caller was answered: the change is announced', async () => {
    const store = new MemoryTokenStore()
    await store.insert(record('key_a'))
    const update = store.update.bind(store)
    const frozen = silent<void>()
    vi.spyOn(store, 'update').mockImplementation(async (...args) => {
      await frozen.promise
      return update(...args)
    })
    const completeUpdate = vi.fn()
    const bounded = boundTokenStore(store, storeOptions({ completeUpdate }))
    await expect(bounded.update('key_a', { revokedAt: T0 })).rejects.toMatchObject({
      code: 'unavailable',
    })
    expect(completeUpdate).not.toHaveBeenCalled()
    frozen.answer()
    await settle()
    expect(completeUpdate).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ id: 'key_a', revokedAt: T0 }),
      { revokedAt: T0 },
    )
  })
})

describe('boundRevocationList', () => {
  it('bounds writes and time(), and answers isRevoked from the list itself', async () => {
    const list = new MemoryRevocationList({ now: () => T0 })
    const frozen = silent<void>()
    vi.spyOn(list, 'revoke').mockReturnValue(frozen.promise)
    const bounded: RevocationList = boundRevocationList(list, {
      timeout: 20,
      now: () => T0,
      onError: vi.fn(),
    })
    await expect(bounded.revoke('key_a', T0 + 1_000)).rejects.toMatchObject({
      code: 'unavailable',
      message: 'The revocation list is unavailable. It did not answer within 20 ms.',
    })
    await bounded.revokeOwner('org_1', T0)
    expect(bounded.isRevoked({ id: 'key_b', ownerId: 'org_1', createdAt: T0 - 1 })).toBe(true)
    await expect(bounded.time?.()).resolves.toBe(T0)
    frozen.answer()
  })
})

describe('boundLimiter', () => {
  const policy = { id: 'key_a' } as LimitPolicy
  const admitted: LimitOutcome = {
    refused: undefined,
    remaining: [9],
    resets: [1_000],
    windows: [1],
    credits: undefined,
    creditsReset: undefined,
  }

  it('passes a synchronous outcome through untouched', () => {
    const limiter: Limiter = { consume: () => admitted, refund: vi.fn() }
    expect(
      boundLimiter(limiter, { timeout: 20, now: () => T0, onError: vi.fn() }).consume(
        policy,
        1,
        T0,
      ),
    ).toBe(admitted)
  })

  it('refunds a charge admitted after its request was answered 503', async () => {
    const frozen = silent<LimitOutcome>()
    const refund = vi.fn()
    const limiter: Limiter = { consume: () => frozen.promise, refund }
    const bounded = boundLimiter(limiter, { timeout: 20, now: () => T0, onError: vi.fn() })
    await expect(bounded.consume(policy, 3, T0)).rejects.toMatchObject({ code: 'unavailable' })
    frozen.answer(admitted)
    await settle()
    expect(refund).toHaveBeenCalledExactlyOnceWith(policy, 3, admitted)
  })
})

describe('boundBackends', () => {
  const common = { backendTimeout: 20, now: () => T0, onError: vi.fn(), cache: { ttl: 60_000 } }

  it('hands the in-process backends over as they are: they never wait', () => {
    const backends = {
      store: new MemoryTokenStore(),
      revocations: new MemoryRevocationList(),
      limiter: new MemoryLimiter(),
    }
    expect(boundBackends({ ...backends, ...common }, () => {})).toEqual(backends)
  })

  it('completes a revocation whose store write landed late: the list learns it, the cache drops it', async () => {
    const store = new MemoryTokenStore()
    await store.insert(record('key_a'))
    // A shared store (anything but the memory one) whose writes hang until the test lets them go.
    const frozen = silent<void>()
    const shared: TokenStore = {
      findByHash: (hash) => store.findByHash(hash),
      get: (id) => store.get(id),
      listByOwner: (ownerId, options) => store.listByOwner(ownerId, options),
      insert: (r) => store.insert(r),
      update: async (...args) => {
        await frozen.promise
        return store.update(...args)
      },
      delete: (id) => store.delete(id),
      touch: (id, at) => store.touch(id, at),
    }
    const list = new MemoryRevocationList({ now: () => T0 })
    const forget = vi.fn()
    const bounded = boundBackends(
      { store: shared, revocations: list, limiter: new MemoryLimiter(), ...common },
      forget,
    )
    await expect(bounded.store.update('key_a', { revokedAt: T0 })).rejects.toMatchObject({
      code: 'unavailable',
    })
    expect(list.isRevoked({ id: 'key_a', ownerId: 'org_1', createdAt: T0 })).toBe(false)
    frozen.answer()
    await settle()
    expect(forget).toHaveBeenCalledWith('key_a')
    expect(list.isRevoked({ id: 'key_a', ownerId: 'org_1', createdAt: T0 })).toBe(true)
  })
})
