/**
 * What every store shares to answer `listByOwner` the same way: the page options checked and
 * resolved once, the cursor (its encoding and its strict reading), the order, and the status
 * a store judges a record by.
 */
import { InvalidArgumentError } from '../errors.js'
import type { KeyRecord, KeyStatus, ListKeysOptions } from '../types.js'

/** Every key status, in the order the documentation lists them. */
export const KEY_STATUSES: readonly KeyStatus[] = [
  'active',
  'suspended',
  'expired',
  'revoked',
  'rotated',
]

/** The page size when none is given. */
export const DEFAULT_PAGE_SIZE = 50
/** The largest page the management API and `keys.listPage` give. */
export const MAX_PAGE_SIZE = 100
/** The largest page a store gives (internal walks such as `keys.list` ask for this many). */
export const MAX_STORE_PAGE_SIZE = 1_000

/** A place in an owner's list: the last record of a page. */
export interface KeyPosition {
  readonly createdAt: number
  readonly id: string
}

/** {@link ListKeysOptions} checked and resolved, as a store works with them. */
export interface ResolvedListOptions {
  readonly limit: number
  /** Only records after this position (in newest-first order). */
  readonly after: KeyPosition | undefined
  readonly status: KeyStatus | undefined
  /** The name prefix, folded by {@link foldName}; `undefined` when absent or empty. */
  readonly name: string | undefined
  readonly at: number
  /** `-1` when there is no epoch (every `createdAt` is above it). */
  readonly revokedBefore: number
}

const CURSOR_VERSION = 'k1'
const CURSOR_PATTERN = /^k1:(0|[1-9][0-9]{0,15}):([A-Za-z0-9_-]{1,128})$/
const BASE64URL = /^[A-Za-z0-9_-]+$/

/** `text` as an opaque cursor: base64url, unpadded (key pages' and audit pages' alike). */
export function opaqueCursor(text: string): string {
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The text an opaque cursor of at most `maxLength` characters holds; `undefined` for anything else. */
export function cursorText(cursor: unknown, maxLength: number): string | undefined {
  if (typeof cursor !== 'string' || cursor.length > maxLength || !BASE64URL.test(cursor)) {
    return undefined
  }
  try {
    return atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))
  } catch {
    return undefined
  }
}

/** The opaque cursor of `position`: base64url of a versioned `createdAt` and `id`. */
export function encodeCursor(position: KeyPosition): string {
  return opaqueCursor(`${CURSOR_VERSION}:${position.createdAt}:${position.id}`)
}

/**
 * The position a cursor encodes. Strict: anything but a cursor {@link encodeCursor} wrote
 * (bad base64url, another version, a time that is not epoch ms, an id of other characters)
 * throws `InvalidArgumentError('cursor')`. A well-formed cursor naming a position that was
 * never a page's end is harmless: it is only a place in the order.
 */
export function decodeCursor(cursor: unknown): KeyPosition {
  const invalid = () =>
    new InvalidArgumentError('cursor', 'cursor must be a nextCursor from a previous page.')
  const text = cursorText(cursor, 400)
  if (text === undefined) throw invalid()
  const match = CURSOR_PATTERN.exec(text)
  if (match === null) throw invalid()
  const createdAt = Number(match[1])
  if (!Number.isSafeInteger(createdAt) || encodeCursor({ createdAt, id: match[2]! }) !== cursor) {
    throw invalid()
  }
  return { createdAt, id: match[2]! }
}

/** A name as the name filter compares it: lower case (`toLowerCase`, locale-independent). */
export function foldName(name: string): string {
  return name.toLowerCase()
}

/** Whether `record` comes after `position` in newest-first order (ties by id, descending). */
export function comesAfter(record: KeyPosition, position: KeyPosition | undefined): boolean {
  if (position === undefined) return true
  return (
    record.createdAt < position.createdAt ||
    (record.createdAt === position.createdAt && record.id < position.id)
  )
}

/** Newest-first order, ties by id descending: the order of every page. */
export function newestFirst(a: KeyPosition, b: KeyPosition): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/**
 * Where a record stands at `at` as a store can judge it from the record alone and the
 * revoke-all epoch: `revokedAt` or a `createdAt` at or before `revokedBefore` is revoked;
 * then rotated, expired, suspended (`suspendedAt`), active, as `statusAt` ranks them.
 */
export function recordStatus(record: KeyRecord, at: number, revokedBefore: number): KeyStatus {
  if (record.revokedAt !== undefined || record.createdAt <= revokedBefore) return 'revoked'
  if (record.rotatedTo !== undefined) return 'rotated'
  if (at >= record.expiresAt) return 'expired'
  return record.suspendedAt === undefined ? 'active' : 'suspended'
}

/** Whether a record of status `status` belongs on a page asking for `wanted` (absent: not revoked). */
export function statusMatches(status: KeyStatus, wanted: KeyStatus | undefined): boolean {
  return wanted === undefined ? status !== 'revoked' : status === wanted
}

/**
 * Checks and resolves a store's page options; a bad one throws `InvalidArgumentError`
 * naming it (422). `maxLimit` is the largest page allowed ({@link MAX_STORE_PAGE_SIZE} in
 * stores, {@link MAX_PAGE_SIZE} for callers outside the library).
 */
export function resolveListOptions(
  options: ListKeysOptions | undefined,
  now: number,
  maxLimit = MAX_STORE_PAGE_SIZE,
): ResolvedListOptions {
  if (options === undefined) {
    return {
      limit: DEFAULT_PAGE_SIZE,
      after: undefined,
      status: undefined,
      name: undefined,
      at: now,
      revokedBefore: -1,
    }
  }
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('options', 'options must be an object.')
  }
  const { limit = DEFAULT_PAGE_SIZE, cursor, status, name, at = now, revokedBefore } = options
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new InvalidArgumentError('limit', `limit must be an integer from 1 to ${maxLimit}.`)
  }
  if (status !== undefined && !KEY_STATUSES.includes(status)) {
    throw new InvalidArgumentError('status', `status must be one of ${KEY_STATUSES.join(', ')}.`)
  }
  if (name !== undefined && typeof name !== 'string') {
    throw new InvalidArgumentError('name', 'name must be a string.')
  }
  for (const [field, value] of [
    ['at', at],
    ['revokedBefore', revokedBefore ?? 0],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new InvalidArgumentError(field, `${field} must be epoch milliseconds.`)
    }
  }
  return {
    limit,
    after: cursor === undefined ? undefined : decodeCursor(cursor),
    status,
    name: name === undefined || name === '' ? undefined : foldName(name),
    at,
    revokedBefore: revokedBefore ?? -1,
  }
}
