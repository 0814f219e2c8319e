import { describe, expect, it, vi } from 'vitest'
import { MemoryRevocationList } from './backends/memory-revocation-list.js'
import { MemoryTokenStore } from './backends/memory-token-store.js'
import { createKeyward } from './keyward.js'
import type { TokenStore } from './types.js'

/**
 * A shared store (not the memory one, which is never bounded) over a memory store, whose
 * calls hang while `frozen` is set and go on once it is cleared, as a frozen server's would.
 */
function freezableStore() {
  const inner = new MemoryTokenStore()
  let release: () => void = () => {}
  let gate: Promise<void> | undefined
  const gated = async <T>(work: () => Promise<T>): Promise<T> => {
    await gate
    return work()
  }
  const store: TokenStore = {
    findByHash: (hash) => gated(() => inner.findByHash(hash)),
    get: (id) => gated(() => inner.get(id)),
    listByOwner: (ownerId, options) => gated(() => inner.listByOwner(ownerId, options)),
    insert: (record) => gated(() => inner.insert(record)),
    update: (...args) => gated(() => inner.update(...args)),
    delete: (id) => gated(() => inner.delete(id)),
    touch: (id, at) => gated(() => inner.touch(id, at)),
  }
  return {
    inner,
    store,
    freeze() {
      gate = new Promise((resolve) => {
        release = resolve
      })
    },
    thaw() {
      gate = undefined
      release()
    },
  }
}

/** A call that lands only when `land()` is called: after its caller gave up, in these tests. */
function heldCall() {
  let land: () => void = () => {}
  const landed = new Promise<void>((resolve) => {
    land = resolve
  })
  return { landed, land }
}

/** Waits (bounded) for what a late write completes in the background. */
const eventually = (check: () => Promise<void>) =>
  vi.waitFor(check, { timeout: 5_000, interval: 10 })

// Long enough that no call a test lets through can miss it on a loaded machine; the calls
// meant to miss it are held until the test releases them.
function instance(backendTimeout = 200) {
  const backend = freezableStore()
  const keyward = createKeyward({
    store: backend.store,
    revocations: new MemoryRevocationList(),
    singleInstance: true,
    backendTimeout,
    onError: () => {},
  })
  const create = () =>
    keyward.keys.create({ name: 'Timed', ownerId: 'org_1', scopes: [], expiresIn: '1d' })
  return { keyward, backend, create }
}

describe('createKeyward backendTimeout', () => {
  it('refuses a timeout that is not a positive integer of ms a timer can hold', () => {
    for (const bad of [0, -1, 1.5, '2s', 2 ** 31]) {
      expect(() => createKeyward({ backendTimeout: bad as number })).toThrow(
        /^backendTimeout must be a positive integer of milliseconds/,
      )
    }
    expect(() => createKeyward({ backendTimeout: 1 })).not.toThrow()
  })

  it('answers a management action 503 with Retry-After once a silent store passes the bound', async () => {
    const { keyward, backend, create } = instance()
    const { key } = await create()
    backend.freeze()
    const error = await keyward.keys.revoke(key.id).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: 'unavailable', status: 503 })
    expect((error as { headers(): object }).headers()).toEqual({ 'retry-after': '5' })
    await expect(create()).rejects.toMatchObject({ code: 'unavailable' })
    backend.thaw()
  })

  it('bounds the store read of a key nothing cached, and of the caller re-check', async () => {
    const { keyward, backend, create } = instance()
    const { token } = await create()
    const verified = await keyward.verify(token)
    backend.freeze()
    await expect(keyward.recheck(verified)).rejects.toMatchObject({ code: 'unavailable' })
    // Still cached: served without the store.
    await expect(keyward.verify(token)).resolves.toMatchObject({ id: verified.id })
    backend.thaw()
  })

  it('completes a revocation whose record write landed after its 503: the key is refused', async () => {
    const { keyward, backend, create } = instance()
    const { token, key } = await create()
    await keyward.verify(token)
    // The read before the write answers; the write itself hangs past the bound.
    const write = heldCall()
    const update = vi.spyOn(backend.store, 'update')
    update.mockImplementationOnce(async (...args) => {
      await write.landed
      return backend.inner.update(...args)
    })
    await expect(keyward.keys.revoke(key.id)).rejects.toMatchObject({ code: 'unavailable' })
    write.land()
    await eventually(async () => {
      expect((await backend.inner.get(key.id))?.revokedAt).toBeTypeOf('number')
    })
    await eventually(async () => {
      await expect(keyward.verify(token)).rejects.toMatchObject({ code: 'revoked_token' })
    })
  })

  it('undoes a key creation whose insert landed after its 503: no record is left', async () => {
    const { backend, create } = instance()
    const insert = vi.spyOn(backend.store, 'insert')
    const write = heldCall()
    const stored = heldCall()
    insert.mockImplementationOnce(async (record) => {
      await write.landed
      await backend.inner.insert(record)
      stored.land()
    })
    await expect(create()).rejects.toMatchObject({ code: 'unavailable' })
    write.land()
    // The insert did land (the record was in the store), then was undone.
    await stored.landed
    await eventually(async () => {
      expect((await backend.inner.listByOwner('org_1')).keys).toEqual([])
    })
  })
})
