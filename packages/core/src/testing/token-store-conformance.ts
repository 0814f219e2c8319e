import { beforeEach, describe, expect, it } from 'vitest'
import { generateKeyId } from '../token/token.js'
import type { KeyRecord, KeyRecordPatch, TokenStore } from '../types.js'
import { everyRecordOf } from './lib/list-all.js'
import { fullSampleRecord, sampleHash, sampleOwnerId, sampleRecord } from './lib/sample.js'
import { batchInsertConformanceCases } from './token-store-batch-conformance.js'
import { pagingConformanceCases } from './token-store-paging-conformance.js'

/**
 * Builds the store one conformance test runs against. Called before every test. It may
 * return a new store on an empty backend or the same store every time: the suite uses fresh
 * ids, hashes and owner ids in each test and never assumes the store is empty.
 */
export type TokenStoreFactory = () => TokenStore | Promise<TokenStore>

const MINUTE = 60_000

/**
 * Registers a vitest `describe` block checking that a {@link TokenStore} keeps the contract
 * Keyward relies on: every method, duplicate rejection with nothing written, atomic
 * patches, limits, network rules and a suspension removed by a `null` patch (and no other
 * field), conditional updates (judged at `activeAt`, writing nothing when the record is
 * revoked, rotated or expired, or with `notSuspended` suspended, and letting exactly one of
 * two racing rotations or suspensions win), a revocation that lands on a
 * rotated record and is never taken away, indexes removed on delete, `touch` never moving
 * backwards, records handed in and out as copies, and paged lists (newest first, every
 * filter, cursors that survive inserts and deletes, forged cursors refused with 422), and the
 * optional `insertMany` (new records added, those whose hash or id exists skipped).
 *
 * Call it at the top level of a test file. `vitest` must be installed (it is an optional
 * peer dependency of `@keyward/core`). Records expire 30 days after the real clock's now,
 * so a store that expires records in its backend keeps them for the whole run.
 *
 * @example
 * ```ts
 * import { tokenStoreConformance } from '@keyward/core/testing'
 * tokenStoreConformance('MyStore', () => new MyStore())
 * ```
 */
