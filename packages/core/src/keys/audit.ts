/**
 * The audit log's side of the lifecycle: a lifecycle event becomes an {@link AuditEvent}
 * (whatever its type), is buffered off the request path and appended in batches, and
 * `keyward.audit.list` reads it back.
 */
import {
  DEFAULT_AUDIT_PAGE_SIZE,
  EVERY_OWNER,
  MAX_AUDIT_PAGE_SIZE,
  resolveAuditQuery,
} from '../backends/audit-page.js'
import { InvalidArgumentError } from '../errors.js'
import { randomBase62 } from '../lib/base62.js'
import type {
  ApiKey,
  AuditEvent,
  AuditListOptions,
  AuditLog,
  AuditPage,
  KeyEvent,
} from '../types.js'
import { fromBackend } from '../unavailable.js'
import { assertObjectArgument, type Instant, parseInstant } from './input.js'

/** Where a change came from over HTTP, as the management API tells the lifecycle. */
export interface EventOrigin {
  clientIp?: string
  userAgent?: string
}

/** What `keyward.audit.list` takes. */
export interface AuditQuery {
  ownerId: string
  keyId?: string
  type?: string
  actor?: string
  /** Events at or after this instant. */
  from?: Instant
  /** Events before this instant. */
  to?: Instant
  /** Events per page, 1 to 100. Default 50. */
  limit?: number
  /** The `nextCursor` of the previous page. */
  cursor?: string
}

/** The fields of a key an audit event shows as its changes (never `hash`, which `ApiKey` lacks). */
const KEY_FIELDS = [
  'name',
  'scopes',
  'expiresAt',
  'metadata',
  'rateLimits',
  'credits',
  'allowedIps',
] as const
/** Event fields that are not `data`: they have their own place, or are never kept. */
const OWN_FIELDS = new Set(['type', 'at', 'actor', 'key', 'previous', 'keyId', 'ownerId'])
const SECRET_FIELDS = /^(token|hash|secret|pepper)$/i
const MAX_USER_AGENT = 256

/** A JSON copy of `value` (`undefined` stays absent). */
const plain = (value: unknown): unknown =>
  value === undefined ? undefined : JSON.parse(JSON.stringify(value))

/** The field changes of a key event: a new key's fields, or an update's before and after. */
function keyChanges(event: KeyEvent): AuditEvent['changes'] {
  const changes: NonNullable<AuditEvent['changes']> = {}
  if (event.type === 'created' || event.type === 'imported') {
    for (const field of KEY_FIELDS) {
      if (event.key[field] !== undefined) changes[field] = { after: plain(event.key[field]) }
    }
  } else if (event.type === 'updated') {
    for (const field of event.changes) {
      const name = field as keyof ApiKey
      changes[field] = { before: plain(event.previous?.[name]), after: plain(event.key[name]) }
    }
  } else if (event.type === 'rotated') {
    // The rotated key keeps its id in the log; its end moves to the grace deadline.
    changes.expiresAt = { before: event.key.expiresAt, after: event.previousExpiresAt }
  } else return undefined
  // Stryker disable next-line ConditionalExpression: never empty here (a new key has a name, scopes and an end; an update refuses an empty patch; a rotation moves the end)
  return Object.keys(changes).length === 0 ? undefined : changes
}

/** The event's other plain fields (strings, numbers, booleans, lists of them); never a secret. */
function otherFields(event: Record<string, unknown>): Record<string, unknown> | undefined {
  const data: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(event)) {
    if (OWN_FIELDS.has(field) || SECRET_FIELDS.test(field) || field === 'changes') continue
    const scalar = (item: unknown) => ['string', 'number', 'boolean'].includes(typeof item)
    if (scalar(value) || (Array.isArray(value) && value.every(scalar))) data[field] = value
  }
  return Object.keys(data).length === 0 ? undefined : data
}

/**
 * The audit entry of a lifecycle event, of any type: its owner and key from `ownerId` /
 * `keyId` or its `key`, the changed fields for the key events that change fields, its other
 * plain fields as `data`, and where it came from over HTTP.
 */
