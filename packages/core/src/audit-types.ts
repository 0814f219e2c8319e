// The audit log's vocabulary (issue 24), re-exported by types.ts beside the other ports.

/**
 * One entry of the audit log: a lifecycle event as it is kept. Never holds a token or a hash.
 * `type` is the event's (`created`, `revoked`, … and any type the emitter carries later).
 */
export interface AuditEvent {
  /** `evt_` + 16 base62 characters. */
  id: string
  /** When the change was made, epoch ms. */
  at: number
  type: string
  /** The owner whose keys it concerns; `'*'` for a revoke-all of every owner. */
  ownerId: string
  /** The key it concerns; absent for an owner-wide event (a revoke-all). */
  keyId?: string
  /** Who acted (`'key:<id>'`, a person's `actor`, `'policy'`); absent when the call did not say. */
  actor?: string
  /** The fields the change touched, as they were and as they became (JSON values). */
  changes?: Record<string, { before?: unknown; after?: unknown }>
  /** The event's other plain fields (a rotation's `successorId`, a suspension's `reason`, …). */
  data?: Record<string, unknown>
  /** The HTTP client's address, when the change came through the management API. */
  clientIp?: string
  /** The HTTP client's `User-Agent`, at most 256 characters, when it came over HTTP. */
  userAgent?: string
}

/** What {@link AuditLog.list} and `keyward.audit.list` take: one owner's events, filtered, a page. */
export interface AuditListOptions {
  ownerId: string
  /** Only events of this key. */
  keyId?: string
  /** Only events of this type. */
  type?: string
  /** Only events by this actor. */
  actor?: string
  /** Only events at or after this instant, epoch ms. */
  from?: number
  /** Only events before this instant, epoch ms. */
  to?: number
  /** Events per page, 1 to 100 (a log accepts up to 1 000). Default 50. */
  limit?: number
  /** The `nextCursor` of the previous page. */
  cursor?: string
}

/** One page of the audit log, newest first (ties by id, descending). */
export interface AuditPage {
  events: AuditEvent[]
  /** Pass it as `cursor` for the next page; `null` when there is none. */
  nextCursor: string | null
}

/**
 * Where audit events are kept (`MemoryAuditLog`, `RedisAuditLog`, `PostgresAuditLog`). Keyward
 * appends batches off the request path; `list` answers one owner's events newest first. A
 * page may hold fewer than `limit` events while `nextCursor` is not `null`.
 */
export interface AuditLog {
  /** Stores `events` (one backend write for the batch). */
  append(events: readonly AuditEvent[]): Promise<void>
  /** One page of an owner's events; options as `resolveAuditQuery` reads them (422 on bad ones). */
  list(options: AuditListOptions): Promise<AuditPage>
}
