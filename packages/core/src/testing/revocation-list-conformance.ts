import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RevocationEvent, RevocationList, RevocationSubject } from '../types.js'
import { sampleOwnerId, uniqueSuffix } from './lib/sample.js'

/**
 * The instances one revocation conformance test runs against.
 *
 * A list shared between processes (Redis) gives two instances on one backend, as two
 * processes would hold them, so the suite checks that what is written through `list`
 * reaches `peer`'s mirror and subscribers. An in-process list that shares nothing gives
 * only `list` (or the same instance as both).
 */
export interface RevocationListInstances {
  /** The instance the suite writes through. */
  list: RevocationList
  /**
   * A second instance on the same backend, the suite checks what it learns from `list`.
   * Default: `list` itself.
   */
  peer?: RevocationList
  /**
   * Opens one more instance on the same backend, as a process started later would, to
   * check that state is loaded on `ready()` and not only learnt from events. Default: none,
   * and the suite checks `peer` instead.
   */
  open?: () => RevocationList | Promise<RevocationList>
}

/**
 * Builds what one test runs against. Called before every test, and every call must start
 * from an empty backend (a new instance, or a new namespace on a shared server): global
 * epochs written by one test would otherwise revoke the subjects of the next.
 */
export type RevocationListFactory = () => RevocationListInstances | Promise<RevocationListInstances>

/** Options of {@link revocationListConformance}. */
export interface RevocationListConformanceOptions {
  /**
   * How long the suite waits for an event to reach an instance before failing, in ms.
   * Default `5_000`. Events are awaited, never polled for.
   */
  eventTimeout?: number
  /**
   * The clock the lists were built with (their `now`), epoch ms: the suite passes its readings
   * to `isRevoked` as `at`. Default `Date.now`.
   */
  now?: () => number
  /**
   * The lists' `maxStaleness` in ms, when their mirror of a shared backend can go stale. The
   * suite then checks that a reading of the clock more than this after the present fails
   * closed (`UnavailableError`) however fresh the mirror looks, since no contact can have
   * confirmed that moment. Default: none, and such a reading may either answer correctly or
   * fail closed.
   */
  maxStaleness?: number
}

/**
 * Registers a vitest `describe` block checking that a {@link RevocationList} keeps the
 * contract Keyward relies on: revocation by id, owner and global epochs (an epoch at or
 * after a subject's `createdAt` revokes it; later subjects are unaffected; an earlier
 * epoch never lifts a later one), a synchronous `isRevoked` that honours the caller's clock
 * reading `at`, a shared clock `time()` when there is one, events delivered to every
 * instance's subscribers after its mirror has changed, `unsubscribe`, `ready` and `close`;
 * and suspensions (`suspend`, `resume`, `isSuspended`: on every instance at once, kept in
 * storage for lists opened later, pruned only once the key has expired, failing closed like
 * `isRevoked`, and never lifting a revocation).
 *
 * The suite calls `ready()` on every instance before using it and `close()` after each
 * test; `close()` must be harmless when called again. `vitest` must be installed (an optional peer dependency of `@keyward/core`).
 *
 * @example
 * ```ts
 * import { revocationListConformance } from '@keyward/core/testing'
 * revocationListConformance('MyList', () => ({ list: new MyList() }))
 * ```
 */