export function auditEventOf(
  event: KeyEvent,
  origin: EventOrigin | undefined,
  id: string = `evt_${randomBase62(16)}`,
): AuditEvent {
  const fields = event as unknown as Record<string, unknown>
  const key = fields.key as ApiKey | undefined
  const ownerId = (fields.ownerId as string | undefined) ?? key?.ownerId ?? EVERY_OWNER
  const keyId =
    event.type === 'rotated' ? event.previousId : ((fields.keyId as string | undefined) ?? key?.id)
  const data = otherFields(fields)
  if (event.type === 'rotated') {
    // The rotated key is `keyId`, and its new end is in `changes`.
    delete data?.previousId
    delete data?.previousExpiresAt
  }
  const record: AuditEvent = {
    id,
    at: event.at,
    type: event.type,
    ownerId,
  }
  if (keyId !== undefined) record.keyId = keyId
  if (typeof fields.actor === 'string') record.actor = fields.actor
  const changes = keyChanges(event)
  if (changes !== undefined) record.changes = changes
  if (event.type === 'rotated') record.data = { ...data, successorId: event.key.id }
  else if (data !== undefined) record.data = data
  if (origin?.clientIp !== undefined) record.clientIp = origin.clientIp
  if (origin?.userAgent !== undefined) record.userAgent = origin.userAgent.slice(0, MAX_USER_AGENT)
  return record
}

/** Options of the recorder, from `createKeyward`'s `audit` option, resolved. */
export interface AuditRecorderConfig {
  readonly log: AuditLog
  /** How long an event may wait in the buffer, in ms. */
  readonly flushInterval: number
  readonly onError: (error: unknown) => void
}

/** Buffers audit events and appends them in batches, off the request path. */
export interface AuditRecorder {
  /** Buffers one event; the next flush (within `flushInterval`) appends it. */
  record(event: AuditEvent): void
  /**
   * Appends everything buffered now; resolves once it is stored (`true`) or failed and kept
   * for the next flush (`false`).
   */
  flush(): Promise<boolean>
  /** Flushes, and stops the timer. */
  close(): Promise<boolean>
}

/** Events kept for a later flush while the log fails; beyond this the oldest are dropped. */
const MAX_BUFFERED = 100_000

/**
 * The recorder: one timer armed when the buffer stops being empty, one append per flush, one
 * flush at a time. A failed append keeps its events for the next flush and tells `onError`.
 */
export function createAuditRecorder(config: AuditRecorderConfig): AuditRecorder {
  let buffer: AuditEvent[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  // Stryker disable next-line BooleanLiteral: only a chain's start; each flush resolves what its own append returns
  let running: Promise<boolean> = Promise.resolve(true)
  // While the log keeps failing (an outage), only the first failure is reported.
  let failing = false

  const appendBuffered = async (): Promise<boolean> => {
    if (buffer.length === 0) return true
    const batch = buffer
    buffer = []
    try {
      await config.log.append(batch)
      failing = false
      return true
    } catch (error) {
      // Kept for the next flush, in order, ahead of what was recorded meanwhile.
      buffer = batch.concat(buffer).slice(-MAX_BUFFERED)
      if (!failing) config.onError(error)
      failing = true
      return false
    }
  }
  const flush = (): Promise<boolean> => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    running = running.then(appendBuffered)
    return running
  }
  const arm = () => {
    if (timer !== undefined) return
    timer = setTimeout(() => {
      timer = undefined
      void flush().then(() => buffer.length > 0 && arm())
    }, config.flushInterval)
    // A pending flush never keeps a process alive: `close()` flushes what is left.
    ;(timer as { unref?: () => void }).unref?.()
  }
  return {
    record(event) {
      buffer.push(event)
      arm()
    },
    flush,
    close: flush,
  }
}

/**
 * `keyward.audit.list`: one page of an owner's audit events, newest first. A bad option is
 * `InvalidArgumentError` naming it (422); a forged cursor is one too.
 */
export async function listAuditEvents(log: AuditLog, query: AuditQuery): Promise<AuditPage> {
  assertObjectArgument(query, 'options')
  const { from, to, limit = DEFAULT_AUDIT_PAGE_SIZE } = query
  const options: AuditListOptions = { ownerId: query.ownerId, limit }
  for (const field of ['keyId', 'type', 'actor', 'cursor'] as const) {
    if (query[field] !== undefined) options[field] = query[field]
  }
  if (from !== undefined) options.from = parseInstant(from, 'from')
  if (to !== undefined) options.to = parseInstant(to, 'to')
  // Checked here too, so a log that checks less still never sees a bad query.
  resolveAuditQuery(options, MAX_AUDIT_PAGE_SIZE)
  if (options.from !== undefined && options.to !== undefined && options.from >= options.to) {
    throw new InvalidArgumentError('to', 'to must be after from.')
  }
  return fromBackend(() => log.list(options), 'The audit log is unavailable.')
}
