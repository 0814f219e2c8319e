import { describe, expect, it } from 'vitest'
import type { RevocationChange } from './revocation-change.js'
import { RevocationMirror, type RevocationState } from './revocation-mirror.js'

const T0 = 1_700_000_000_000
const HOUR = 3_600_000
type Entries = Array<[id: string, expiresAt: number]>

const tables = [
  {
    name: 'revoked ids',
    change: (id: string, expiresAt: number): RevocationChange => ({
      type: 'revoked',
      id,
      expiresAt,
    }),
    state: (entries: Entries): RevocationState => ({ revoked: entries, ownerEpochs: [] }),
    stored: (mirror: RevocationMirror) => mirror.snapshot().revoked.map(([id]) => id),
  },
  {
    name: 'suspensions',
    change: (id: string, expiresAt: number): RevocationChange => ({
      type: 'suspended',
      id,
      expiresAt,
    }),
    state: (entries: Entries): RevocationState => ({
      revoked: [],
      ownerEpochs: [],
      suspended: entries,
    }),
    stored: (mirror: RevocationMirror) => mirror.snapshot().suspended.map(([id]) => id),
  },
]

/** A mirror that stays fresh for ten hours of its clock, loaded with `entries` of one table. */
async function loaded(clock: { now: number }, state: RevocationState) {
  const mirror = new RevocationMirror({ now: () => clock.now, maxStaleness: 10 * HOUR }, 'TestDB')
  await mirror.load(async () => ({ state, sent: mirror.reading() }))
  return mirror
}

for (const { name, change, state, stored } of tables) {
  describe(`RevocationMirror pruning of ${name}`, () => {
    it('does not load an entry of a key that ends exactly now', async () => {
      const mirror = await loaded(
        { now: T0 },
        state([
          ['key_ends_now', T0],
          ['key_ends_later', T0 + 1],
        ]),
      )
      expect(stored(mirror)).toStrictEqual(['key_ends_later'])
    })

    it('drops entries of keys ended by now (at exactly their end too) in a pass run by the change that finds 1 024, then twice what the last pass left', async () => {
      const clock = { now: T0 }
      const mirror = await loaded(clock, state([]))
      let written = 0
      const applyLive = (count: number) => {
        for (let i = 0; i < count; i++) mirror.apply(change(`key_live${written++}`, T0 + 9 * HOUR))
      }
      mirror.apply(change('key_first', T0 + HOUR))
      mirror.apply(change('key_second', T0 + 2 * HOUR))
      applyLive(1_021)
      clock.now = T0 + HOUR
      // 1 023 entries: no pass yet, so key_first, ended exactly now, is still stored.
      applyLive(1)
      expect(stored(mirror)).toHaveLength(1_024)
      expect(stored(mirror)).toContain('key_first')
      // This change finds 1 024: the pass drops key_first, and the next waits for 2 × 1 023.
      applyLive(1)
      expect(stored(mirror)).toHaveLength(1_024)
      expect(stored(mirror)).not.toContain('key_first')
      clock.now = T0 + 2 * HOUR
      applyLive(2_046 - 1_024)
      expect(stored(mirror)).toHaveLength(2_046)
      expect(stored(mirror)).toContain('key_second')
      applyLive(1)
      expect(stored(mirror)).toHaveLength(2_046)
      expect(stored(mirror)).not.toContain('key_second')
    })

    it('runs the first pass after a load once the table holds twice what was loaded', async () => {
      const clock = { now: T0 }
      const entries: Entries = [['key_first', T0 + HOUR]]
      for (let i = 1; i < 600; i++) entries.push([`key_loaded${i}`, T0 + 9 * HOUR])
      const mirror = await loaded(clock, state(entries))
      clock.now = T0 + HOUR
      for (let i = 600; i < 1_200; i++) mirror.apply(change(`key_live${i}`, T0 + 9 * HOUR))
      expect(stored(mirror)).toHaveLength(1_200)
      expect(stored(mirror)).toContain('key_first')
      mirror.apply(change('key_last', T0 + 9 * HOUR))
      expect(stored(mirror)).toHaveLength(1_200)
      expect(stored(mirror)).not.toContain('key_first')
    })
  })
}
