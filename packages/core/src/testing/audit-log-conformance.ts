import { describe, expect, it } from 'vitest'
import { encodeAuditCursor } from '../backends/audit-page.js'
import { InvalidArgumentError } from '../errors.js'
import { randomBase62 } from '../lib/base62.js'
import type { AuditEvent, AuditListOptions, AuditLog } from '../types.js'
import { sampleOwnerId } from './lib/sample.js'

/** What an audit log under test is built with: its retention (seconds) and its clock. */
export interface AuditLogFactoryOptions {
  retention: number
  now: () => number
}

/**
 * Builds the log one conformance test runs against. It may share a backend between tests:
 * the suite uses a fresh owner in each test and never assumes the log is empty.
 */
export type AuditLogFactory = (options: AuditLogFactoryOptions) => AuditLog | Promise<AuditLog>

const DAY = 86_400_000
/** The retention of the logs most cases use: long enough that nothing they write ages out. */
const LONG = 30 * 86_400

/** An event of `ownerId` at `at`, with a fresh id. */
function sampleEvent(ownerId: string, at: number, fields: Partial<AuditEvent> = {}): AuditEvent {
  return { id: `evt_${randomBase62(16)}`, at, type: 'updated', ownerId, ...fields }
}

/** Newest first, ties by id descending. */
const newestFirst = (a: AuditEvent, b: AuditEvent) => b.at - a.at || (a.id < b.id ? 1 : -1)
const ids = (events: readonly AuditEvent[]) => events.map((event) => event.id)

/** Every page of a query, followed to the end; each page's size, and every event in order. */
async function walk(
  log: AuditLog,
  options: AuditListOptions,
): Promise<{ sizes: number[]; events: AuditEvent[] }> {
  const sizes: number[] = []
  const events: AuditEvent[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 1_000; pages++) {
    const page = await log.list({ ...options, ...(cursor === undefined ? {} : { cursor }) })
    sizes.push(page.events.length)
    events.push(...page.events)
    if (page.nextCursor === null) return { sizes, events }
    cursor = page.nextCursor
  }
  throw new Error('the log kept answering cursors')
}

/**
 * Registers a vitest `describe` block checking that an {@link AuditLog} keeps the contract
 * Keyward relies on: events stored whole, pages newest first (ties by id) with cursors that
 * survive later appends, every filter (key, type, actor, time range), owner isolation,
 * forged cursors and bad options refused with 422 naming the field, and retention.
 *
 * @example
 * ```ts
 * import { auditLogConformance } from '@keyward/core/testing'
 * auditLogConformance('MyAuditLog', ({ retention, now }) => new MyAuditLog({ retention, now }))
 * ```
 */
