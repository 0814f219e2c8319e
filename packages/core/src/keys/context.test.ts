import { describe, expect, it } from 'vitest'
import { clockedKeyward, T0 } from '../../test/keyward.js'
import { projectKey } from '../../test/outcome.js'
import { MemoryTokenStore } from '../backends/memory-token-store.js'
import { UnavailableError } from '../errors.js'
import type { RevocationList } from '../revocation-types.js'
import { defineScopes } from '../scopes.js'
import type { KeyEvent } from '../types.js'
import {
  announceResumption,
  announceRevocation,
  announceSuspension,
  createLifecycleContext,
  type LifecycleConfig,
  type LifecycleContext,
} from './context.js'

const scopes = defineScopes({ 'projects:read': 'Read projects' })

/**
 * A context whose revocation list has only the methods named, each recording its call in
 * `calls` beside the context's `forget`.
 */
function announcing(methods: ('revoke' | 'suspend' | 'resume' | 'publishUpdate')[]) {
  const calls: string[] = []
  const revocations: Partial<RevocationList> = {}
  for (const method of methods) {
    revocations[method] = async (id: string) => void calls.push(`${method} ${id}`)
  }
  const ctx = {
    revocations: revocations as RevocationList,
    forget: (id: string) => void calls.push(`forget ${id}`),
  } as LifecycleContext
  return { ctx, calls }
}

describe('announcing a change to the revocation list', () => {
  // A verification running while the list call is in flight may cache the key again, as it
  // was: the entry is dropped once more after the call.
  it('a revocation is put on the list, then the cached entry is dropped', async () => {
    const { ctx, calls } = announcing(['revoke', 'publishUpdate'])
    await announceRevocation(ctx, 'key_1', T0)
    expect(calls).toEqual(['revoke key_1', 'forget key_1'])
  })

  it('a suspension goes on the list’s suspended set, with the cached entry dropped before and after', async () => {
    const { ctx, calls } = announcing(['suspend', 'resume', 'publishUpdate'])
    await announceSuspension(ctx, 'key_1', T0)
    expect(calls).toEqual(['forget key_1', 'suspend key_1', 'forget key_1'])
    calls.length = 0
    await announceResumption(ctx, 'key_1')
    expect(calls).toEqual(['forget key_1', 'resume key_1', 'forget key_1'])
  })

  it('a list without suspensions is told of an update instead', async () => {
    const { ctx, calls } = announcing(['publishUpdate'])
    await announceSuspension(ctx, 'key_1', T0)
    expect(calls).toEqual(['forget key_1', 'publishUpdate key_1', 'forget key_1'])
    calls.length = 0
    await announceResumption(ctx, 'key_1')
    expect(calls).toEqual(['forget key_1', 'publishUpdate key_1', 'forget key_1'])
  })

  it('a list with neither suspensions nor updates is not called; the cache still drops the key', async () => {
    const { ctx, calls } = announcing([])
    await announceSuspension(ctx, 'key_1', T0)
    await announceResumption(ctx, 'key_2')
    expect(calls).toEqual(['forget key_1', 'forget key_1', 'forget key_2', 'forget key_2'])
  })
})

describe('the lifecycle’s events', () => {
  it('a failing audit recorder is reported, and the application’s hook still gets the event', async () => {
    const failure = new Error('audit buffer broken')
    const errors: unknown[] = []
    const events: KeyEvent[] = []
    const ctx = createLifecycleContext({
      audit: {
        record: () => {
          throw failure
        },
      },
      onError: (error: unknown) => void errors.push(error),
      onEvent: (event: KeyEvent) => void events.push(event),
    } as unknown as LifecycleConfig)
    const event: KeyEvent = { type: 'revoked_all', at: T0 }
    await ctx.emit(event)
    expect(errors).toEqual([failure])
    expect(events).toEqual([event])
  })
})

describe('a failing key store', () => {
  it('is reported as unavailable, with the driver’s error as the cause', async () => {
    const store = new MemoryTokenStore()
    const { keyward } = clockedKeyward(scopes, { store })
    const { key } = await keyward.keys.create({ ...projectKey, scopes: ['projects:read'] })
    const failure = new Error('connection reset')
    store.get = async () => {
      throw failure
    }
    const error = await keyward.keys.get(key.id).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error).toMatchObject({ message: 'The key store is unavailable.', cause: failure })
  })
})
