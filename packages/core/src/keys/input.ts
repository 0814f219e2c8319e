import { MAX_ALLOWED_IPS } from '../backends/record.js'
import { parseDuration } from '../duration.js'
import { InvalidArgumentError } from '../errors.js'
import { canonicalIpRule } from '../lib/ip-rules.js'
import type { KeyMetadata } from '../types.js'

/**
 * Parsers of lifecycle input: each returns the value to store or throws an
 * `InvalidArgumentError` naming the field (422 in management routes).
 */

/** The longest key name, in code points after trimming. */
export const MAX_NAME = 100
const MAX_OWNER_ID = 200
/** The largest metadata, in UTF-8 bytes of its JSON. */
export const MAX_METADATA_JSON = 4096

/**
 * Characters refused in names and owner ids: C0 and C1 controls and DEL (`\p{Cc}`), the
 * line and paragraph separators, Unicode noncharacters, and surrogates. With the `u` flag a
 * surrogate pair is one code point, so `\p{Surrogate}` matches only a lone half: a string
 * that is not well-formed UTF-16 and cannot be encoded as UTF-8.
 */
const FORBIDDEN_IN_TEXT = /[\p{Cc}\u2028\u2029\p{Noncharacter_Code_Point}\p{Surrogate}]/u
const LONE_SURROGATE = /\p{Surrogate}/u

/**
 * Throws `InvalidArgumentError(field)` (422 in management routes) unless `value` is a plain
 * object (not null, not an array): for the arguments of lifecycle calls, which a client may
 * have sent. Not `lib/options.ts`'s `assertObject`, which throws `TypeError` for options.
 */
export function assertObjectArgument(value: unknown, field: string): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(field, `${field} must be an object.`)
  }
}

/**
 * Parses a key's display name. It must be well-formed Unicode text without control
 * characters (C0, DEL, C1), U+2028/U+2029 or noncharacters, checked before trimming; after
 * trimming it is 1–100 characters, counted in code points (an emoji is one, not two UTF-16
 * units; a ZWJ sequence counts each of its code points). Returns the trimmed name.
 */
export function parseName(name: unknown): string {
  if (typeof name !== 'string') throw new InvalidArgumentError('name', 'name must be a string.')
  assertPlainText(name, 'name')
  const trimmed = name.trim()
  if (trimmed.length === 0) throw new InvalidArgumentError('name', 'name must not be blank.')
  if (codePointsExceed(trimmed, MAX_NAME)) {
    throw new InvalidArgumentError('name', `name must be at most ${MAX_NAME} characters.`)
  }
  return trimmed
}

/**
 * Parses an owner id: a non-blank string of at most 200 code points, under the same rules
 * as {@link parseName} (well-formed, no control characters or noncharacters). Returned as
 * given, not trimmed: it is an identifier, compared exactly.
 */
export function parseOwnerId(ownerId: unknown): string {
  if (
    typeof ownerId !== 'string' ||
    ownerId.trim() === '' ||
    codePointsExceed(ownerId, MAX_OWNER_ID)
  ) {
    throw new InvalidArgumentError(
      'ownerId',
      `ownerId must be a non-blank string of at most ${MAX_OWNER_ID} characters.`,
    )
  }
  assertPlainText(ownerId, 'ownerId')
  return ownerId
}

/**
 * Parses application metadata: a JSON object of at most 4096 bytes as UTF-8 JSON, whose
 * keys and string values (at any depth) are well-formed Unicode. Returns a JSON copy.
 */
export function parseMetadata(metadata: unknown): KeyMetadata | undefined {
  if (metadata === undefined) return undefined
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidArgumentError('metadata', 'metadata must be a JSON object.')
  }
  let json: string
  try {
    json = JSON.stringify(metadata)
  } catch {
    throw new InvalidArgumentError('metadata', 'metadata must be JSON-serialisable.')
  }
  if (new TextEncoder().encode(json).length > MAX_METADATA_JSON) {
    throw new InvalidArgumentError(
      'metadata',
      `metadata must be at most ${MAX_METADATA_JSON} bytes as JSON.`,
    )
  }
  // JSON.stringify writes a lone surrogate as a `\udxxx` escape, which other JSON parsers
  // may refuse; the parsed copy holds the strings exactly as they will be stored.
  const copy = JSON.parse(json) as KeyMetadata
  if (containsLoneSurrogate(copy)) {
    throw new InvalidArgumentError(
      'metadata',
      'metadata keys and strings must be well-formed Unicode (no lone surrogate halves).',
    )
  }
  return copy
}

