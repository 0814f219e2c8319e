import type { KeyRecord } from '@keyward/core'
import { assertKeyRecord, assertRecordPatch, type KeyRecordPatch } from '@keyward/core/adapter'

/**
 * How a {@link KeyRecord} sits in a Redis hash: strings as they are, times as decimal
 * strings, `scopes`, `metadata`, `rateLimits`, `credits` and `allowedIps` as JSON. Optional
 * fields are simply absent (a resumed key has no `suspendedAt` field).
 */
const STRING_FIELDS = [
  'id',
  'hash',
  'prefix',
  'hint',
  'name',
  'ownerId',
  'rotatedFrom',
  'rotatedTo',
  'rotatedUntil',
  'pendingPredecessor',
  'suspendReason',
] as const
const TIME_FIELDS = ['createdAt', 'expiresAt', 'lastUsedAt', 'revokedAt', 'suspendedAt'] as const
const JSON_FIELDS = ['scopes', 'metadata', 'rateLimits', 'credits', 'allowedIps'] as const

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/

/** The hash fields of `record`, flattened as `HSET` takes them. */
export function encodeRecord(record: KeyRecord): string[] {
  assertKeyRecord(record, 'record to insert')
  const fields: string[] = []
  for (const field of STRING_FIELDS) {
    const value = record[field]
    if (value !== undefined) fields.push(field, value)
  }
  for (const field of TIME_FIELDS) {
    const value = record[field]
    if (value !== undefined) fields.push(field, String(value))
  }
  for (const field of JSON_FIELDS) {
    const value = record[field]
    if (value !== undefined) fields.push(field, JSON.stringify(value))
  }
  return fields
}

/**
 * What a patch does to the hash, validated first so a bad patch writes nothing: the fields it
 * sets, flattened as `HSET` takes them, and the fields it removes (`null` limits, network
 * rules, suspension) for `HDEL`.
 */
export function encodePatch(patch: KeyRecordPatch): { set: string[]; removed: string[] } {
  assertRecordPatch(patch)
  const set: string[] = []
  const removed: string[] = []
  if (patch.name !== undefined) set.push('name', patch.name)
  if (patch.scopes !== undefined) set.push('scopes', JSON.stringify(patch.scopes))
  if (patch.expiresAt !== undefined) set.push('expiresAt', String(patch.expiresAt))
  if (patch.metadata !== undefined) set.push('metadata', JSON.stringify(patch.metadata))
  for (const field of ['rateLimits', 'credits', 'allowedIps'] as const) {
    const value = patch[field]
    if (value === null) removed.push(field)
    else if (value !== undefined) set.push(field, JSON.stringify(value))
  }
  if (patch.suspendedAt === null) removed.push('suspendedAt')
  else if (patch.suspendedAt !== undefined) set.push('suspendedAt', String(patch.suspendedAt))
  if (patch.suspendReason === null) removed.push('suspendReason')
  else if (patch.suspendReason !== undefined) set.push('suspendReason', patch.suspendReason)
  if (patch.rotatedTo !== undefined) set.push('rotatedTo', patch.rotatedTo)
  if (patch.rotatedUntil !== undefined) set.push('rotatedUntil', patch.rotatedUntil)
  if (patch.pendingPredecessor === null) removed.push('pendingPredecessor')
  if (patch.revokedAt !== undefined) set.push('revokedAt', String(patch.revokedAt))
  return { set, removed }
}

/** `HGETALL`'s flat array form (as Lua returns it) as an object. */
export function pairsToObject(pairs: readonly unknown[]): Record<string, unknown> {
  const object: Record<string, unknown> = {}
  for (let i = 0; i + 1 < pairs.length; i += 2) object[String(pairs[i])] = pairs[i + 1]
  return object
}

/**
 * Rebuilds a record from the hash under `key`, checking everything with core's
 * `assertKeyRecord`: foreign or corrupt data throws a `TypeError` naming the key and field,
 * and is never handed to the verifier.
 */
export function decodeRecord(fields: Record<string, unknown>, key: string, id?: string): KeyRecord {
  const where = `key record at Redis key ${key}`
  const record: Record<string, unknown> = {}
  for (const field of STRING_FIELDS) {
    if (fields[field] !== undefined) record[field] = fields[field]
  }
  for (const field of TIME_FIELDS) {
    const value = fields[field]
    if (value !== undefined)
      record[field] = typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value
  }
  for (const field of JSON_FIELDS) {
    const value = fields[field]
    if (value === undefined) continue
    try {
      record[field] = JSON.parse(String(value))
    } catch (error) {
      throw new TypeError(`${where} is corrupt: ${field} is not valid JSON`, { cause: error })
    }
  }
  assertKeyRecord(record, where)
  if (id !== undefined && record.id !== id) {
    throw new TypeError(`${where} is corrupt: it holds the record of another id`)
  }
  return record
}