export function revocationListConformance(
  name: string,
  factory: RevocationListFactory,
  options: RevocationListConformanceOptions = {},
): void {
  const eventTimeout = options.eventTimeout ?? 5_000
  const now = options.now ?? Date.now
  const { maxStaleness } = options

  describe(`RevocationList conformance: ${name}`, () => {
    let instances: RevocationListInstances
    let list: RevocationList
    let peer: RevocationList
    const opened = new Set<RevocationList>()

    const open = async (): Promise<RevocationList> => {
      if (!instances.open) return peer
      const late = await instances.open()
      opened.add(late)
      await late.ready()
      return late
    }

    /**
     * Resolves with the first event on `target` that `matches`, and with what `probe`
     * answered at that moment (so mirrors can be checked as listeners see them).
     */
    const nextEvent = <T>(
      target: RevocationList,
      matches: (event: RevocationEvent) => boolean,
      probe: () => T,
    ): Promise<{ event: RevocationEvent; probed: T }> => {
      let stop = () => {}
      const delivered = new Promise<{ event: RevocationEvent; probed: T }>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching event arrived within ${eventTimeout} ms`)),
          eventTimeout,
        )
        const unsubscribe = target.subscribe((event) => {
          if (!matches(event)) return
          try {
            resolve({ event, probed: probe() })
          } catch (error) {
            reject(error)
          }
        })
        stop = () => {
          clearTimeout(timer)
          unsubscribe()
        }
      })
      return delivered.finally(stop)
    }

    const subject = (overrides: Partial<RevocationSubject> = {}): RevocationSubject => ({
      id: `key_${uniqueSuffix()}`,
      ownerId: sampleOwnerId(),
      createdAt: 1_700_000_000_000,
      ...overrides,
    })
    const expiresAt = () => Date.now() + 3_600_000

    beforeEach(async () => {
      instances = await factory()
      list = instances.list
      peer = instances.peer ?? instances.list
      await list.ready()
      await peer.ready()
    })

    afterEach(async () => {
      const all = new Set([list, peer, ...opened])
      opened.clear()
      for (const instance of all) await instance.close()
    })

    it('starts with nothing revoked, answering isRevoked synchronously', () => {
      const answer = list.isRevoked(subject())
      expect(answer).toBe(false)
      expect(peer.isRevoked(subject())).toBe(false)
    })

    it('rejects a write whose arguments it could not read back with a TypeError naming them, and changes nothing', async () => {
      const target = subject()
      await expect(list.revoke('', expiresAt())).rejects.toThrow(/^id must/)
      await expect(list.revoke(target.id, Number.NaN)).rejects.toThrow(/^expiresAt must/)
      await expect(list.revoke(target.id, 1.5)).rejects.toThrow(TypeError)
      await expect(list.revokeOwner('', Date.now())).rejects.toThrow(/^ownerId must/)
      await expect(list.revokeOwner(target.ownerId, Number.POSITIVE_INFINITY)).rejects.toThrow(
        /^at must/,
      )
      await expect(list.revokeAll(-1)).rejects.toThrow(/^at must/)
      expect(list.isRevoked(target)).toBe(false)
      expect(peer.isRevoked(target)).toBe(false)
    })

    it('revokes one key id on every instance, and no other', async () => {
      const target = subject()
      const bystander = subject({ ownerId: target.ownerId })
      const seen = nextEvent(
        peer,
        (e) => e.type === 'revoked' && e.id === target.id,
        () => peer.isRevoked(target),
      )
      await list.revoke(target.id, expiresAt())

      const { event, probed } = await seen
      expect(event).toEqual({ type: 'revoked', id: target.id })
      expect(probed).toBe(true)
      expect(list.isRevoked(target)).toBe(true)
      expect(list.isRevoked({ ...target, createdAt: Date.now() + 60_000 })).toBe(true)
      expect(list.isRevoked(bystander)).toBe(false)
      expect(peer.isRevoked(bystander)).toBe(false)
    })

    it('accepts revoking the same key twice', async () => {
      const target = subject()
      await list.revoke(target.id, expiresAt())
      await list.revoke(target.id, expiresAt() + 1_000)
      expect(list.isRevoked(target)).toBe(true)
    })

    it("revokes an owner's keys created at or before the epoch, and no later ones", async () => {
      const ownerId = sampleOwnerId()
      const at = 1_700_000_000_000
      const seen = nextEvent(
        peer,
        (e) => e.type === 'revoked_owner' && e.ownerId === ownerId,
        () => peer.isRevoked(subject({ ownerId, createdAt: at })),
      )
      await list.revokeOwner(ownerId, at)

      const { event, probed } = await seen
      expect(event).toEqual({ type: 'revoked_owner', ownerId, at })
      expect(probed).toBe(true)
      for (const instance of [list, peer]) {
        expect(instance.isRevoked(subject({ ownerId, createdAt: at - 86_400_000 }))).toBe(true)
        expect(instance.isRevoked(subject({ ownerId, createdAt: at }))).toBe(true)
        expect(instance.isRevoked(subject({ ownerId, createdAt: at + 1 }))).toBe(false)
        expect(instance.isRevoked(subject({ createdAt: at - 1 }))).toBe(false)
      }
    })

    it('never lets an earlier owner epoch lift a later one', async () => {
      const ownerId = sampleOwnerId()
      await list.revokeOwner(ownerId, 2_000)
      const seen = nextEvent(
        peer,
        (e) => e.type === 'revoked_owner' && e.at === 1_000,
        () => null,
      )
      await list.revokeOwner(ownerId, 1_000)
      await seen
      for (const instance of [list, peer]) {
        expect(instance.isRevoked(subject({ ownerId, createdAt: 1_500 }))).toBe(true)
        expect(instance.isRevoked(subject({ ownerId, createdAt: 2_000 }))).toBe(true)
        expect(instance.isRevoked(subject({ ownerId, createdAt: 2_001 }))).toBe(false)
      }
    })

    it('revokes every key created at or before the global epoch, and no later ones', async () => {
      const at = 1_700_000_000_000
      const seen = nextEvent(
        peer,
        (e) => e.type === 'revoked_all',
        () => peer.isRevoked(subject({ createdAt: at })),
      )
      await list.revokeAll(at)

      const { event, probed } = await seen
      expect(event).toEqual({ type: 'revoked_all', at })
      expect(probed).toBe(true)
      for (const instance of [list, peer]) {
        expect(instance.isRevoked(subject({ createdAt: at - 1 }))).toBe(true)
        expect(instance.isRevoked(subject({ createdAt: at }))).toBe(true)
        expect(instance.isRevoked(subject({ createdAt: at + 1 }))).toBe(false)
      }
    })

    it('never lets an earlier global epoch lift a later one', async () => {
      await list.revokeAll(2_000)
      const seen = nextEvent(
        peer,
        (e) => e.type === 'revoked_all' && e.at === 1_000,
        () => null,
      )
      await list.revokeAll(1_000)
      await seen
      for (const instance of [list, peer]) {
        expect(instance.isRevoked(subject({ createdAt: 1_500 }))).toBe(true)
        expect(instance.isRevoked(subject({ createdAt: 2_001 }))).toBe(false)
      }
    })

    it('combines id, owner and global revocation', async () => {
      const ownerId = sampleOwnerId()
      const byId = subject({ ownerId, createdAt: 5_000 })
      await list.revoke(byId.id, expiresAt())
      await list.revokeOwner(ownerId, 4_000)
      const seen = nextEvent(
        peer,
        (e) => e.type === 'revoked_all',
        () => null,
      )
      await list.revokeAll(3_000)
      await seen
      for (const instance of [list, peer]) {
        expect(instance.isRevoked(byId)).toBe(true)
        expect(instance.isRevoked(subject({ ownerId, createdAt: 4_000 }))).toBe(true)
        expect(instance.isRevoked(subject({ ownerId, createdAt: 4_001 }))).toBe(false)
        expect(instance.isRevoked(subject({ createdAt: 3_000 }))).toBe(true)
        expect(instance.isRevoked(subject({ createdAt: 3_001 }))).toBe(false)
      }
    })

    it('delivers updated events from publishUpdate to every instance, revoking nothing', async () => {
      const target = subject()
      const local = nextEvent(
        list,
        (e) => e.type === 'updated' && e.id === target.id,
        () => null,
      )
      const remote = nextEvent(
        peer,
        (e) => e.type === 'updated' && e.id === target.id,
        () => null,
      )
      expect(
        list.publishUpdate,
        'publishUpdate is optional for createKeyward, but a conforming list shares updates',
      ).toBeTypeOf('function')
      await list.publishUpdate!(target.id)
      expect((await local).event).toEqual({ type: 'updated', id: target.id })
      expect((await remote).event).toEqual({ type: 'updated', id: target.id })
      expect(list.isRevoked(target)).toBe(false)
      expect(peer.isRevoked(target)).toBe(false)
    })

    it('delivers each of its own writes to its own subscribers', async () => {
      const target = subject()
      const ownerId = sampleOwnerId()
      const events: RevocationEvent[] = []
      const stop = list.subscribe((event) => events.push(event))
      const last = nextEvent(
        list,
        (e) => e.type === 'revoked_all',
        () => null,
      )
      await list.revoke(target.id, expiresAt())
      await list.publishUpdate?.(target.id)
      await list.revokeOwner(ownerId, 1_000)
      await list.revokeAll(500)
      await last
      stop()
      expect(events).toEqual(
        expect.arrayContaining([
          { type: 'revoked', id: target.id },
          { type: 'updated', id: target.id },
          { type: 'revoked_owner', ownerId, at: 1_000 },
          { type: 'revoked_all', at: 500 },
        ]),
      )
    })

    it('stops delivering to a listener once unsubscribed, and only to that one', async () => {
      const dropped: RevocationEvent[] = []
      const unsubscribe = peer.subscribe((event) => dropped.push(event))
      const first = subject()
      const second = subject()

      const firstSeen = nextEvent(
        peer,
        (e) => e.type === 'revoked' && e.id === first.id,
        () => null,
      )
      await list.revoke(first.id, expiresAt())
      await firstSeen
      expect(dropped).toContainEqual({ type: 'revoked', id: first.id })

      unsubscribe()
      unsubscribe()
      const secondSeen = nextEvent(
        peer,
        (e) => e.type === 'revoked' && e.id === second.id,
        () => null,
      )
      await list.revoke(second.id, expiresAt())
      await secondSeen
      expect(dropped).not.toContainEqual({ type: 'revoked', id: second.id })
    })

    it('reads its shared clock, when it has one, as a safe integer of epoch ms', async (context) => {
      if (list.time === undefined) context.skip()
      for (const instance of [list, peer]) {
        const time = await instance.time!()
        expect(Number.isSafeInteger(time), `time() resolved to ${time}`).toBe(true)
        expect(time).toBeGreaterThan(0)
      }
    })

    it("answers the same for the caller's clock reading, now or earlier, as without one", async () => {
      const ownerId = sampleOwnerId()
      const byId = subject({ createdAt: 9_000 })
      await list.revoke(byId.id, expiresAt())
      await list.revokeOwner(ownerId, 8_000)
      const seen = nextEvent(
        peer,
        (e) => e.type === 'revoked_all' && e.at === 2_000,
        () => null,
      )
      await list.revokeAll(2_000)
      await seen
      const cases: [RevocationSubject, boolean][] = [
        [byId, true],
        [subject({ ownerId, createdAt: 8_000 }), true],
        [subject({ ownerId, createdAt: 8_001 }), false],
        [subject({ createdAt: 2_000 }), true],
        [subject({ createdAt: 2_001 }), false],
      ]
      for (const instance of [list, peer]) {
        for (const [probe, revoked] of cases) {
          expect(instance.isRevoked(probe)).toBe(revoked)
          expect(instance.isRevoked(probe, now())).toBe(revoked)
          expect(instance.isRevoked(probe, now() - 60_000)).toBe(revoked)
        }
      }
    })

    it('never answers wrongly for a reading of the clock no contact has covered yet', async () => {
      const target = subject()
      const seen = nextEvent(
        peer,
        (e) => e.type === 'revoked' && e.id === target.id,
        () => null,
      )
      await list.revoke(target.id, expiresAt())
      await seen
      const outcome = (instance: RevocationList, probe: RevocationSubject, at: number) => {
        try {
          return instance.isRevoked(probe, at)
        } catch (error) {
          return error
        }
      }
      for (const instance of [list, peer]) {
        if (maxStaleness === undefined) {
          // A list that cannot go stale answers; one that can fails closed. Nothing else.
          const later = now() + 86_400_000
          for (const [probe, revoked] of [
            [target, true],
            [subject(), false],
          ] as const) {
            const answer = outcome(instance, probe, later)
            if (typeof answer !== 'boolean') expect(answer).toMatchObject({ code: 'unavailable' })
            else expect(answer).toBe(revoked)
          }
        } else {
          expect(instance.isRevoked(target, now())).toBe(true)
          expect(outcome(instance, target, now() + maxStaleness + 1)).toMatchObject({
            code: 'unavailable',
          })
          expect(outcome(instance, subject(), now() + maxStaleness + 1)).toMatchObject({
            code: 'unavailable',
          })
        }
      }
    })

    it('loads existing state on ready, not only from events', async () => {
      const ownerId = sampleOwnerId()
      const byId = subject({ createdAt: 9_000 })
      await list.revoke(byId.id, expiresAt())
      await list.revokeOwner(ownerId, 8_000)
      await list.revokeAll(2_000)

      const late = await open()
      expect(late.isRevoked(byId)).toBe(true)
      expect(late.isRevoked(subject({ ownerId, createdAt: 8_000 }))).toBe(true)
      expect(late.isRevoked(subject({ ownerId, createdAt: 8_001 }))).toBe(false)
      expect(late.isRevoked(subject({ createdAt: 2_000 }))).toBe(true)
      expect(late.isRevoked(subject({ createdAt: 2_001 }))).toBe(false)
    })

    it('prunes only ids of keys expired by now: a list opened later still refuses a key that expires sooner', async () => {
      const sooner = subject()
      const later = subject()
      await list.revoke(sooner.id, now() + 3_600_000)
      // The second write prunes what has expired; the first id has not.
      await list.revoke(later.id, now() + 7_200_000)
      const late = await open()
      expect(late.isRevoked(sooner)).toBe(true)
      expect(late.isRevoked(later)).toBe(true)
    })

    it('keeps the later owner and global epochs in storage when an earlier one is written after', async () => {
      const ownerId = sampleOwnerId()
      await list.revokeOwner(ownerId, 20_000)
      await list.revokeOwner(ownerId, 10_000)
      await list.revokeAll(2_000)
      await list.revokeAll(1_000)
      const late = await open()
      expect(late.isRevoked(subject({ ownerId, createdAt: 15_000 }))).toBe(true)
      expect(late.isRevoked(subject({ ownerId, createdAt: 20_001 }))).toBe(false)
      expect(late.isRevoked(subject({ createdAt: 1_500 }))).toBe(true)
      expect(late.isRevoked(subject({ createdAt: 2_001 }))).toBe(false)
    })

    /** The optional suspension methods, which every conforming list offers. */
    const suspensions = (instance: RevocationList) => {
      expect(
        [instance.suspend, instance.resume, instance.isSuspended].map((method) => typeof method),
        'suspend, resume and isSuspended are optional for createKeyward, but a conforming list has them',
      ).toEqual(['function', 'function', 'function'])
      return instance as RevocationList &
        Required<Pick<RevocationList, 'suspend' | 'resume' | 'isSuspended'>>
    }

    it('suspends one key id on every instance, and no other, revoking nothing', async () => {
      const target = subject()
      const bystander = subject({ ownerId: target.ownerId })
      const local = nextEvent(
        list,
        (e) => e.type === 'suspended' && e.id === target.id,
        () => suspensions(list).isSuspended(target.id),
      )
      const remote = nextEvent(
        peer,
        (e) => e.type === 'suspended' && e.id === target.id,
        () => suspensions(peer).isSuspended(target.id, now()),
      )
      expect(suspensions(list).isSuspended(target.id)).toBe(false)
      await suspensions(list).suspend(target.id, expiresAt())

      expect(await local).toEqual({ event: { type: 'suspended', id: target.id }, probed: true })
      expect(await remote).toEqual({ event: { type: 'suspended', id: target.id }, probed: true })
      for (const instance of [list, peer]) {
        expect(suspensions(instance).isSuspended(target.id)).toBe(true)
        expect(suspensions(instance).isSuspended(bystander.id)).toBe(false)
        expect(instance.isRevoked(target)).toBe(false)
      }
    })

    it('resumes a suspended key on every instance', async () => {
      const target = subject()
      const suspended = nextEvent(
        peer,
        (e) => e.type === 'suspended' && e.id === target.id,
        () => null,
      )
      await suspensions(list).suspend(target.id, expiresAt())
      await suspended
      const resumed = nextEvent(
        peer,
        (e) => e.type === 'resumed' && e.id === target.id,
        () => suspensions(peer).isSuspended(target.id),
      )
      await suspensions(list).resume(target.id)
      expect(await resumed).toEqual({ event: { type: 'resumed', id: target.id }, probed: false })
      expect(suspensions(list).isSuspended(target.id)).toBe(false)
      // Resuming a key that is not suspended is no error and changes nothing.
      await suspensions(list).resume(subject().id)
      // Suspended again after a resume, it is suspended again.
      const again = nextEvent(
        peer,
        (e) => e.type === 'suspended' && e.id === target.id,
        () => suspensions(peer).isSuspended(target.id),
      )
      await suspensions(list).suspend(target.id, expiresAt())
      expect((await again).probed).toBe(true)
    })

    it('rejects a suspension or resume whose arguments it could not read back, changing nothing', async () => {
      const target = subject()
      await expect(suspensions(list).suspend('', expiresAt())).rejects.toThrow(/^id must/)
      await expect(suspensions(list).suspend(target.id, Number.NaN)).rejects.toThrow(
        /^expiresAt must/,
      )
      await expect(suspensions(list).resume('')).rejects.toThrow(/^id must/)
      expect(suspensions(list).isSuspended(target.id)).toBe(false)
    })

    it('keeps suspensions in storage: a list opened later knows them, and not a resumed one', async () => {
      const kept = subject()
      const lifted = subject()
      await suspensions(list).suspend(kept.id, expiresAt())
      await suspensions(list).suspend(lifted.id, expiresAt())
      await suspensions(list).resume(lifted.id)
      const late = await open()
      await late.ready()
      expect(suspensions(late).isSuspended(kept.id)).toBe(true)
      expect(suspensions(late).isSuspended(lifted.id)).toBe(false)
    })

    it('prunes only suspensions of keys expired by now: a list opened later still knows live ones', async () => {
      const sooner = subject()
      const later = subject()
      await suspensions(list).suspend(sooner.id, now() + 3_600_000)
      await suspensions(list).suspend(later.id, now() + 7_200_000)
      await list.revoke(subject().id, now() + 3_600_000)
      const late = await open()
      expect(suspensions(late).isSuspended(sooner.id)).toBe(true)
      expect(suspensions(late).isSuspended(later.id)).toBe(true)
    })

    it('never lets a resume lift a revocation by id, owner epoch or global epoch', async () => {
      const byId = subject({ createdAt: 9_000 })
      const byOwner = subject({ createdAt: 8_000 })
      const byGlobal = subject({ createdAt: 1_000 })
      await list.revoke(byId.id, expiresAt())
      await list.revokeOwner(byOwner.ownerId, 8_000)
      await list.revokeAll(1_000)
      for (const target of [byId, byOwner, byGlobal]) {
        await suspensions(list).suspend(target.id, expiresAt())
      }
      const last = nextEvent(
        peer,
        (e) => e.type === 'resumed' && e.id === byGlobal.id,
        () => null,
      )
      for (const target of [byId, byOwner, byGlobal]) await suspensions(list).resume(target.id)
      await last
      const late = await open()
      for (const instance of [list, peer, late]) {
        for (const target of [byId, byOwner, byGlobal]) {
          expect(instance.isRevoked(target)).toBe(true)
          expect(suspensions(instance).isSuspended(target.id)).toBe(false)
        }
      }
    })

    it('fails closed on isSuspended exactly as on isRevoked for a reading no contact has covered', async () => {
      const target = subject()
      await suspensions(list).suspend(target.id, expiresAt())
      const outcome = (instance: RevocationList, at: number) => {
        try {
          return suspensions(instance).isSuspended(target.id, at)
        } catch (error) {
          return error
        }
      }
      expect(outcome(list, now())).toBe(true)
      if (maxStaleness === undefined) return
      expect(outcome(list, now() + maxStaleness + 1)).toMatchObject({ code: 'unavailable' })
      expect(outcome(peer, now() + maxStaleness + 1)).toMatchObject({ code: 'unavailable' })
    })

    it('resolves ready again once ready, and close twice', async () => {
      await expect(list.ready()).resolves.toBeUndefined()
      await expect(list.close()).resolves.toBeUndefined()
      await expect(list.close()).resolves.toBeUndefined()
    })
  })
}
