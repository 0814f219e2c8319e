import { type RevocationList, UnavailableError } from '@keyward/core'
import type { RevocationEvent } from '@keyward/core/adapter'
import { RedisRevocationList } from '@keyward/redis'
import type { Redis } from 'ioredis'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { cleanUp, connect, testNamespace } from './support.js'

// Suspensions in RedisRevocationList (issue 22): stored, announced and reloaded like revocations.

const HOUR = 3_600_000
const closers: (() => Promise<unknown>)[] = []

afterAll(async () => {
  for (const close of closers.reverse()) await close()
  await cleanUp()
})

function listOn(redis: Redis, options: ConstructorParameters<typeof RedisRevocationList>[1] = {}) {
  const list = new RedisRevocationList(redis, { onError: () => {}, ...options })
  closers.push(() => list.close())
  return list
}

/** Resolves with the next event on `list` that `matches` (bounded by the test timeout). */
function nextEvent(list: RevocationList, matches: (event: RevocationEvent) => boolean) {
  return new Promise<RevocationEvent>((resolve) => {
    const stop = list.subscribe((event) => {
      if (!matches(event)) return
      stop()
      resolve(event)
    })
  })
}

/** The server-side id of the subscriber connection of clients named `name`. */
async function subscriberId(redis: Redis, name: string): Promise<string> {
  const list = (await redis.client('LIST')) as string
  const line = list.split('\n').find((l) => l.includes(` name=${name} `) && / sub=[1-9]/.test(l))
  const id = line?.match(/^id=(\d+)/)?.[1]
  if (id === undefined) throw new Error(`no subscriber named ${name} in CLIENT LIST`)
  return id
}

describe('suspensions in Redis', () => {
  it('keeps a suspended id in {ns}:suspended scored by its expiry; resume removes it', async () => {
    const namespace = testNamespace()
    const redis = await connect()
    const list = listOn(redis, { namespace })
    await list.ready()
    const expiresAt = Date.now() + HOUR
    await list.suspend('key_suspended0000001', expiresAt)
    expect(await redis.zrange(`{${namespace}}:suspended`, 0, -1, 'WITHSCORES')).toEqual([
      'key_suspended0000001',
      String(expiresAt),
    ])
    await list.resume('key_suspended0000001')
    expect(await redis.exists(`{${namespace}}:suspended`)).toBe(0)
    expect(list.isSuspended('key_suspended0000001')).toBe(false)
  })

  it('prunes only suspensions of keys expired by now', async () => {
    let now = 1_700_000_000_000
    const namespace = testNamespace()
    const redis = await connect()
    const list = listOn(redis, { namespace, now: () => now })
    await list.ready()
    await list.suspend('key_suspended0000001', now + 1_000)
    await list.suspend('key_suspended0000002', now + HOUR)
    now += 2_000
    await list.suspend('key_suspended0000003', now + 1_000)
    expect(await redis.zrange(`{${namespace}}:suspended`, 0, -1)).toEqual([
      'key_suspended0000003',
      'key_suspended0000002',
    ])
  })

  it('refuses to load a foreign value where the suspensions are: ready rejects, isSuspended fails closed', async () => {
    const namespace = testNamespace()
    const redis = await connect()
    await redis.set(`{${namespace}}:suspended`, 'key_1')
    const list = listOn(redis, { namespace })
    await expect(list.ready()).rejects.toMatchObject({ code: 'unavailable' })
    expect(() => list.isSuspended('key_1')).toThrow(UnavailableError)
  })

  it('reloads suspensions and resumes it missed while its subscriber was away', async () => {
    const namespace = testNamespace()
    const name = `kw-suspension-${namespace.replaceAll(':', '-')}`
    const watched = listOn(await connect({ connectionName: name }), { namespace })
    const writer = listOn(await connect(), { namespace })
    await watched.ready()
    await writer.ready()
    await writer.suspend('key_resumedwhileaway', Date.now() + HOUR)
    await vi.waitFor(() => expect(watched.isSuspended('key_resumedwhileaway')).toBe(true))

    const reset = nextEvent(watched, (e) => e.type === 'reset')
    const admin = await connect()
    await admin.client('KILL', 'ID', await subscriberId(admin, name))
    await writer.suspend('key_suspendedwhileaw', Date.now() + HOUR)
    await writer.resume('key_resumedwhileaway')
    await reset
    await vi.waitFor(() => {
      expect(watched.isSuspended('key_suspendedwhileaw')).toBe(true)
      expect(watched.isSuspended('key_resumedwhileaway')).toBe(false)
    })
  })

  it('leaves every instance on the state Redis holds when two suspend and resume one key at once', async () => {
    const namespace = testNamespace()
    const redis = await connect()
    const a = listOn(await connect(), { namespace })
    const b = listOn(await connect(), { namespace })
    await a.ready()
    await b.ready()
    const id = 'key_contended0000001'
    /** Waits until `list` has heard everything `other` published before now. */
    const heardFrom = async (list: RevocationList, other: RevocationList, round: number) => {
      const marker = `key_marker${String(round).padStart(10, '0')}`
      const heard = nextEvent(list, (e) => e.type === 'updated' && e.id === marker)
      await other.publishUpdate?.(marker)
      await heard
    }
    for (let round = 0; round < 30; round++) {
      const [first, second] = round % 2 === 0 ? [a, b] : [b, a]
      await Promise.all([first.suspend(id, Date.now() + HOUR), second.resume(id)])
      await heardFrom(a, b, round * 2)
      await heardFrom(b, a, round * 2 + 1)
      const stored = (await redis.zscore(`{${namespace}}:suspended`, id)) !== null
      expect([a.isSuspended(id), b.isSuspended(id)], `round ${round}`).toEqual([stored, stored])
    }
  })
})
