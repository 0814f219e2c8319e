import type { KeyRecord } from '@keyward/core'
import { assertKeyRecord, assertRecordPatch, type KeyRecordPatch } from '@keyward/core/adapter'
import { bigintValue } from './client.js'

/** Each field of a {@link KeyRecord} and its column. */
const STRING_COLUMNS = [
  ['id', 'id'],
  ['hash', 'hash'],
  ['prefix', 'prefix'],
  ['hint', 'hint'],
  ['name', 'name'],
  ['ownerId', 'owner_id'],
  ['rotatedFrom', 'rotated_from'],
  ['rotatedTo', 'rotated_to'],
  ['rotatedUntil', 'rotated_until'],
  ['pendingPredecessor', 'pending_predecessor'],
  ['suspendReason', 'suspend_reason'],
] as const
const TIME_COLUMNS = [
  ['createdAt', 'created_at'],
  ['expiresAt', 'expires_at'],
  ['lastUsedAt', 'last_used_at'],
  ['revokedAt', 'revoked_at'],
  ['suspendedAt', 'suspended_at'],
] as const
const JSON_COLUMNS = [
  ['scopes', 'scopes'],
  ['metadata', 'metadata'],
  ['rateLimits', 'rate_limits'],
  ['credits', 'credits'],
] as const
/** `text[]` columns: node-postgres sends and reads them as arrays of strings. */
const ARRAY_COLUMNS = [['allowedIps', 'allowed_ips']] as const

/** Every column of the keys table, in the order statements select and insert them. */
export const COLUMNS = [...STRING_COLUMNS, ...TIME_COLUMNS, ...JSON_COLUMNS, ...ARRAY_COLUMNS].map(
  ([, c]) => c,
)

/** The values of `record` in {@link COLUMNS} order, `null` for an absent optional field. */
export function recordValues(record: KeyRecord): unknown[] {
  assertKeyRecord(record, 'record to insert')
  return [
    ...STRING_COLUMNS.map(([field]) => record[field] ?? null),
    ...TIME_COLUMNS.map(([field]) => record[field] ?? null),
    // jsonb parameters go as JSON text: an array given raw would be sent as a Postgres array.
    ...JSON_COLUMNS.map(([field]) =>
      record[field] === undefined ? null : JSON.stringify(record[field]),
    ),
    ...ARRAY_COLUMNS.map(([field]) => record[field] ?? null),
  ]
}

/**
 * The columns a patch sets and their values, validated first so a bad patch writes nothing.
 * An `undefined` (from untyped code) sets nothing; `null` (limits, network rules, suspension)
 * sets the column to SQL `NULL` (not JSON `null`), which is how an absent field is stored.
 */
export function patchColumns(patch: KeyRecordPatch): Array<[column: string, value: unknown]> {
  assertRecordPatch(patch)
  const set: Array<[string, unknown]> = []
  if (patch.name !== undefined) set.push(['name', patch.name])
  if (patch.scopes !== undefined) set.push(['scopes', JSON.stringify(patch.scopes)])
  if (patch.expiresAt !== undefined) set.push(['expires_at', patch.expiresAt])
  if (patch.metadata !== undefined) set.push(['metadata', JSON.stringify(patch.metadata)])
  for (const [field, column] of [
    ['rateLimits', 'rate_limits'],
    ['credits', 'credits'],
  ] as const) {
    const value = patch[field]
    if (value !== undefined) set.push([column, value === null ? null : JSON.stringify(value)])
  }
  for (const [field, column] of [
    ['allowedIps', 'allowed_ips'],
    ['suspendedAt', 'suspended_at'],
    ['suspendReason', 'suspend_reason'],
  ] as const) {
    const value = patch[field]
    if (value !== undefined) set.push([column, value])
  }
  if (patch.rotatedTo !== undefined) set.push(['rotated_to', patch.rotatedTo])
  if (patch.rotatedUntil !== undefined) set.push(['rotated_until', patch.rotatedUntil])
  if (patch.pendingPredecessor === null) set.push(['pending_predecessor', null])
  if (patch.revokedAt !== undefined) set.push(['revoked_at', patch.revokedAt])
  return set
}

/**
 * Rebuilds a record from a row of the keys table, checking everything with core's
 * `assertKeyRecord`: a corrupt or foreign row throws a `TypeError` naming the table and field
 * (the verifier answers `unavailable`), and is never handed on as a key.
 */
export function decodeRow(row: Record<string, unknown>, table: string): KeyRecord {
  const where = `key record ${JSON.stringify(String(row.id).slice(0, 40))} in table ${table}`
  const record: Record<string, unknown> = {}
  for (const [field, column] of STRING_COLUMNS) {
    if (row[column] != null) record[field] = row[column]
  }
  for (const [field, column] of TIME_COLUMNS) {
    if (row[column] != null) record[field] = bigintValue(row[column])
  }
  for (const [field, column] of [...JSON_COLUMNS, ...ARRAY_COLUMNS]) {
    if (row[column] != null) record[field] = row[column]
  }
  assertKeyRecord(record, where)
  return record
}
