import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UnavailableError } from '../errors.js'
import type { RevocationEvent } from '../types.js'
import { RevocationMirror } from './revocation-mirror.js'

const T0 = 1_700_000_000_000
const subject = { id: 'key_a', ownerId: 'org_1', createdAt: T0 - 1_000 }
const empty = { revoked: [], ownerEpochs: [] }

/** A ping the test answers (or fails) by hand, one per beat, in the order asked. */
function pings() {
  const asked: Array<{ answer: () => void; fail: () => void }> = []
  const ping = vi.fn(
    () =>
      new Promise<void>((resolve, reject) => {
        asked.push({ answer: resolve, fail: () => reject(new Error('connection reset')) })
      }),
  )
  return { asked, ping }
}

const mirrors = new Set<RevocationMirror>()
beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  for (const mirror of mirrors) mirror.close()
  mirrors.clear()
  vi.useRealTimers()
})

/** A loaded mirror on `clock`: staleness 1 000 ms, a beat every 100 ms. */
async function loadedMirror(clock: { now: number }) {
  const mirror = new RevocationMirror(
    { now: () => clock.now, maxStaleness: 1_000, heartbeatInterval: 100 },
    'TestDB',
  )
  mirrors.add(mirror)
  await mirror.load(async () => ({ state: empty, sent: mirror.reading() }))
  return mirror
}

/** A fresh loaded mirror on its own clock whose heartbeat asks pings answered by hand. */
async function beatingMirror() {
  const clock = { now: T0 }
  const mirror = await loadedMirror(clock)
  mirror.markFresh()
  const { asked, ping } = pings()
  const silent = vi.fn()
  mirror.startHeartbeat(ping, silent)
  return { clock, mirror, asked, ping, silent }
}

describe('RevocationMirror heartbeat', () => {
  it('asks nothing until the list marks the mirror fresh, nor after a loss until it does again', async () => {
    const mirror = await loadedMirror({ now: T0 })
    expect(mirror.fresh).toBe(false)
    const { ping } = pings()
    const silent = vi.fn()
    mirror.startHeartbeat(ping, silent)
    await vi.advanceTimersByTimeAsync(300)
    expect(ping).not.toHaveBeenCalled()
    mirror.markFresh()
    await vi.advanceTimersByTimeAsync(100)
    expect(ping).toHaveBeenCalledOnce()
    mirror.lost()
    await vi.advanceTimersByTimeAsync(300)
    expect(ping).toHaveBeenCalledOnce()
    expect(silent).not.toHaveBeenCalled()
  })

  it('asks again at the next beat after a failed ping: a failure confirms nothing, but is no silence', async () => {
    const { clock, mirror, asked, ping, silent } = await beatingMirror()
    clock.now = T0 + 100
    await vi.advanceTimersByTimeAsync(100)
    asked[0]!.fail()
    clock.now = T0 + 200
    await vi.advanceTimersByTimeAsync(100)
    expect(ping).toHaveBeenCalledTimes(2)
    expect(silent).not.toHaveBeenCalled()
    expect(mirror.fresh).toBe(true)
    expect(mirror.lastContact).toBe(T0)
    asked[1]!.answer()
    await vi.advanceTimersByTimeAsync(0)
    expect(mirror.lastContact).toBe(T0 + 200)
  })

  it('after a loss and a reload, asks afresh: a ping left unanswered by the old connection is not held against the new one', async () => {
    const { mirror, ping, silent } = await beatingMirror()
    await vi.advanceTimersByTimeAsync(100)
    mirror.lost()
    mirror.markFresh()
    await vi.advanceTimersByTimeAsync(100)
    expect(ping).toHaveBeenCalledTimes(2)
    expect(silent).not.toHaveBeenCalled()
    expect(mirror.fresh).toBe(true)
  })

  it('still reports the new connection silent when a ping of the old one fails late', async () => {
    const { mirror, asked, ping, silent } = await beatingMirror()
    await vi.advanceTimersByTimeAsync(100)
    mirror.lost()
    mirror.markFresh()
    await vi.advanceTimersByTimeAsync(100)
    expect(ping).toHaveBeenCalledTimes(2)
    // The old connection's ping fails now; the new one's is still unanswered at the next beat.
    asked[0]!.fail()
    await vi.advanceTimersByTimeAsync(100)
    expect(silent).toHaveBeenCalledOnce()
    expect(ping).toHaveBeenCalledTimes(2)
    expect(mirror.fresh).toBe(false)
  })

  it('replaces the heartbeat when started again: only the latest ping is asked', async () => {
    const mirror = await loadedMirror({ now: T0 })
    mirror.markFresh()
    const first = pings()
    const latest = pings()
    mirror.startHeartbeat(first.ping, () => {})
    mirror.startHeartbeat(latest.ping, () => {})
    await vi.advanceTimersByTimeAsync(100)
    expect(first.ping).not.toHaveBeenCalled()
    expect(latest.ping).toHaveBeenCalledOnce()
  })
})

describe('RevocationMirror close', () => {
  it('tells subscribers nothing more and is no longer fresh', async () => {
    const mirror = await loadedMirror({ now: T0 })
    mirror.markFresh()
    const events: RevocationEvent[] = []
    mirror.subscribe((event) => void events.push(event))
    const generation = mirror.generation
    mirror.close()
    expect(mirror.fresh).toBe(false)
    expect(mirror.generation).toBe(generation + 1)
    mirror.apply({ type: 'revoked', id: 'key_a', expiresAt: T0 + 60_000 })
    expect(events).toStrictEqual([])
  })

  it('stops the heartbeat, even when a reload in flight marks it fresh afterwards', async () => {
    const { mirror, ping, silent } = await beatingMirror()
    mirror.close()
    mirror.markFresh()
    await vi.advanceTimersByTimeAsync(500)
    expect(ping).not.toHaveBeenCalled()
    expect(silent).not.toHaveBeenCalled()
  })

  it('takes an answer to a ping asked before it as confirming nothing', async () => {
    const { clock, mirror, asked } = await beatingMirror()
    clock.now = T0 + 100
    await vi.advanceTimersByTimeAsync(100)
    mirror.close()
    asked[0]!.answer()
    await vi.advanceTimersByTimeAsync(0)
    expect(mirror.lastContact).toBe(T0)
    expect(() => mirror.isRevoked(subject, T0 + 1_001)).toThrow(UnavailableError)
  })
})