/**
 * Parses network rules (`allowedIps`): an array of at most 100 IPv4 or IPv6 addresses and
 * CIDR ranges (`203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`), each trimmed. Returns them
 * canonical (see `canonicalIpRule`: network address of a range, IPv4-mapped IPv6 as IPv4),
 * without duplicates, in the order given; `[]` when there are none. A bad entry is an
 * `InvalidArgumentError` naming it, e.g. `allowedIps[2]`.
 */
export function parseAllowedIps(value: unknown): string[] {
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError(
      'allowedIps',
      'allowedIps must be an array of IP addresses and CIDR ranges.',
    )
  }
  if (value.length > MAX_ALLOWED_IPS) {
    throw new InvalidArgumentError(
      'allowedIps',
      `allowedIps must have at most ${MAX_ALLOWED_IPS} entries.`,
    )
  }
  const rules = new Set<string>()
  value.forEach((entry: unknown, index) => {
    const field = `allowedIps[${index}]`
    const canonical =
      typeof entry === 'string' && entry.length <= 64 ? canonicalIpRule(entry.trim()) : undefined
    if (canonical === undefined) {
      const shown = typeof entry === 'string' ? ` ${excerpt(entry)}` : ''
      throw new InvalidArgumentError(
        field,
        `${field}${shown} is not an IP address or CIDR range, like "203.0.113.7", "203.0.113.0/24" or "2001:db8::/32".`,
      )
    }
    rules.add(canonical)
  })
  return [...rules]
}

export const MAX_SUSPEND_REASON = 200

/**
 * Parses why a key is suspended: plain text (no control characters, well-formed), trimmed,
 * at most 200 code points; `undefined` when absent or blank.
 */
export function parseSuspendReason(reason: unknown): string | undefined {
  if (reason === undefined || reason === null) return undefined
  if (typeof reason !== 'string') {
    throw new InvalidArgumentError('reason', 'reason must be a string.')
  }
  assertPlainText(reason, 'reason')
  const trimmed = reason.trim()
  if (codePointsExceed(trimmed, MAX_SUSPEND_REASON)) {
    throw new InvalidArgumentError(
      'reason',
      `reason must be at most ${MAX_SUSPEND_REASON} characters.`,
    )
  }
  return trimmed === '' ? undefined : trimmed
}

/** An instant: a `Date`, epoch milliseconds, or an RFC 3339 date-time string with its offset (`2027-01-31T00:00:00Z`). */
export type Instant = Date | number | string

/**
 * Who makes a lifecycle change, for audit events: the optional last argument of `create`,
 * `update`, `rotate`, `revoke` and `revokeAll`. The management API passes its caller.
 */
export interface ActionContext {
  /**
   * Named as the event's `actor`: `'key:<id>'` for an API key, or the application's own name
   * for a signed-in person (`'person:42'`). Default: none, and events carry no `actor`.
   */
  actor?: string
  /** The HTTP client's address, kept in the audit log (the management API gives it). */
  clientIp?: string
  /** The HTTP client's `User-Agent`, kept in the audit log (its first 256 characters). */
  userAgent?: string
}

/** The `actor` of an event, from a lifecycle call's optional context (its origin checked too). */
export function parseActor(context: ActionContext | undefined): { actor?: string } {
  if (context === undefined) return {}
  assertObjectArgument(context, 'context')
  for (const field of ['clientIp', 'userAgent'] as const) {
    if (context[field] !== undefined && typeof context[field] !== 'string') {
      throw new InvalidArgumentError(field, `${field} must be a string.`)
    }
  }
  const { actor } = context
  if (actor === undefined) return {}
  if (typeof actor !== 'string' || actor.trim() === '') {
    throw new InvalidArgumentError('actor', 'actor must be a non-blank string.')
  }
  return { actor }
}

/** The deployment's bounds on a key's expiry, in milliseconds (`KeywardOptions`, resolved). */
export interface ExpiryBounds {
  /** Longest lifetime a key may be given, from the moment of the change. */
  readonly maxLifetime: number
  /** Lifetime of a key created without `expiresAt` or `expiresIn`; `undefined`: one is required. */
  readonly defaultExpiresIn: number | undefined
}

