import { describe, expect, it } from 'vitest'
import { boundTokenStore } from '../backends/bounded-backends.js'
import { MemoryRevocationList } from '../backends/memory-revocation-list.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import type { MirrorFreshness } from '../backends/revocation-mirror.js'
import { createKeyward, type Keyward } from '../keyward.js'
import type { TokenStore } from '../types.js'
import { readiness } from './readiness.js'

const T0 = 1_700_000_000_000

/** A shared list whose mirror stands where the test puts it. */
class ListAt extends MemoryRevocationList {
  mirror: MirrorFreshness = {
    backend: 'Redis',
    loaded: true,
    fresh: true,
    age: 300,
    maxStaleness: 10_000,
    answers: true,
  }
  freshness(): MirrorFreshness {
    return this.mirror
  }
}

function instance(store: TokenStore = new MemoryTokenStore()) {
  const revocations = new ListAt()
  const keyward: Keyward = createKeyward({
    store,
    revocations,
    singleInstance: true,
    now: () => T0,
  })
  return { keyward, revocations }
}

describe('readiness', () => {
  it('is 200 ready on the in-process backends', () => {
    const answer = readiness(createKeyward())
    expect(answer).toMatchObject({ ready: true, status: 200 })
    expect(answer.body).toEqual({
      status: 'ready',
      revocations: { backend: 'in-process', state: 'ok', mirrorAge: null, maxStaleness: null },
      store: { state: 'ok', lastAnswer: null },
    })
  })

  it('stays 200 while the mirror is behind but still answers, saying so and how old it is', () => {
    const { keyward, revocations } = instance()
    revocations.mirror = { ...revocations.mirror, fresh: false, age: 6_500 }
    const answer = readiness(keyward)
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({
      status: 'degraded',
      revocations: { backend: 'Redis', state: 'degraded', mirrorAge: 6_500, maxStaleness: 10_000 },
    })
  })

  it('is 503 problem+json once the mirror fails closed, naming the backend and its age', () => {
    const { keyward, revocations } = instance()
    revocations.mirror = { ...revocations.mirror, fresh: false, age: 10_001, answers: false }
    const answer = readiness(keyward)
    expect(answer).toMatchObject({ ready: false, status: 503 })
    expect(answer.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': '5',
    })
    expect(answer.body).toMatchObject({
      status: 503,
      code: 'unavailable',
      revocations: { backend: 'Redis', state: 'failed', mirrorAge: 10_001 },
    })
    expect((answer.body as { detail: string }).detail).toMatch(/Redis for more than 10000 ms/)
  })

  it('is 503 when the store fails and nothing cached is usable any more, 200 degraded before', async () => {
    const store = new MemoryTokenStore()
    const clock = { now: T0 }
    const failing = { get: () => Promise.reject(new Error('ECONNREFUSED')) }
    const bounded = boundTokenStore(store, {
      timeout: 1_000,
      now: () => clock.now,
      onError: () => {},
      cacheTtl: 60_000,
      completeUpdate: () => {},
    })
    const { keyward } = instance(store)
    await bounded.get('key_a')
    Object.assign(store, failing)
    await expect(bounded.get('key_a')).rejects.toMatchObject({ code: 'unavailable' })
    clock.now = T0 + 59_999
    expect(readiness(keyward, clock.now)).toMatchObject({
      status: 200,
      body: { status: 'degraded', store: { state: 'degraded', lastAnswer: 59_999 } },
    })
    clock.now = T0 + 60_000
    expect(readiness(keyward, clock.now)).toMatchObject({
      status: 503,
      body: { code: 'unavailable', store: { state: 'failed', error: expect.any(String) } },
    })
  })
})
