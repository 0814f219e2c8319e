import { revocationListConformance } from '@keyward/core/testing'
import { describe, expect, it } from 'vitest'
import { MemoryRevocationList } from './memory-revocation-list.js'
import { PollingRevocationList, type RevocationFeedSource } from './polling-revocation-list.js'
import { RevocationFeed } from './revocation-feed.js'

/** The feed as an origin serves it: every page goes through JSON, as over HTTP. */
function sourceOf(feed: RevocationFeed, calls = { count: 0 }): RevocationFeedSource {
  return {
    async changes(since) {
      calls.count++
      return JSON.parse(JSON.stringify(feed.changes(since)))
    },
  }
}

/**
 * A polling list with traffic: an edge list polls only when requests ask, so the suite's
 * peers get one request every few ms, as a busy isolate would.
 */
function withTraffic(list: PollingRevocationList): PollingRevocationList {
  const probe = { id: 'key_traffic', ownerId: 'traffic', createdAt: 0 }
  const timer = setInterval(() => {
    try {
      list.isRevoked(probe)
    } catch {
      // Before the first poll the list fails closed; traffic goes on.
    }
  }, 2)
  const close = list.close.bind(list)
  list.close = () => {
    clearInterval(timer)
    return close()
  }
  return list
}

revocationListConformance('PollingRevocationList (the peers; writes at the origin)', () => {
  const origin = new MemoryRevocationList()
  const feed = new RevocationFeed(origin)
  const polling = () =>
    withTraffic(new PollingRevocationList(sourceOf(feed), { pollInterval: 5, maxStaleness: 5_000 }))
  return { list: origin, peer: polling(), open: polling }
})

describe('PollingRevocationList', () => {
  const subject = { id: 'key_0000000000000001', ownerId: 'org_1', createdAt: 1_000 }

  const setup = (options: { pollInterval?: number; maxStaleness?: number } = {}) => {
    let now = 1_700_000_000_000
    let reachable = true
    const calls = { count: 0 }
    const origin = new MemoryRevocationList()
    const feed = new RevocationFeed(origin)
    const inner = sourceOf(feed, calls)
    const list = new PollingRevocationList(
      {
        changes: (since) =>
          reachable ? inner.changes(since) : Promise.reject(new Error('connection refused')),
      },
      { pollInterval: 1_000, maxStaleness: 5_000, now: () => now, onError: () => {}, ...options },
    )
    return {
      origin,
      list,
      calls,
      advance: (ms: number) => {
        now += ms
      },
      setReachable: (value: boolean) => {
        reachable = value
      },
    }
  }

  it('refuses bad options at construction, naming them', () => {
    const source = { changes: async () => ({ version: 'a.0', changes: [] }) }
    expect(() => new PollingRevocationList(source, { pollInterval: 0 })).toThrow(/^pollInterval/)
    expect(() => new PollingRevocationList(source, { maxStaleness: 1.5 })).toThrow(/^maxStaleness/)
    expect(
      () => new PollingRevocationList(source, { pollInterval: 2_000, maxStaleness: 2_000 }),
    ).toThrow(/^maxStaleness must be above pollInterval/)
    expect(() => new PollingRevocationList({} as RevocationFeedSource)).toThrow(/source/)
  })

  it('fails closed before its first poll, and answers once ready', async () => {
    const { list } = setup()
    expect(() => list.isRevoked(subject)).toThrow(expect.objectContaining({ code: 'unavailable' }))
    await list.ready()
    expect(list.isRevoked(subject)).toBe(false)
  })

  it('asks the origin at most once per pollInterval, whatever the traffic, and learns revocations', async () => {
    const { origin, list, calls, advance } = setup()
    await list.ready()
    expect(calls.count).toBe(1)
    await origin.revoke(subject.id, 1_800_000_000_000)
    for (let i = 0; i < 100; i++) expect(list.isRevoked(subject)).toBe(false)
    expect(calls.count).toBe(1)
    advance(1_000)
    // The request that finds the poll due answers from the mirror; the poll runs behind it.
    expect(list.isRevoked(subject)).toBe(false)
    for (let i = 0; i < 100; i++) list.isRevoked({ ...subject, id: 'key_other' })
    await list.refresh()
    expect(calls.count).toBe(3)
    expect(list.isRevoked(subject)).toBe(true)
  })

  it('makes ready() wait for a poll after a quiet spell, so an idle isolate does not answer from an old mirror', async () => {
    const { origin, list, calls, advance } = setup()
    await list.ready()
    await origin.revoke(subject.id, 1_800_000_000_000)
    advance(2_000)
    await list.ready()
    expect(calls.count).toBe(1)
    advance(1)
    await list.ready()
    expect(calls.count).toBe(2)
    expect(list.isRevoked(subject)).toBe(true)
  })

  it('answers from its mirror while the origin is unreachable, until maxStaleness, then 503, and recovers', async () => {
    const { list, advance, setReachable } = setup()
    await list.ready()
    setReachable(false)
    advance(4_999)
    expect(list.isRevoked(subject)).toBe(false)
    await list.refresh()
    advance(2)
    expect(() => list.isRevoked(subject)).toThrow(expect.objectContaining({ code: 'unavailable' }))
    await expect(list.ready()).rejects.toMatchObject({ code: 'unavailable' })
    setReachable(true)
    await list.ready()
    expect(list.isRevoked(subject)).toBe(false)
  })

  it('reloads the whole state after a reset at the origin, telling subscribers to drop everything', async () => {
    const { origin, list } = setup()
    await list.ready()
    const events: string[] = []
    list.subscribe((event) => events.push(event.type))
    await origin.revokeAll(5_000)
    await list.refresh()
    expect(events).toEqual(['revoked_all'])
    expect(list.isRevoked(subject)).toBe(true)
  })

  it('refuses a page it cannot read, counting it as no contact', async () => {
    const errors: unknown[] = []
    const list = new PollingRevocationList(
      { changes: async () => ({ version: 'x.1', changes: [{ type: 'revoked' }] }) as never },
      { onError: (error) => errors.push(error) },
    )
    await expect(list.ready()).rejects.toMatchObject({ code: 'unavailable' })
    expect(errors[0]).toMatchObject({ code: 'unavailable', message: /unreadable/ })
  })

  it('only reads: writes reject, naming the origin', async () => {
    const { list } = setup()
    await expect(list.revoke()).rejects.toThrow(/at the origin/)
    await expect(list.revokeAll()).rejects.toThrow(/at the origin/)
  })
})