/**
 * Parses a key's expiry from `expiresAt` (an {@link Instant}) or `expiresIn` (a lifetime from
 * `at`; seconds or a duration string), at most one of them, to epoch milliseconds after `at`
 * and at most `maxLifetime` from it; the error names the field given. When `required` (a new
 * key), giving neither means `defaultExpiresIn` from `at`, or an error without one; otherwise
 * (an update) it means no change, `undefined`.
 */
export function parseExpiry(
  input: { expiresAt?: unknown; expiresIn?: unknown },
  at: number,
  bounds: ExpiryBounds,
  required: true,
): number
export function parseExpiry(
  input: { expiresAt?: unknown; expiresIn?: unknown },
  at: number,
  bounds: ExpiryBounds,
  required: false,
): number | undefined
export function parseExpiry(
  input: { expiresAt?: unknown; expiresIn?: unknown },
  at: number,
  bounds: ExpiryBounds,
  required: boolean,
): number | undefined {
  if (input.expiresAt !== undefined && input.expiresIn !== undefined) {
    throw new InvalidArgumentError('expiresAt', 'Give expiresAt or expiresIn, not both.')
  }
  let expiresAt: number | undefined
  let field = 'expiresAt'
  if (input.expiresAt !== undefined) expiresAt = parseInstant(input.expiresAt, 'expiresAt')
  else if (input.expiresIn !== undefined) {
    field = 'expiresIn'
    expiresAt = at + parseDuration(input.expiresIn, 'expiresIn')
  } else if (required) {
    if (bounds.defaultExpiresIn === undefined) {
      throw new InvalidArgumentError('expiresAt', 'expiresAt or expiresIn is required.')
    }
    expiresAt = at + bounds.defaultExpiresIn
  }
  if (expiresAt === undefined) return undefined
  if (expiresAt <= at) throw new InvalidArgumentError(field, `${field} must be in the future.`)
  if (expiresAt > at + bounds.maxLifetime) {
    throw new InvalidArgumentError(
      field,
      `${field} must be at most ${formatDays(bounds.maxLifetime)} from now.`,
    )
  }
  return expiresAt
}

/** A lifetime for an error message: whole days when it is some, else seconds. */
function formatDays(ms: number): string {
  const days = ms / 86_400_000
  return Number.isInteger(days) ? `${days} days` : `${ms / 1000} seconds`
}

/**
 * Matches an RFC 3339 date-time and the partial forms we refuse with a specific message
 * (date only, no offset, an offset without its colon).
 */
const DATE_TIME =
  /^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})(?:[Tt](?<hour>\d{2}):(?<minute>\d{2})(?::(?<second>\d{2})(?:\.(?<fraction>\d{1,9}))?)?(?<offset>[Zz]|(?<sign>[+-])(?<offsetHour>\d{2})(?<colon>:?)(?<offsetMinute>\d{2}))?)?$/

/** Milliseconds in 400 Gregorian years, after which the calendar repeats. */
const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000
/** The last instant a `Date` can hold (ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15

/**
 * Parses an instant (a `Date`, epoch milliseconds, or a date-time string) to epoch
 * milliseconds, or throws `InvalidArgumentError` naming `field` (`invalid_argument`, 422).
 *
 * - `Date`: must be valid; epoch ms: a safe integer. Either must not be before 1970 nor
 *   beyond what a `Date` can hold.
 * - String: an RFC 3339 date-time with a UTC offset,
 *   `YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM)`, e.g. `2027-03-01T12:00:00Z` or
 *   `2027-03-01T14:00+02:00`. Lower-case `t` and `z` are accepted (RFC 3339 §5.6 allows
 *   them). Refused: a date without a time, a time without an offset (it would be read in
 *   the server's own time zone), an offset without its colon (`+0200` mixes ISO 8601's
 *   basic and extended formats), a day the month does not have (`2027-02-30`), hour 24,
 *   leap second 60. Fraction digits beyond milliseconds are dropped.
 */
export function parseInstant(value: unknown, field: string): number {
  let ms: number
  if (value instanceof Date) ms = value.getTime()
  else if (typeof value === 'number') ms = value
  else if (typeof value === 'string') ms = parseDateTime(value, field)
  else {
    throw new InvalidArgumentError(
      field,
      `${field} must be a Date, epoch milliseconds or an ISO 8601 date-time with an offset, like "2027-03-01T12:00:00Z".`,
    )
  }
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_DATE_MS) {
    throw new InvalidArgumentError(
      field,
      `${field} is not a valid point in time (from 1970-01-01T00:00:00Z on).`,
    )
  }
  return ms
}