export function tokenStoreConformance(name: string, factory: TokenStoreFactory): void {
  describe(`TokenStore conformance: ${name}`, () => {
    let store: TokenStore
    beforeEach(async () => {
      store = await factory()
    })

    it('returns an inserted record whole from get and findByHash', async () => {
      const minimal = sampleRecord()
      const full = fullSampleRecord()
      await store.insert(minimal)
      await store.insert(full)
      expect(await store.get(minimal.id)).toStrictEqual(minimal)
      expect(await store.findByHash(minimal.hash)).toStrictEqual(minimal)
      expect(await store.get(full.id)).toStrictEqual(full)
      expect(await store.findByHash(full.hash)).toStrictEqual(full)
    })

    it('resolves undefined for an id or hash it never stored', async () => {
      const record = sampleRecord()
      expect(await store.get(record.id)).toBeUndefined()
      expect(await store.findByHash(record.hash)).toBeUndefined()
      expect(await everyRecordOf(store, record.ownerId)).toStrictEqual([])
    })

    it("lists only one owner's records, oldest first", async () => {
      const ownerId = sampleOwnerId()
      const base = Date.now() - 10_000
      const third = sampleRecord({ ownerId, createdAt: base + 2_000 })
      const first = sampleRecord({ ownerId, createdAt: base })
      const second = fullSampleRecord({ ownerId, createdAt: base + 1_000 })
      const stranger = sampleRecord({ createdAt: base + 500 })
      for (const record of [third, stranger, first, second]) await store.insert(record)

      expect(await everyRecordOf(store, ownerId)).toStrictEqual([first, second, third])
      expect(await everyRecordOf(store, stranger.ownerId)).toStrictEqual([stranger])
    })

    it('orders records created in the same millisecond by id', async () => {
      const ownerId = sampleOwnerId()
      const createdAt = Date.now() - 5_000
      const records = [sampleRecord({ ownerId, createdAt }), sampleRecord({ ownerId, createdAt })]
      for (const record of records) await store.insert(record)
      const byId = [...records].sort((a, b) => (a.id < b.id ? -1 : 1))
      expect((await everyRecordOf(store, ownerId)).map((r) => r.id)).toStrictEqual(
        byId.map((r) => r.id),
      )
    })

    it('rejects a duplicate id and writes nothing', async () => {
      const original = sampleRecord()
      await store.insert(original)
      const clash = sampleRecord({ id: original.id, name: 'Clash' })

      await expect(store.insert(clash)).rejects.toThrow()
      expect(await store.get(original.id)).toStrictEqual(original)
      expect(await store.findByHash(clash.hash)).toBeUndefined()
      expect(await everyRecordOf(store, clash.ownerId)).toStrictEqual([])
      expect(await everyRecordOf(store, original.ownerId)).toStrictEqual([original])
    })

    it('rejects a duplicate hash and writes nothing', async () => {
      const original = sampleRecord()
      await store.insert(original)
      const clash = sampleRecord({ hash: original.hash, name: 'Clash' })

      await expect(store.insert(clash)).rejects.toThrow()
      expect(await store.get(clash.id)).toBeUndefined()
      expect(await store.findByHash(original.hash)).toStrictEqual(original)
      expect(await everyRecordOf(store, clash.ownerId)).toStrictEqual([])
    })

    it('applies a patch, resolves the new record and keeps every other field', async () => {
      const original = fullSampleRecord()
      await store.insert(original)
      const patch = {
        name: 'Renamed',
        scopes: ['projects:read', 'projects:write'],
        expiresAt: original.expiresAt - 60_000,
        metadata: { plan: 'team', seats: 5 },
      }
      const expected: KeyRecord = { ...original, ...patch }

      expect(await store.update(original.id, patch)).toStrictEqual(expected)
      expect(await store.get(original.id)).toStrictEqual(expected)
      expect(await store.findByHash(original.hash)).toStrictEqual(expected)
      expect(await everyRecordOf(store, original.ownerId)).toStrictEqual([expected])
    })

    it('patches only the fields given', async () => {
      const original = sampleRecord()
      await store.insert(original)
      expect(await store.update(original.id, { name: 'Only the name' })).toStrictEqual({
        ...original,
        name: 'Only the name',
      })
    })

    it('resolves undefined when updating a missing id, and creates nothing', async () => {
      const missing = sampleRecord()
      expect(await store.update(missing.id, { name: 'Ghost' })).toBeUndefined()
      expect(await store.get(missing.id)).toBeUndefined()
    })

    it('stores rotatedTo and revokedAt from patches and hands them back from every read', async () => {
      const original = sampleRecord()
      await store.insert(original)
      const rotated: KeyRecord = { ...original, rotatedTo: generateKeyId() }
      const revoked: KeyRecord = { ...rotated, revokedAt: Date.now() }

      expect(await store.update(original.id, { rotatedTo: rotated.rotatedTo! })).toStrictEqual(
        rotated,
      )
      expect(await store.update(original.id, { revokedAt: revoked.revokedAt! })).toStrictEqual(
        revoked,
      )
      expect(await store.get(original.id)).toStrictEqual(revoked)
      expect(await store.findByHash(original.hash)).toStrictEqual(revoked)
      expect(await everyRecordOf(store, original.ownerId)).toStrictEqual([revoked])
    })

    it('applies a conditional patch to a record active at activeAt', async () => {
      const original = sampleRecord({ lastUsedAt: Date.now() - MINUTE, metadata: { plan: 'pro' } })
      await store.insert(original)
      const activeAt = Date.now()
      const patch = { rotatedTo: generateKeyId(), expiresAt: activeAt + 60 * MINUTE }
      const expected: KeyRecord = { ...original, ...patch }

      expect(await store.update(original.id, patch, { activeAt })).toStrictEqual(expected)
      expect(await store.get(original.id)).toStrictEqual(expected)
      expect(await store.findByHash(original.hash)).toStrictEqual(expected)
      expect(await everyRecordOf(store, original.ownerId)).toStrictEqual([expected])
    })

    it('keeps rateLimits and credits whole through insert and update', async () => {
      const original = sampleRecord({ rateLimits: [{ name: 'default', limit: 5, window: 1_000 }] })
      await store.insert(original)
      expect(await store.get(original.id)).toStrictEqual(original)
      const patch: KeyRecordPatch = {
        rateLimits: [],
        credits: { remaining: 0, grantedAt: Date.now(), refill: { amount: 7, interval: 60_000 } },
      }
      const expected: KeyRecord = { ...original, ...patch } as KeyRecord
      expect(await store.update(original.id, patch)).toStrictEqual(expected)
      expect(await store.findByHash(original.hash)).toStrictEqual(expected)
    })

    it('removes rateLimits and credits patched to null, and keeps every other field', async () => {
      const { rateLimits, credits, ...rest } = fullSampleRecord()
      const original: KeyRecord = { ...rest, rateLimits: rateLimits!, credits: credits! }
      await store.insert(original)

      const withoutLimits: KeyRecord = { ...rest, credits: credits! }
      expect(await store.update(original.id, { rateLimits: null })).toStrictEqual(withoutLimits)
      expect(await store.get(original.id)).toStrictEqual(withoutLimits)
      expect(await store.update(original.id, { credits: null })).toStrictEqual(rest)
      expect(await store.get(original.id)).toStrictEqual(rest)
      expect(await store.findByHash(original.hash)).toStrictEqual(rest)
      expect(await everyRecordOf(store, original.ownerId)).toStrictEqual([rest])
      // Removing what is not there is no error and changes nothing.
      expect(await store.update(original.id, { rateLimits: null, credits: null })).toStrictEqual(
        rest,
      )
    })

    it('removes one limit field and sets another in one conditional patch', async () => {
      const original = sampleRecord({
        rateLimits: [{ name: 'default', limit: 5, window: 1_000 }],
        metadata: { plan: 'pro' },
      })
      await store.insert(original)
      const credits = { remaining: 3, grantedAt: Date.now() }
      const { rateLimits: _removed, ...rest } = original
      const expected: KeyRecord = { ...rest, name: 'Credits only', credits }

      expect(
        await store.update(
          original.id,
          { name: 'Credits only', rateLimits: null, credits },
          { activeAt: Date.now() },
        ),
      ).toStrictEqual(expected)
      expect(await store.get(original.id)).toStrictEqual(expected)
      // An empty array is kept as such: "no limits at all", not "no limits of its own".
      expect(await store.update(original.id, { rateLimits: [], credits: null })).toStrictEqual({
        ...rest,
        name: 'Credits only',
        rateLimits: [],
      })
    })

    it('keeps allowedIps, suspendedAt and suspendReason whole through insert and update', async () => {
      const original = sampleRecord({ allowedIps: ['203.0.113.0/24', '2001:db8::1'] })
      await store.insert(original)
      expect(await store.get(original.id)).toStrictEqual(original)
      const suspendedAt = Date.now()
      const patch: KeyRecordPatch = {
        allowedIps: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32'],
        suspendedAt,
        suspendReason: 'Unpaid invoice ✓',
      }
      const expected = { ...original, ...patch } as KeyRecord
      expect(await store.update(original.id, patch)).toStrictEqual(expected)
      expect(await store.get(original.id)).toStrictEqual(expected)
      expect(await store.findByHash(original.hash)).toStrictEqual(expected)
      expect((await store.listByOwner(original.ownerId)).keys).toStrictEqual([expected])
    })

    it('removes allowedIps, suspendedAt and suspendReason patched to null, and keeps every other field', async () => {
      const full = fullSampleRecord()
      const { allowedIps, suspendedAt, suspendReason, ...rest } = full
      await store.insert(full)

      const resumed: KeyRecord = { ...rest, allowedIps: allowedIps! }
      expect(await store.update(full.id, { suspendedAt: null, suspendReason: null })).toStrictEqual(
        resumed,
      )
      expect(await store.get(full.id)).toStrictEqual(resumed)
      expect(await store.update(full.id, { allowedIps: null })).toStrictEqual(rest)
      expect(await store.get(full.id)).toStrictEqual(rest)
      expect(await store.findByHash(full.hash)).toStrictEqual(rest)
      // Revoked (the full sample has revokedAt): listed only when asked for.
      const listed = await store.listByOwner(full.ownerId, { status: 'revoked' })
      expect(listed.keys).toStrictEqual([rest])
      // Removing what is not there is no error and changes nothing.
      expect(
        await store.update(full.id, { allowedIps: null, suspendedAt: null, suspendReason: null }),
      ).toStrictEqual(rest)
      expect(suspendedAt).toBeTypeOf('number')
      expect(suspendReason).toBeTypeOf('string')
    })

    it('keeps a rotation until first use: rotatedUntil and pendingPredecessor, removable only with null', async () => {
      const successorId = generateKeyId()
      const old = sampleRecord()
      const successor = sampleRecord({ rotatedFrom: old.id, pendingPredecessor: old.id })
      await store.insert(old)
      await store.insert(successor)
      expect(await store.findByHash(successor.hash)).toStrictEqual(successor)
      const activeAt = Date.now()
      const patch = {
        rotatedTo: successorId,
        rotatedUntil: 'first-use',
        expiresAt: activeAt + 60 * MINUTE,
      } as const
      const pending = { ...old, ...patch }
      expect(await store.update(old.id, patch, { activeAt })).toStrictEqual(pending)
      expect(await store.get(old.id)).toStrictEqual(pending)
      expect(await store.findByHash(old.hash)).toStrictEqual(pending)
      // The hand-over: the successor's mark goes, everything else stays.
      const { pendingPredecessor, ...handedOver } = successor
      expect(pendingPredecessor).toBe(old.id)
      expect(await store.update(successor.id, { pendingPredecessor: null })).toStrictEqual(
        handedOver,
      )
      expect(await store.get(successor.id)).toStrictEqual(handedOver)
      expect(await store.findByHash(successor.hash)).toStrictEqual(handedOver)
      await expect(
        store.update(successor.id, { pendingPredecessor: 'key_x' } as unknown as KeyRecordPatch),
      ).rejects.toThrow(TypeError)
      await expect(
        store.update(old.id, { rotatedUntil: 'last-use' } as unknown as KeyRecordPatch),
      ).rejects.toThrow(TypeError)
      expect(await store.get(old.id)).toStrictEqual(pending)
    })

    it('applies a notSuspended conditional patch only while the record is not suspended', async () => {
      const original = sampleRecord({ metadata: { plan: 'pro' } })
      await store.insert(original)
      const activeAt = Date.now()
      const suspension = { suspendedAt: activeAt, suspendReason: 'Investigation' }
      const suspended: KeyRecord = { ...original, ...suspension }

      expect(
        await store.update(original.id, suspension, { activeAt, notSuspended: true }),
      ).toStrictEqual(suspended)
      // A second suspension finds it suspended and writes nothing.
      expect(
        await store.update(
          original.id,
          { suspendedAt: activeAt + 1, suspendReason: 'Again' },
          { activeAt, notSuspended: true },
        ),
      ).toBeNull()
      expect(await store.get(original.id)).toStrictEqual(suspended)
      // Without notSuspended, a suspended but active record still takes a conditional patch.
      const renamed: KeyRecord = { ...suspended, name: 'Renamed while suspended' }
      expect(await store.update(original.id, { name: renamed.name }, { activeAt })).toStrictEqual(
        renamed,
      )
      expect(
        await store.update(original.id, { name: 'No' }, { activeAt, notSuspended: false }),
      ).toStrictEqual({ ...renamed, name: 'No' })
      // Resumed, it takes a notSuspended patch again.
      const { suspendedAt: _at, suspendReason: _reason, ...resumed } = { ...renamed, name: 'No' }
      expect(
        await store.update(original.id, { suspendedAt: null, suspendReason: null }, { activeAt }),
      ).toStrictEqual(resumed)
      expect(
        await store.update(original.id, { name: 'Back' }, { activeAt, notSuspended: true }),
      ).toStrictEqual({ ...resumed, name: 'Back' })
    })

    it('refuses a notSuspended patch to a revoked or expired record too', async () => {
      const activeAt = Date.now()
      const revoked = sampleRecord({ revokedAt: activeAt - 1 })
      const expired = sampleRecord({ expiresAt: activeAt })
      await store.insert(revoked)
      await store.insert(expired)
      const patch = { suspendedAt: activeAt }
      expect(await store.update(revoked.id, patch, { activeAt, notSuspended: true })).toBeNull()
      expect(await store.update(expired.id, patch, { activeAt, notSuspended: true })).toBeNull()
      expect(await store.get(revoked.id)).toStrictEqual(revoked)
      expect(await store.get(expired.id)).toStrictEqual(expired)
    })

    it('lets exactly one of two racing notSuspended suspensions win, whole', async () => {
      for (let round = 0; round < 5; round += 1) {
        const original = sampleRecord()
        await store.insert(original)
        const activeAt = Date.now()
        const patches = [1, 2].map((n) => ({ suspendedAt: activeAt + n, suspendReason: `r${n}` }))
        const results = await Promise.all(
          patches.map((patch) =>
            store.update(original.id, patch, { activeAt, notSuspended: true }),
          ),
        )
        expect(results.filter((result) => result === null)).toHaveLength(1)
        const won = results.findIndex((result) => result !== null)
        const expected: KeyRecord = { ...original, ...patches[won] }
        expect(results[won]).toStrictEqual(expected)
        expect(await store.get(original.id)).toStrictEqual(expected)
      }
    })

    it('counts a record as active up to the millisecond before its expiresAt', async () => {
      const original = sampleRecord()
      await store.insert(original)
      expect(
        await store.update(
          original.id,
          { name: 'Last moment' },
          { activeAt: original.expiresAt - 1 },
        ),
      ).toStrictEqual({ ...original, name: 'Last moment' })
    })

    const inactive: [string, () => Partial<KeyRecord>, (record: KeyRecord) => number][] = [
      ['revoked', () => ({ revokedAt: Date.now() - MINUTE }), () => Date.now()],
      // Revocation is permanent: its presence counts, not its time.
      ['revoked after activeAt', () => ({ revokedAt: Date.now() }), () => Date.now() - MINUTE],
      ['rotated', () => ({ rotatedTo: generateKeyId() }), () => Date.now()],
      // Expiry is judged at activeAt, not by the wall clock (which says these are active).
      ['expiring exactly at activeAt', () => ({}), (record) => record.expiresAt],
      ['expired before activeAt', () => ({}), (record) => record.expiresAt + MINUTE],
    ]

    it.each(inactive)(
      'resolves null for a record %s and writes nothing',
      async (_what, overrides, activeAtOf) => {
        const original = sampleRecord({
          lastUsedAt: Date.now() - MINUTE,
          rateLimits: [{ name: 'default', limit: 5, window: 1_000 }],
          credits: { remaining: 0, grantedAt: Date.now() - MINUTE },
          ...overrides(),
        })
        await store.insert(original)
        const patch: KeyRecordPatch = {
          name: 'Must not land',
          scopes: ['admin:*'],
          expiresAt: original.expiresAt + 60 * MINUTE,
          metadata: { landed: true },
          rotatedTo: generateKeyId(),
          revokedAt: Date.now(),
          rateLimits: null,
          credits: null,
        }

        expect(
          await store.update(original.id, patch, { activeAt: activeAtOf(original) }),
        ).toBeNull()
        expect(await store.get(original.id)).toStrictEqual(original)
        expect(await store.findByHash(original.hash)).toStrictEqual(original)
        expect(await everyRecordOf(store, original.ownerId)).toStrictEqual([original])
      },
    )

    it('resolves undefined for a conditional update of a missing id, and creates nothing', async () => {
      const missing = sampleRecord()
      expect(
        await store.update(missing.id, { rotatedTo: generateKeyId() }, { activeAt: Date.now() }),
      ).toBeUndefined()
      expect(await store.get(missing.id)).toBeUndefined()
    })

    it('lets exactly one of two racing conditional rotations win, whole', async () => {
      for (let round = 0; round < 10; round += 1) {
        const original = sampleRecord()
        await store.insert(original)
        const activeAt = Date.now()
        const patches = [1, 2].map((n) => ({
          name: `Rotation ${n}`,
          rotatedTo: generateKeyId(),
          expiresAt: activeAt + n * MINUTE,
        }))

        const results = await Promise.all(
          patches.map((patch) => store.update(original.id, patch, { activeAt })),
        )
        const won = results.findIndex((result) => result !== null)
        expect(results.filter((result) => result === null)).toHaveLength(1)
        expect(won).not.toBe(-1)
        const expected: KeyRecord = { ...original, ...patches[won] }
        expect(results[won]).toStrictEqual(expected)
        expect(await store.get(original.id)).toStrictEqual(expected)
      }
    })

    it('revokes a rotated record when no condition is given (revocation during a grace period)', async () => {
      const original = sampleRecord()
      await store.insert(original)
      const activeAt = Date.now()
      const grace = { rotatedTo: generateKeyId(), expiresAt: activeAt + 60 * MINUTE }
      await store.update(original.id, grace, { activeAt })
      const revokedAt = activeAt + 1
      const expected: KeyRecord = { ...original, ...grace, revokedAt }

      expect(await store.update(original.id, { revokedAt })).toStrictEqual(expected)
      expect(await store.get(original.id)).toStrictEqual(expected)
      expect(await store.findByHash(original.hash)).toStrictEqual(expected)
    })

    it('never loses a revocation racing a conditional rotation', async () => {
      for (let round = 0; round < 10; round += 1) {
        const original = sampleRecord()
        await store.insert(original)
        const activeAt = Date.now()
        const rotation = { rotatedTo: generateKeyId(), expiresAt: activeAt + MINUTE }
        const revocation = { revokedAt: activeAt }
        const rotate = () => store.update(original.id, rotation, { activeAt })
        const revoke = () => store.update(original.id, revocation)

        // Alternate which call is sent first.
        const [rotated] =
          round % 2 === 0
            ? await Promise.all([rotate(), revoke()])
            : await Promise.all([revoke(), rotate()]).then(([r, o]) => [o, r] as const)
        const expected: KeyRecord =
          rotated === null
            ? { ...original, ...revocation }
            : { ...original, ...rotation, ...revocation }
        expect(await store.get(original.id)).toStrictEqual(expected)
      }
    })

    it('never lets a patch take revokedAt or rotatedTo away', async () => {
      const original = sampleRecord({ revokedAt: Date.now() - MINUTE, rotatedTo: generateKeyId() })
      await store.insert(original)
      // Not a valid patch in TypeScript, but untyped code could send it: reject or ignore it.
      const erasing = { revokedAt: undefined, rotatedTo: undefined } as unknown as KeyRecordPatch
      await store.update(original.id, erasing).catch(() => undefined)
      expect(await store.get(original.id)).toStrictEqual(original)
    })

    it.each(['name', 'scopes', 'expiresAt', 'metadata', 'rotatedTo', 'revokedAt'])(
      'rejects a patch of %s to null and writes nothing (only limits can be removed)',
      async (field) => {
        const original = fullSampleRecord()
        await store.insert(original)
        const patch = { [field]: null, credits: null } as unknown as KeyRecordPatch
        await expect(store.update(original.id, patch)).rejects.toThrow(TypeError)
        expect(await store.get(original.id)).toStrictEqual(original)
      },
    )

    it('applies concurrent patches and touches of different fields without losing any', async () => {
      const original = sampleRecord()
      await store.insert(original)
      const lastUsedAt = original.createdAt + 5_000
      await Promise.all([
        store.update(original.id, { name: 'Concurrent name' }),
        store.update(original.id, { scopes: ['projects:write'] }),
        store.touch(original.id, lastUsedAt),
        store.update(original.id, { metadata: { concurrent: true } }),
      ])
      expect(await store.get(original.id)).toStrictEqual({
        ...original,
        name: 'Concurrent name',
        scopes: ['projects:write'],
        metadata: { concurrent: true },
        lastUsedAt,
      })
    })

    it('deletes a record with its indexes, and frees its id and hash', async () => {
      const record = fullSampleRecord()
      const sibling = sampleRecord({ ownerId: record.ownerId, createdAt: record.createdAt + 1 })
      await store.insert(record)
      await store.insert(sibling)

      expect(await store.delete(record.id)).toBe(true)
      expect(await store.get(record.id)).toBeUndefined()
      expect(await store.findByHash(record.hash)).toBeUndefined()
      expect(await everyRecordOf(store, record.ownerId)).toStrictEqual([sibling])
      expect(await store.delete(record.id)).toBe(false)

      await store.insert(record)
      expect(await store.findByHash(record.hash)).toStrictEqual(record)
    })

    it('resolves false when deleting a missing id', async () => {
      expect(await store.delete(sampleRecord().id)).toBe(false)
    })

    it('records lastUsedAt on touch and never moves it backwards', async () => {
      const record = sampleRecord()
      await store.insert(record)
      const later = record.createdAt + 120_000

      await store.touch(record.id, later)
      expect((await store.get(record.id))?.lastUsedAt).toBe(later)
      await store.touch(record.id, later - 60_000)
      expect((await store.get(record.id))?.lastUsedAt).toBe(later)
      await store.touch(record.id, later + 60_000)
      expect(await store.findByHash(record.hash)).toStrictEqual({
        ...record,
        lastUsedAt: later + 60_000,
      })
    })

    it('ignores a touch of a missing id', async () => {
      const missing = sampleRecord()
      await store.touch(missing.id, Date.now())
      expect(await store.get(missing.id)).toBeUndefined()
      expect(await store.findByHash(missing.hash)).toBeUndefined()
    })

    it('keeps its own copies: mutating what went in or came out changes nothing stored', async () => {
      const record = fullSampleRecord()
      const snapshot = structuredClone(record)
      await store.insert(record)
      record.name = 'mutated after insert'
      record.scopes.push('admin:everything')
      ;(record.metadata!.limits as { rps: number }).rps = 1_000_000

      for (const read of [
        await store.get(snapshot.id),
        await store.findByHash(snapshot.hash),
        (await everyRecordOf(store, snapshot.ownerId))[0],
        await store.update(snapshot.id, {}),
      ]) {
        expect(read).toStrictEqual(snapshot)
        read!.name = 'mutated after read'
        read!.scopes.push('admin:everything')
        ;(read!.metadata!.limits as { rps: number }).rps = 0
      }
      expect(await store.get(snapshot.id)).toStrictEqual(snapshot)
    })

    it('keeps a patch it was given as its own copy', async () => {
      const record = sampleRecord()
      await store.insert(record)
      const patch = { scopes: ['projects:read'], metadata: { tier: 'gold' } }
      await store.update(record.id, patch)
      patch.scopes.push('admin:everything')
      patch.metadata.tier = 'stolen'
      expect(await store.get(record.id)).toStrictEqual({
        ...record,
        scopes: ['projects:read'],
        metadata: { tier: 'gold' },
      })
    })

    it('finds records by the exact hash only (case-sensitive)', async () => {
      const tail = sampleHash().slice(1)
      const record = sampleRecord({ hash: `A${tail}` })
      await store.insert(record)
      expect(await store.findByHash(`a${tail}`)).toBeUndefined()
      expect(await store.findByHash(`A${tail}`)).toStrictEqual(record)
    })

    pagingConformanceCases(() => store)
    batchInsertConformanceCases(() => store)
  })
}
