import { afterEach, describe, expect, it, vi } from 'vitest'
import { UnavailableError } from '../errors.js'
import type { RevocationEvent } from '../types.js'
import {
  decodeRevocationMessage,
  encodeRevocationMessage,
  type RevocationChange,
} from './revocation-change.js'
import { RevocationMirror, type RevocationMirrorOptions } from './revocation-mirror.js'

const T0 = 1_700_000_000_000
const subject = (id = 'key_a', ownerId = 'org_1', createdAt = T0 - 1_000) => ({
  id,
  ownerId,
  createdAt,
})
const empty = { revoked: [], ownerEpochs: [] }

const mirrors = new Set<RevocationMirror>()
afterEach(() => {
  for (const mirror of mirrors) mirror.close()
  mirrors.clear()
})

function mirrorAt(clock: { now: number }, options: RevocationMirrorOptions = {}) {
  const mirror = new RevocationMirror({ now: () => clock.now, ...options }, 'TestDB')
  mirrors.add(mirror)
  return mirror
}

describe('RevocationMirror', () => {
  it('refuses bad options with TypeErrors naming the option', () => {
    expect(() => new RevocationMirror({ maxStaleness: 0 })).toThrow(
      new TypeError('maxStaleness must be a positive integer of milliseconds'),
    )
    for (const heartbeatInterval of [100, 0, -100, 1.5, Number.NaN, '50' as unknown as number]) {
      expect(
        () => new RevocationMirror({ maxStaleness: 100, heartbeatInterval }),
        String(heartbeatInterval),
      ).toThrow(
        new TypeError(
          'heartbeatInterval must be a positive integer of milliseconds below maxStaleness (100)',
        ),
      )
    }
    expect(
      new RevocationMirror({ maxStaleness: 100, heartbeatInterval: 99 }).heartbeatInterval,
    ).toBe(99)
    expect(() => new RevocationMirror({ maxStaleness: 100, heartbeatInterval: 100 })).toThrow(
      /^heartbeatInterval must be/,
    )
    expect(() => new RevocationMirror({ onStale: 'maybe' as 'fail' })).toThrow(/^onStale must be/)
    expect(() => new RevocationMirror({ now: 5 as unknown as () => number })).toThrow(
      /^now must be/,
    )
  })

  it('reports its freshness as isRevoked judges it: answering until maxStaleness after the last contact', async () => {
    const clock = { now: T0 }
    const mirror = mirrorAt(clock, { maxStaleness: 1_000 })
    expect(mirror.freshness()).toMatchObject({
      backend: 'TestDB',
      loaded: false,
      fresh: false,
      age: undefined,
      answers: false,
    })
    const sent = mirror.reading()
    await mirror.load(async () => ({ state: empty, sent }))
    mirror.markFresh()
    expect(mirror.freshness()).toEqual({
      backend: 'TestDB',
      loaded: true,
      fresh: true,
      age: 0,
      maxStaleness: 1_000,
      answers: true,
    })
    mirror.lost()
    clock.now = T0 + 1_000
    expect(mirror.freshness()).toMatchObject({ fresh: false, age: 1_000, answers: true })
    expect(mirror.isRevoked(subject())).toBe(false)
    clock.now = T0 + 1_001
    expect(mirror.freshness()).toMatchObject({ age: 1_001, answers: false })
    expect(() => mirror.isRevoked(subject())).toThrow(UnavailableError)
  })

  it('waits a short, capped and jittered time before a feed reconnects', () => {
    const delays = (attempt: number) =>
      Array.from({ length: 200 }, () => RevocationMirror.reconnectDelay(attempt))
    for (const [attempt, ceiling] of [
      [1, 50],
      [2, 100],
      [3, 200],
      [4, 400],
      [30, 400],
    ] as const) {
      const drawn = delays(attempt)
      expect(Math.min(...drawn)).toBeGreaterThanOrEqual(ceiling / 2)
      expect(Math.max(...drawn)).toBeLessThanOrEqual(ceiling)
      expect(new Set(drawn).size).toBeGreaterThan(1)
    }
  })

  it('fails closed before the first load, naming the backend', () => {
    const mirror = mirrorAt({ now: T0 })
    expect(() => mirror.isRevoked(subject())).toThrow(UnavailableError)
    expect(() => mirror.isRevoked(subject())).toThrow(
      'The revocation list has not been loaded from TestDB yet.',
    )
    expect(() => new RevocationMirror().isRevoked(subject())).toThrow(
      'The revocation list has not been loaded from its backend yet.',
    )
    expect(mirror.lastContact).toBeUndefined()
  })

  it('answers from a loaded snapshot, skipping ids of keys already expired', async () => {
    const clock = { now: T0 }
    const mirror = mirrorAt(clock)
    const sent = mirror.reading()
    await mirror.load(async () => ({
      state: {
        revoked: [
          ['key_gone', T0 + 60_000],
          ['key_old', T0 - 1],
        ],
        ownerEpochs: [['org_2', T0 - 500]],
        globalEpoch: T0 - 5_000,
      },
      sent,
    }))
    expect(mirror.lastContact).toBe(T0)
    expect(mirror.isRevoked(subject('key_gone'))).toBe(true)
    expect(mirror.isRevoked(subject('key_old'))).toBe(false)
    expect(mirror.isRevoked(subject('key_x', 'org_2', T0 - 500))).toBe(true)
    expect(mirror.isRevoked(subject('key_x', 'org_2', T0 - 499))).toBe(false)
    expect(mirror.isRevoked(subject('key_y', 'org_3', T0 - 5_000))).toBe(true)
  })

  it('prunes ids and suspensions of keys ended by now once full, keeping live ones and the later end of an id revoked twice', async () => {
    const HOUR = 3_600_000
    const clock = { now: T0 }
    const mirror = mirrorAt(clock, { maxStaleness: 10 * HOUR, heartbeatInterval: HOUR })
    await mirror.load(async () => ({
      state: {
        ...empty,
        revoked: [['key_loaded', T0 + 2 * HOUR]],
        suspended: [['key_paused', T0 + 2 * HOUR]],
      },
      sent: mirror.reading(),
    }))
    mirror.apply({ type: 'revoked', id: 'key_twice', expiresAt: T0 + 2 * HOUR })
    mirror.apply({ type: 'revoked', id: 'key_twice', expiresAt: T0 + HOUR })
    mirror.apply({ type: 'suspended', id: 'key_held', expiresAt: T0 + 2 * HOUR })
    // Full at 1 024 entries, each table prunes (nothing ended yet) and grows to twice that.
    for (let i = 0; i < 1_030; i++) {
      mirror.apply({ type: 'revoked', id: `key_short${i}`, expiresAt: T0 + HOUR })
      mirror.apply({ type: 'suspended', id: `key_short${i}`, expiresAt: T0 + HOUR })
    }
    clock.now = T0 + 90 * 60_000
    mirror.markFresh()
    for (let i = 0; i < 1_020; i++) {
      mirror.apply({ type: 'revoked', id: `key_more${i}`, expiresAt: T0 + 4 * HOUR })
      mirror.apply({ type: 'suspended', id: `key_more${i}`, expiresAt: T0 + 4 * HOUR })
    }
    // Full again: these prune what ended by now, the short ones.
    mirror.apply({ type: 'revoked', id: 'key_next', expiresAt: T0 + 4 * HOUR })
    mirror.apply({ type: 'suspended', id: 'key_next', expiresAt: T0 + 4 * HOUR })
    for (const id of ['key_twice', 'key_loaded', 'key_next']) {
      expect(mirror.isRevoked(subject(id)), id).toBe(true)
    }
    for (const id of ['key_held', 'key_paused', 'key_next']) {
      expect(mirror.isSuspended(id), id).toBe(true)
    }
    expect(mirror.isRevoked(subject('key_short0'))).toBe(false)
    expect(mirror.isSuspended('key_short1029')).toBe(false)
  })

  it('keeps changes that arrive while a snapshot is read, and never lets an epoch go back', async () => {
    const mirror = mirrorAt({ now: T0 })
    await mirror.load(async () => {
      mirror.apply({ type: 'revoked', id: 'key_during', expiresAt: T0 + 1_000 })
      mirror.apply({ type: 'revoked_owner', ownerId: 'org_1', at: T0 })
      return { state: empty, sent: mirror.reading() }
    })
    expect(mirror.isRevoked(subject('key_during', 'org_9'))).toBe(true)
    mirror.apply({ type: 'revoked_owner', ownerId: 'org_1', at: T0 - 10_000 })
    expect(mirror.isRevoked(subject('key_b', 'org_1', T0 - 1))).toBe(true)
  })

  it('keeps the latest epoch given for an owner or for all, in a snapshot or by the feed, and an owner epoch revokes only that owner', async () => {
    const mirror = mirrorAt({ now: T0 })
    await mirror.load(async () => ({
      state: {
        revoked: [],
        ownerEpochs: [
          ['org_1', T0 - 100],
          ['org_1', T0 - 10_000],
        ],
      },
      sent: mirror.reading(),
    }))
    expect(mirror.isRevoked(subject('key_a', 'org_1', T0 - 100))).toBe(true)
    mirror.apply({ type: 'revoked_owner', ownerId: 'org_2', at: T0 })
    expect(mirror.isRevoked(subject('key_b', 'org_2', T0))).toBe(true)
    expect(mirror.isRevoked(subject('key_c', 'org_3', T0 - 10_000))).toBe(false)
    mirror.apply({ type: 'revoked_all', at: T0 - 1_000 })
    mirror.apply({ type: 'revoked_all', at: T0 - 20_000 })
    expect(mirror.isRevoked(subject('key_c', 'org_3', T0 - 1_000))).toBe(true)
    expect(mirror.isRevoked(subject('key_c', 'org_3', T0 - 999))).toBe(false)
    expect(mirror.snapshot()).toStrictEqual({
      revoked: [],
      ownerEpochs: [
        ['org_1', T0 - 100],
        ['org_2', T0],
      ],
      globalEpoch: T0 - 1_000,
      suspended: [],
    })
  })

  it('tells subscribers after the state changed, and a throwing subscriber goes to onError', async () => {
    const onError = vi.fn()
    const mirror = mirrorAt({ now: T0 }, { onError })
    await mirror.load(async () => ({ state: empty, sent: mirror.reading() }))
    const seen: Array<[RevocationEvent, boolean]> = []
    mirror.subscribe(() => {
      throw new Error('boom')
    })
    const unsubscribe = mirror.subscribe((event) =>
      seen.push([event, mirror.isRevoked(subject('key_a'))]),
    )
    mirror.apply({ type: 'revoked', id: 'key_a', expiresAt: T0 + 1 })
    unsubscribe()
    mirror.apply({ type: 'updated', id: 'key_a' })
    expect(seen).toStrictEqual([[{ type: 'revoked', id: 'key_a' }, true]])
    expect(onError).toHaveBeenCalledTimes(2)
  })

  it('fails closed maxStaleness after the last confirmed contact, whatever the feed looks like', async () => {
    const clock = { now: T0 }
    const mirror = mirrorAt(clock, { maxStaleness: 1_000 })
    const sent = mirror.reading()
    clock.now += 300
    await mirror.load(async () => ({ state: empty, sent }))
    mirror.markFresh()
    expect(mirror.isRevoked(subject(), T0 + 1_000)).toBe(false)
    expect(() => mirror.isRevoked(subject(), T0 + 1_001)).toThrow(
      /no confirmed contact with TestDB/,
    )
    expect(() => mirror.isRevoked(subject(), Number.NaN)).toThrow(UnavailableError)
    // A later confirmation moves the deadline; an older one arriving late does not move it back.
    const older = mirror.reading()
    const newer = { at: T0 + 500, number: mirror.reading().number }
    mirror.confirm(newer)
    mirror.confirm(older)
    expect(mirror.lastContact).toBe(T0 + 500)
  })

  it("with onStale: 'allow' keeps answering once loaded", async () => {
    const mirror = mirrorAt({ now: T0 }, { maxStaleness: 1_000, onStale: 'allow' })
    expect(() => mirror.isRevoked(subject())).toThrow(UnavailableError)
    await mirror.load(async () => ({ state: empty, sent: mirror.reading() }))
    expect(mirror.isRevoked(subject(), T0 + 10_000_000)).toBe(false)
  })

  it('confirms contact from answered heartbeats and reports a silent feed as lost', async () => {
    vi.useFakeTimers()
    try {
      const clock = { now: T0 }
      const mirror = mirrorAt(clock, { maxStaleness: 1_000, heartbeatInterval: 100 })
      await mirror.load(async () => ({ state: empty, sent: mirror.reading() }))
      mirror.markFresh()
      let answer = true
      const silent = vi.fn()
      mirror.startHeartbeat(() => (answer ? Promise.resolve() : new Promise(() => {})), silent)
      clock.now = T0 + 150
      await vi.advanceTimersByTimeAsync(100)
      expect(mirror.lastContact).toBe(T0 + 150)
      answer = false
      clock.now = T0 + 250
      await vi.advanceTimersByTimeAsync(100)
      expect(silent).not.toHaveBeenCalled()
      const generation = mirror.generation
      await vi.advanceTimersByTimeAsync(100)
      expect(silent).toHaveBeenCalledOnce()
      expect(mirror.fresh).toBe(false)
      expect(mirror.generation).toBe(generation + 1)
      expect(mirror.lastContact).toBe(T0 + 150)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('RevocationMirror heartbeat across a reconnect', () => {
  it('an answer to a ping sent before the connection was lost confirms nothing: the old deadline holds', async () => {
    vi.useFakeTimers()
    try {
      const clock = { now: T0 }
      const mirror = mirrorAt(clock, { maxStaleness: 1_000, heartbeatInterval: 100 })
      await mirror.load(async () => ({ state: empty, sent: mirror.reading() }))
      mirror.markFresh()
      const answers: Array<() => void> = []
      mirror.startHeartbeat(
        () => new Promise<void>((resolve) => answers.push(resolve)),
        () => {},
      )
      clock.now = T0 + 150
      await vi.advanceTimersByTimeAsync(100)
      expect(answers).toHaveLength(1)
      // The connection drops with the ping outstanding; its answer arrives afterwards.
      mirror.lost()
      clock.now = T0 + 300
      answers[0]!()
      await vi.advanceTimersByTimeAsync(0)
      expect(mirror.lastContact).toBe(T0)
      expect(mirror.isRevoked(subject(), T0 + 1_000)).toBe(false)
      expect(() => mirror.isRevoked(subject(), T0 + 1_001)).toThrow(UnavailableError)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('revocation messages', () => {
  it('round-trips every change and refuses what it cannot read', () => {
    const changes: RevocationChange[] = [
      { type: 'revoked', id: 'key_a', expiresAt: T0 },
      { type: 'updated', id: 'key_a' },
      { type: 'revoked_owner', ownerId: 'org_1', at: T0 },
      { type: 'revoked_all', at: T0 },
    ]
    for (const change of changes) {
      expect(decodeRevocationMessage(encodeRevocationMessage('me', change))).toStrictEqual({
        origin: 'me',
        change,
      })
    }
    for (const text of ['', 'null', '{"origin":"me","type":"revoked","id":"k"}', '{"type":"x"}']) {
      expect(decodeRevocationMessage(text)).toBeUndefined()
    }
  })
})

describe('RevocationMirror suspensions', () => {
  it('loads suspensions with a snapshot (dropping those of expired keys) and applies suspend and resume in feed order', async () => {
    const clock = { now: T0 }
    const mirror = mirrorAt(clock, { maxStaleness: 1_000 })
    expect(() => mirror.isSuspended('key_a')).toThrow(UnavailableError)
    const events: RevocationEvent[] = []
    mirror.subscribe((event) => events.push(event))
    const sent = mirror.reading()
    await mirror.load(async () => {
      // Delivered while the snapshot is read: replayed onto it, in order.
      mirror.apply({ type: 'suspended', id: 'key_c', expiresAt: T0 + 60_000 })
      mirror.apply({ type: 'resumed', id: 'key_a' })
      return {
        state: {
          ...empty,
          suspended: [
            ['key_a', T0 + 60_000],
            ['key_b', T0 + 60_000],
            ['key_old', T0 - 1],
          ],
        },
        sent,
      }
    })
    expect(mirror.isSuspended('key_a')).toBe(false)
    expect(mirror.isSuspended('key_b')).toBe(true)
    expect(mirror.isSuspended('key_c')).toBe(true)
    expect(mirror.isSuspended('key_old')).toBe(false)
    mirror.apply({ type: 'resumed', id: 'key_b' })
    mirror.apply({ type: 'suspended', id: 'key_a', expiresAt: T0 + 60_000 })
    expect(mirror.isSuspended('key_b')).toBe(false)
    expect(mirror.isSuspended('key_a')).toBe(true)
    expect(mirror.isRevoked(subject('key_a'))).toBe(false)
    expect(events).toContainEqual({ type: 'suspended', id: 'key_a' })
    expect(events).toContainEqual({ type: 'resumed', id: 'key_b' })
    // Stale: fails closed exactly like isRevoked, answering up to maxStaleness after the contact.
    expect(mirror.isSuspended('key_a', T0 + 1_000)).toBe(true)
    expect(() => mirror.isSuspended('key_a', T0 + 1_001)).toThrow(UnavailableError)
    expect(() => mirror.isSuspended('key_zzz', T0 + 1_001)).toThrow(UnavailableError)
  })

  it('announces and reads back suspension changes, refusing malformed ones', () => {
    const changes: RevocationChange[] = [
      { type: 'suspended', id: 'key_a', expiresAt: T0 },
      { type: 'resumed', id: 'key_a' },
    ]
    for (const change of changes) {
      expect(decodeRevocationMessage(encodeRevocationMessage('me', change))).toEqual({
        origin: 'me',
        change,
      })
    }
    expect(decodeRevocationMessage('{"origin":"me","type":"suspended","id":"key_a"}')).toBe(
      undefined,
    )
    expect(decodeRevocationMessage('{"origin":"me","type":"resumed"}')).toBe(undefined)
  })
})