function parseDateTime(value: string, field: string): number {
  const groups = DATE_TIME.exec(value)?.groups
  const refuse = (why: string) =>
    new InvalidArgumentError(field, `${field} ${excerpt(value)} ${why}`)
  if (!groups) {
    throw refuse(
      'is not an ISO 8601 date-time with an offset, like "2027-03-01T12:00:00Z" or "2027-03-01T14:00:00+02:00".',
    )
  }
  if (groups.hour === undefined) {
    throw refuse(
      `is a date without a time; give a date-time with an offset, like "${groups.year}-${groups.month}-${groups.day}T00:00:00Z".`,
    )
  }
  if (groups.offset === undefined) {
    throw refuse(
      'has no UTC offset, so its instant is ambiguous; end it with "Z" for UTC or an offset like "+02:00".',
    )
  }
  if (groups.sign !== undefined && groups.colon === '') {
    throw refuse('has an offset without a colon; write it as ±HH:MM, like "+02:00".')
  }
  const year = Number(groups.year)
  const month = Number(groups.month)
  const day = Number(groups.day)
  const hour = Number(groups.hour)
  const minute = Number(groups.minute)
  const second = Number(groups.second ?? 0)
  if (month < 1 || month > 12) throw refuse('has no such month (01–12).')
  const days = daysInMonth(year, month)
  if (day < 1 || day > days) {
    throw refuse(`has no such day: ${groups.year}-${groups.month} has ${days} days.`)
  }
  if (hour > 23) throw refuse('has no such hour (00–23).')
  if (minute > 59) throw refuse('has no such minute (00–59).')
  if (second > 59) throw refuse('has no such second (00–59; leap seconds are not accepted).')
  let offsetMinutes = 0
  if (groups.sign !== undefined) {
    const offsetHour = Number(groups.offsetHour)
    const offsetMinute = Number(groups.offsetMinute)
    if (offsetHour > 23 || offsetMinute > 59) {
      throw refuse('has an offset out of range (hours 00–23, minutes 00–59).')
    }
    offsetMinutes = (groups.sign === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute)
  }
  const millis = Number((groups.fraction ?? '').slice(0, 3).padEnd(3, '0'))
  // Date.UTC reads years 0–99 as 1900–1999; shifting by one whole Gregorian cycle avoids it.
  const local =
    Date.UTC(year + 400, month - 1, day, hour, minute, second, millis) - GREGORIAN_CYCLE_MS
  return local - offsetMinutes * 60_000
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** The value quoted for an error message: JSON-escaped and cut to a short prefix. */
function excerpt(value: string): string {
  const limit = 40
  return value.length > limit ? `${JSON.stringify(value.slice(0, limit))}…` : JSON.stringify(value)
}

function assertPlainText(value: string, field: string): void {
  const match = FORBIDDEN_IN_TEXT.exec(value)
  if (!match) return
  const code = match[0].codePointAt(0)!
  const what = LONE_SURROGATE.test(match[0])
    ? 'a lone surrogate half (not well-formed Unicode)'
    : code === 0x2028 || code === 0x2029
      ? 'a line or paragraph separator'
      : code >= 0xfdd0 && (code <= 0xfdef || (code & 0xfffe) === 0xfffe)
        ? 'a Unicode noncharacter'
        : 'a control character'
  const hex = code.toString(16).toUpperCase().padStart(4, '0')
  throw new InvalidArgumentError(
    field,
    `${field} must not contain ${what}; found U+${hex} at index ${match.index}.`,
  )
}

/** Whether `value` has more than `max` code points, without counting past what matters. */
function codePointsExceed(value: string, max: number): boolean {
  if (value.length <= max) return false
  if (value.length > 2 * max) return true
  let count = 0
  for (const _ of value) if (++count > max) return true
  return false
}

/** Whether a parsed JSON value holds a lone surrogate in any key or string, at any depth. */
function containsLoneSurrogate(root: unknown): boolean {
  // Iterative: 4 KiB of JSON can nest about two thousand levels deep.
  const pending: unknown[] = [root]
  while (pending.length > 0) {
    const value = pending.pop()
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return true
    } else if (Array.isArray(value)) {
      pending.push(...value)
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) return true
        pending.push(child)
      }
    }
  }
  return false
}
