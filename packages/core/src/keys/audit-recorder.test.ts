import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { T0 } from '../../test/keyward.js'
import type { AuditEvent, AuditLog } from '../types.js'
import { createAuditRecorder } from './audit.js'

const INTERVAL = 1_000

const event = (n: number): AuditEvent => ({
  id: `evt_${n}`,
  at: T0 + n,
  type: 'created',
  ownerId: 'org_1',
})

/** A recorder over a log that keeps its appends, and rejects them while `fail.now`. */
function setup() {
  const appends: AuditEvent[][] = []
  const fail = { now: false }
  const log: AuditLog = {
    append: async (events) => {
      if (fail.now) throw new Error('log down')
      appends.push([...events])
    },
    list: async () => ({ events: [], nextCursor: null }),
  }
  const errors: unknown[] = []
  const recorder = createAuditRecorder({
    log,
    flushInterval: INTERVAL,
    onError: (error) => errors.push(error),
  })
  return { recorder, appends, fail, errors }
}

describe('createAuditRecorder', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('resolves true for a flush with nothing buffered, and appends nothing', async () => {
    const { recorder, appends } = setup()
    await expect(recorder.flush()).resolves.toBe(true)
    recorder.record(event(1))
    await expect(recorder.flush()).resolves.toBe(true)
    await expect(recorder.flush()).resolves.toBe(true)
    expect(appends).toEqual([[event(1)]])
  })

  it('keeps one timer for a batch, and leaves none once it is stored or closed', async () => {
    const { recorder, appends } = setup()
    recorder.record(event(1))
    recorder.record(event(2))
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(INTERVAL)
    expect(appends).toEqual([[event(1), event(2)]])
    expect(vi.getTimerCount()).toBe(0)
    recorder.record(event(3))
    recorder.record(event(4))
    await expect(recorder.close()).resolves.toBe(true)
    expect(appends).toEqual([
      [event(1), event(2)],
      [event(3), event(4)],
    ])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('tries a failed timed append again at the next interval, with no new event needed', async () => {
    const { recorder, appends, fail, errors } = setup()
    fail.now = true
    recorder.record(event(1))
    await vi.advanceTimersByTimeAsync(INTERVAL)
    expect(errors).toHaveLength(1)
    expect(appends).toEqual([])
    fail.now = false
    await vi.advanceTimersByTimeAsync(INTERVAL)
    expect(appends).toEqual([[event(1)]])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('keeps the newest 100,000 events while the log fails, in order', async () => {
    const { recorder, appends, fail } = setup()
    fail.now = true
    for (let n = 0; n < 100_001; n++) recorder.record(event(n))
    await expect(recorder.flush()).resolves.toBe(false)
    recorder.record(event(100_001))
    fail.now = false
    await expect(recorder.close()).resolves.toBe(true)
    const stored = appends.flat()
    expect(stored).toHaveLength(100_001)
    expect(stored[0]).toEqual(event(1))
    expect(stored.at(-2)).toEqual(event(100_000))
    expect(stored.at(-1)).toEqual(event(100_001))
  })
})
