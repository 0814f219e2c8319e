/**
 * What every `AuditLog` shares to answer `list` the same way: the options checked and
 * resolved once, the cursor (its encoding and its strict reading), the order, the filter, and
 * the retention option.
 */
import { configDuration } from '../duration.js'
import { InvalidArgumentError } from '../errors.js'
import type { AuditEvent, AuditListOptions } from '../types.js'
import { cursorText, opaqueCursor } from './key-page.js'

/** The page size when none is given. */
export const DEFAULT_AUDIT_PAGE_SIZE = 50
/** The largest page `keyward.audit.list` and the route give. */
export const MAX_AUDIT_PAGE_SIZE = 100
/** The largest page a log gives. */
export const MAX_AUDIT_LOG_PAGE_SIZE = 1_000
/** How long the shipped logs keep an event when not told: 90 days, in ms. */
export const DEFAULT_AUDIT_RETENTION = 90 * 86_400_000
/** The `ownerId` of an event that concerns every owner (a global revoke-all). */
export const EVERY_OWNER = '*'

/** A place in an owner's log: the last event of a page. */
export interface AuditPosition {
  readonly at: number
  readonly id: string
}

/** {@link AuditListOptions} checked and resolved, as a log works with them. */
export interface ResolvedAuditQuery {
  readonly ownerId: string
  readonly keyId: string | undefined
  readonly type: string | undefined
  readonly actor: string | undefined
  /** Inclusive lower bound, epoch ms (0 when none). */
  readonly from: number
  /** Exclusive upper bound, epoch ms (`Number.MAX_SAFE_INTEGER` when none). */
  readonly to: number
  readonly limit: number
  /** Only events after this position (in newest-first order). */
  readonly after: AuditPosition | undefined
}

const CURSOR_PATTERN = /^a1:(0|[1-9][0-9]{0,15}):(evt_[0-9A-Za-z]{16})$/

/** The opaque cursor of `position`: base64url of a versioned `at` and event id. */
export function encodeAuditCursor(position: AuditPosition): string {
  return opaqueCursor(`a1:${position.at}:${position.id}`)
}

/**
 * The position a cursor encodes. Strict: anything {@link encodeAuditCursor} did not write
 * throws `InvalidArgumentError('cursor')` (422). A well-formed cursor naming a position no
 * page ended at is harmless: it is only a place in the order, inside the caller's own owner.
 */
export function decodeAuditCursor(cursor: unknown): AuditPosition {
  const invalid = () =>
    new InvalidArgumentError('cursor', 'cursor must be a nextCursor from a previous page.')
  const text = cursorText(cursor, 100)
  if (text === undefined) throw invalid()
  const match = CURSOR_PATTERN.exec(text)
  if (match === null) throw invalid()
  const position = { at: Number(match[1]), id: match[2]! }
  if (!Number.isSafeInteger(position.at) || encodeAuditCursor(position) !== cursor) throw invalid()
  return position
}

/** Newest first, ties by id descending: the order of every page. */
export function auditNewestFirst(a: AuditPosition, b: AuditPosition): number {
  if (a.at !== b.at) return b.at - a.at
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** Whether `event` comes after `position` in newest-first order. */
export function auditComesAfter(
  event: AuditPosition,
  position: AuditPosition | undefined,
): boolean {
  if (position === undefined) return true
  return event.at < position.at || (event.at === position.at && event.id < position.id)
}

/** Whether `event` is one the query asks for (owner, filters, time range; not the cursor). */
export function matchesAuditQuery(event: AuditEvent, query: ResolvedAuditQuery): boolean {
  return (
    event.ownerId === query.ownerId &&
    event.at >= query.from &&
    event.at < query.to &&
    (query.keyId === undefined || event.keyId === query.keyId) &&
    (query.type === undefined || event.type === query.type) &&
    (query.actor === undefined || event.actor === query.actor)
  )
}

const TYPE_PATTERN = /^[a-z][a-z0-9_.]{0,63}$/
const MAX_FILTER_LENGTH = 256

/** A filter of text: a non-empty string of at most 256 characters, or 422 naming it. */
function textFilter(value: unknown, field: string, pattern?: RegExp): string | undefined {
  if (value === undefined) return undefined
  if (
    typeof value !== 'string' ||
    value === '' ||
    value.length > MAX_FILTER_LENGTH ||
    (pattern !== undefined && !pattern.test(value))
  ) {
    throw new InvalidArgumentError(
      field,
      pattern === undefined
        ? `${field} must be a non-empty string of at most ${MAX_FILTER_LENGTH} characters.`
        : `${field} must be an event type such as "created" or "revoked".`,
    )
  }
  return value
}

function epochFilter(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new InvalidArgumentError(field, `${field} must be epoch milliseconds.`)
  }
  return value as number
}

/**
 * Checks and resolves a log's list options; a bad one throws `InvalidArgumentError` naming
 * it (422). `maxLimit` is the largest page allowed.
 */
export function resolveAuditQuery(
  options: AuditListOptions,
  maxLimit = MAX_AUDIT_LOG_PAGE_SIZE,
): ResolvedAuditQuery {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('options', 'options must be an object.')
  }
  const ownerId = textFilter(options.ownerId, 'ownerId')
  if (ownerId === undefined) {
    throw new InvalidArgumentError('ownerId', 'ownerId must be a non-empty string.')
  }
  const { limit = DEFAULT_AUDIT_PAGE_SIZE } = options
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new InvalidArgumentError('limit', `limit must be an integer from 1 to ${maxLimit}.`)
  }
  return {
    ownerId,
    keyId: textFilter(options.keyId, 'keyId'),
    type: textFilter(options.type, 'type', TYPE_PATTERN),
    actor: textFilter(options.actor, 'actor'),
    from: epochFilter(options.from, 'from') ?? 0,
    to: epochFilter(options.to, 'to') ?? Number.MAX_SAFE_INTEGER,
    limit,
    after: options.cursor === undefined ? undefined : decodeAuditCursor(options.cursor),
  }
}

/** The page of a query from events already filtered and sorted newest first (one more than a page tells). */
export function auditPageOf(
  sorted: readonly AuditEvent[],
  limit: number,
): { events: AuditEvent[]; nextCursor: string | null } {
  const events = sorted.slice(0, limit)
  const last = events.at(-1)
  return {
    events,
    nextCursor: sorted.length > limit && last !== undefined ? encodeAuditCursor(last) : null,
  }
}

/**
 * A log's `retention` option: how long an event is kept, seconds or a duration string
 * (`'90d'`), in ms; default 90 days. Events older than this are neither listed nor kept.
 */
export function auditRetentionOption(value: unknown): number {
  return configDuration(value, 'retention', DEFAULT_AUDIT_RETENTION)
}

/** `query` narrowed to what `retention` (ms) still keeps at `now`. */
export function withinRetention(
  query: ResolvedAuditQuery,
  now: number,
  retention: number,
): ResolvedAuditQuery {
  return { ...query, from: Math.max(query.from, now - retention) }
}
