import { assertObject, nowOption, positiveIntegerOption } from '../lib/options.js'
import type { AuditEvent, AuditListOptions, AuditLog, AuditPage } from '../types.js'
import {
  auditComesAfter,
  auditNewestFirst,
  auditPageOf,
  auditRetentionOption,
  matchesAuditQuery,
  resolveAuditQuery,
  withinRetention,
} from './audit-page.js'

/** Options of {@link MemoryAuditLog}. Invalid values throw `TypeError('<option> must be …')`. */
export interface MemoryAuditLogOptions {
  /** How long an event is kept: seconds or a duration string. Default `'90d'`. */
  retention?: number | string
  /** Most events kept per owner; the oldest go first. Default `10_000`. */
  maxEventsPerOwner?: number
  /** The clock retention is judged by, epoch ms. Default `Date.now`. */
  now?: () => number
}

/**
 * The embedded {@link AuditLog}: events in process memory, per owner, lost on restart and
 * not shared between processes (use `RedisAuditLog` or `PostgresAuditLog` for that). Bounded
 * by `retention` and `maxEventsPerOwner`. Events are copied in and out.
 */
export class MemoryAuditLog implements AuditLog {
  readonly #owners = new Map<string, AuditEvent[]>()
  readonly #retention: number
  readonly #max: number
  readonly #now: () => number

  constructor(options: MemoryAuditLogOptions = {}) {
    assertObject(options)
    this.#retention = auditRetentionOption(options.retention)
    this.#max = positiveIntegerOption(options.maxEventsPerOwner, 'maxEventsPerOwner', 10_000)
    this.#now = nowOption(options.now ?? Date.now)
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    const cutoff = this.#now() - this.#retention
    const touched = new Set<string>()
    for (const event of events) {
      const list = this.#owners.get(event.ownerId) ?? []
      // An event appended again (a policy's action repeated after a crash) is kept once.
      if (list.some((kept) => kept.id === event.id)) continue
      list.push(structuredClone(event))
      this.#owners.set(event.ownerId, list)
      touched.add(event.ownerId)
    }
    for (const ownerId of touched) {
      // Kept newest first, so a page reads from the front and the oldest fall off the end.
      const kept = this.#owners
        .get(ownerId)!
        .filter((event) => event.at >= cutoff)
        .sort(auditNewestFirst)
        .slice(0, this.#max)
      if (kept.length === 0) this.#owners.delete(ownerId)
      else this.#owners.set(ownerId, kept)
    }
  }

  async list(options: AuditListOptions): Promise<AuditPage> {
    const query = withinRetention(resolveAuditQuery(options), this.#now(), this.#retention)
    const found: AuditEvent[] = []
    for (const event of this.#owners.get(query.ownerId) ?? []) {
      if (!auditComesAfter(event, query.after) || !matchesAuditQuery(event, query)) continue
      found.push(structuredClone(event))
      if (found.length > query.limit) break
    }
    return auditPageOf(found, query.limit)
  }
}