export function auditLogConformance(name: string, factory: AuditLogFactory): void {
  describe(`AuditLog conformance: ${name}`, () => {
    const open = () => factory({ retention: LONG, now: Date.now })

    it('gives back an appended event whole, with its changes, data and origin', async () => {
      const log = await open()
      const ownerId = sampleOwnerId()
      const full = sampleEvent(ownerId, Date.now() - 1_000, {
        keyId: 'key_0123456789ABCDEF',
        actor: 'person:ada',
        changes: { name: { before: 'old', after: 'new' }, scopes: { after: ['a:b'] } },
        data: { reason: 'audit', revoked: true, days: 7 },
        clientIp: '2001:db8::1',
        userAgent: 'curl/8.5 (ünïcode)',
      })
      const minimal = sampleEvent(ownerId, Date.now() - 2_000, { type: 'revoked_all' })
      await log.append([full, minimal])
      expect(await log.list({ ownerId })).toStrictEqual({
        events: [full, minimal],
        nextCursor: null,
      })
      expect(await log.list({ ownerId: sampleOwnerId() })).toStrictEqual({
        events: [],
        nextCursor: null,
      })
    })

    it('pages newest first, ties by id descending, 50 by default, to a null cursor', async () => {
      const log = await open()
      const ownerId = sampleOwnerId()
      const base = Date.now() - DAY
      const events = Array.from({ length: 57 }, (_, i) =>
        sampleEvent(ownerId, base + Math.floor(i / 3) * 1_000),
      )
      await log.append(events)
      const first = await log.list({ ownerId })
      expect(first.events).toHaveLength(50)
      expect(first.nextCursor).not.toBeNull()
      const sorted = [...events].sort(newestFirst)
      expect(ids(first.events)).toEqual(ids(sorted.slice(0, 50)))
      const pages = await walk(log, { ownerId, limit: 7 })
      expect(ids(pages.events)).toEqual(ids(sorted))
      expect(pages.sizes.slice(0, -1).every((size) => size <= 7)).toBe(true)
    })

    it('keeps its place across later appends: nothing repeated, nothing skipped', async () => {
      const log = await open()
      const ownerId = sampleOwnerId()
      const base = Date.now() - DAY
      const older = Array.from({ length: 6 }, (_, i) => sampleEvent(ownerId, base + i))
      await log.append(older)
      const first = await log.list({ ownerId, limit: 3 })
      await log.append([sampleEvent(ownerId, base + 10), sampleEvent(ownerId, base + 2)])
      const rest = await walk(log, { ownerId, limit: 3, cursor: first.nextCursor! })
      const seen = [...ids(first.events), ...ids(rest.events)]
      expect(new Set(seen).size).toBe(seen.length)
      for (const event of older) expect(seen).toContain(event.id)
    })

    it('filters by key, type, actor and time range, each alone and together', async () => {
      const log = await open()
      const ownerId = sampleOwnerId()
      const base = Date.now() - DAY
      const keyA = 'key_AAAAAAAAAAAAAAAA'
      const keyB = 'key_BBBBBBBBBBBBBBBB'
      const events = Array.from({ length: 40 }, (_, i) =>
        sampleEvent(ownerId, base + i * 1_000, {
          keyId: i % 2 === 0 ? keyA : keyB,
          type: ['created', 'updated', 'revoked', 'expiring'][i % 4]!,
          actor: i % 5 === 0 ? 'policy' : `key:${keyA}`,
        }),
      )
      await log.append(events)
      const expectQuery = async (
        options: Omit<AuditListOptions, 'ownerId'>,
        keep: (event: AuditEvent) => boolean,
      ) => {
        const { events: found } = await walk(log, { ownerId, limit: 4, ...options })
        expect(ids(found)).toEqual(ids(events.filter(keep).sort(newestFirst)))
      }
      await expectQuery({ keyId: keyB }, (event) => event.keyId === keyB)
      await expectQuery({ type: 'expiring' }, (event) => event.type === 'expiring')
      await expectQuery({ actor: 'policy' }, (event) => event.actor === 'policy')
      await expectQuery(
        { from: base + 10_000, to: base + 20_000 },
        (event) => event.at >= base + 10_000 && event.at < base + 20_000,
      )
      await expectQuery(
        { keyId: keyA, type: 'created', actor: 'policy', from: base + 1 },
        (event) =>
          event.keyId === keyA &&
          event.type === 'created' &&
          event.actor === 'policy' &&
          event.at >= base + 1,
      )
      await expectQuery({ keyId: 'key_CCCCCCCCCCCCCCCC' }, () => false)
    })

    it("keeps owners apart: another owner's events and cursors show nothing of theirs", async () => {
      const log = await open()
      const mine = sampleOwnerId()
      const theirs = sampleOwnerId()
      const at = Date.now() - 5_000
      const keyId = 'key_SHAREDSHAREDSHAR'
      await log.append([
        sampleEvent(mine, at, { keyId }),
        sampleEvent(theirs, at + 1, { keyId }),
        sampleEvent(theirs, at + 2, { keyId }),
      ])
      const page = await log.list({ ownerId: mine, keyId })
      expect(page.events.map((event) => event.ownerId)).toEqual([mine])
      const theirCursor = (await log.list({ ownerId: theirs, limit: 1 })).nextCursor!
      const crossed = await walk(log, { ownerId: mine, cursor: theirCursor })
      expect(crossed.events.map((event) => event.ownerId)).toEqual([mine])
    })

    it('refuses forged cursors and bad options with 422 naming the field', async () => {
      const log = await open()
      const ownerId = sampleOwnerId()
      const refused = async (options: Record<string, unknown>, field: string) => {
        const error = await log.list({ ownerId, ...options } as AuditListOptions).then(
          () => undefined,
          (reason: unknown) => reason,
        )
        expect(error).toBeInstanceOf(InvalidArgumentError)
        expect(error).toMatchObject({ status: 422, field })
      }
      const valid = encodeAuditCursor({ at: 1, id: `evt_${randomBase62(16)}` })
      await refused({ cursor: 'not a cursor' }, 'cursor')
      await refused({ cursor: `${valid}A` }, 'cursor')
      await refused({ cursor: btoa('k1:1:key_AAAAAAAAAAAAAAAA').replace(/=+$/, '') }, 'cursor')
      await refused({ limit: 0 }, 'limit')
      await refused({ limit: 1.5 }, 'limit')
      await refused({ from: -1 }, 'from')
      await refused({ type: 'Not A Type' }, 'type')
      await refused({ ownerId: '' }, 'ownerId')
      expect(await log.list({ ownerId, cursor: valid })).toStrictEqual({
        events: [],
        nextCursor: null,
      })
    })

    it('neither lists nor keeps events older than its retention', async () => {
      let now = Date.now()
      const log = await factory({ retention: 3_600, now: () => now })
      const ownerId = sampleOwnerId()
      const old = sampleEvent(ownerId, now - 3_600_000 - 1)
      const edge = sampleEvent(ownerId, now - 3_000_000)
      const recent = sampleEvent(ownerId, now - 1_000)
      await log.append([old, edge, recent])
      expect(ids((await log.list({ ownerId })).events)).toEqual([recent.id, edge.id])
      now += 700_000
      await log.append([sampleEvent(sampleOwnerId(), now)])
      expect(ids((await log.list({ ownerId })).events)).toEqual([recent.id])
      // Even read with a clock turned back, an event pruned is gone.
      const laterLog = await factory({ retention: LONG, now: Date.now })
      const { events } = await laterLog.list({ ownerId })
      expect(ids(events)).not.toContain(old.id)
    })

    it('keeps an event appended again (same id and time) once, in the same or a later batch', async () => {
      const log = await open()
      const ownerId = sampleOwnerId()
      const event = { ...sampleEvent(ownerId, Date.now() - 1_000), keyId: 'key_0000000000000001' }
      await log.append([event, event])
      await log.append([event])
      // Acted on again, the same event may carry what changed meanwhile (a key renamed).
      await log.append([{ ...event, data: { note: 'the key was renamed meanwhile' } }])
      expect(ids((await log.list({ ownerId })).events)).toEqual([event.id])
      expect(ids((await log.list({ ownerId, keyId: event.keyId })).events)).toEqual([event.id])
    })

    it('takes a batch of hundreds of events in one append', async () => {
      const log = await open()
      const ownerId = sampleOwnerId()
      const base = Date.now() - DAY
      const events = Array.from({ length: 300 }, (_, i) => sampleEvent(ownerId, base + i))
      await log.append(events)
      const { events: found } = await walk(log, { ownerId, limit: 100 })
      expect(found).toHaveLength(300)
    })
  })
}
