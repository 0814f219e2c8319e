import { assertEpochMs, assertNonEmptyString } from '../lib/options.js'
import type { RevocationEvent } from '../types.js'

/**
 * What shared revocation lists say to each other: a change, checked once for every list, and
 * the text it travels as (a Redis message, a PostgreSQL `NOTIFY` payload).
 */

/**
 * A change to revocation state, as a shared list announces it to other instances and applies
 * it to its {@link RevocationMirror}. Unlike a {@link RevocationEvent}, a revocation carries
 * the key's `expiresAt`, so the entry can be pruned once the key would have expired anyway.
 */
export type RevocationChange =
  | { type: 'revoked'; id: string; expiresAt: number }
  | { type: 'updated'; id: string }
  | { type: 'suspended'; id: string; expiresAt: number }
  | { type: 'resumed'; id: string }
  | { type: 'revoked_owner'; ownerId: string; at: number }
  | { type: 'revoked_all'; at: number }

/**
 * The change each `RevocationList` write makes, its arguments checked once for every list
 * (a `TypeError` naming the bad one: an empty id, a time that is not epoch milliseconds), so
 * a list never writes, announces or mirrors a change it could not read back.
 */
export const revocationChange = Object.freeze({
  revoked(id: string, expiresAt: number): RevocationChange {
    assertNonEmptyString(id, 'id')
    assertEpochMs(expiresAt, 'expiresAt')
    return { type: 'revoked', id, expiresAt }
  },
  revokedOwner(ownerId: string, at: number): RevocationChange {
    assertNonEmptyString(ownerId, 'ownerId')
    assertEpochMs(at, 'at')
    return { type: 'revoked_owner', ownerId, at }
  },
  revokedAll(at: number): RevocationChange {
    assertEpochMs(at, 'at')
    return { type: 'revoked_all', at }
  },
  updated(id: string): RevocationChange {
    assertNonEmptyString(id, 'id')
    return { type: 'updated', id }
  },
  suspended(id: string, expiresAt: number): RevocationChange {
    assertNonEmptyString(id, 'id')
    assertEpochMs(expiresAt, 'expiresAt')
    return { type: 'suspended', id, expiresAt }
  },
  resumed(id: string): RevocationChange {
    assertNonEmptyString(id, 'id')
    return { type: 'resumed', id }
  },
})

/** What a shared list announces: the change, and which instance made it (so it can skip its own). */
export interface RevocationMessage {
  /** An id of the announcing instance, unique per list object. */
  origin: string
  change: RevocationChange
}

/** A change as the text a shared list announces (a Redis message, a PostgreSQL `NOTIFY` payload). */
export function encodeRevocationMessage(origin: string, change: RevocationChange): string {
  return JSON.stringify({ origin, ...change })
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== ''
const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value)

/**
 * Reads an announced change; `undefined` when the text is not one this version understands
 * (a list should then reload everything rather than guess).
 */
export function decodeRevocationMessage(text: string): RevocationMessage | undefined {
  let data: Record<string, unknown>
  try {
    data = JSON.parse(text)
  } catch {
    return undefined
  }
  if (data === null || typeof data !== 'object' || !isText(data.origin)) return undefined
  const origin = data.origin
  switch (data.type) {
    case 'revoked':
      return isText(data.id) && isNumber(data.expiresAt)
        ? { origin, change: { type: 'revoked', id: data.id, expiresAt: data.expiresAt } }
        : undefined
    case 'updated':
      return isText(data.id) ? { origin, change: { type: 'updated', id: data.id } } : undefined
    case 'suspended':
      return isText(data.id) && isNumber(data.expiresAt)
        ? { origin, change: { type: 'suspended', id: data.id, expiresAt: data.expiresAt } }
        : undefined
    case 'resumed':
      return isText(data.id) ? { origin, change: { type: 'resumed', id: data.id } } : undefined
    case 'revoked_owner':
      return isText(data.ownerId) && isNumber(data.at)
        ? { origin, change: { type: 'revoked_owner', ownerId: data.ownerId, at: data.at } }
        : undefined
    case 'revoked_all':
      return isNumber(data.at)
        ? { origin, change: { type: 'revoked_all', at: data.at } }
        : undefined
    default:
      return undefined
  }
}

/** The event subscribers see for a change (without the internal `expiresAt`). */
export function revocationEventOf(change: RevocationChange): RevocationEvent {
  if (change.type === 'revoked' || change.type === 'suspended') {
    return { type: change.type, id: change.id }
  }
  return change
}
