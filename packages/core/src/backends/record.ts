import { assertEpochMs, assertNonEmptyString } from '../lib/options.js'
import type { ApiKey, KeyRecord, KeyRecordPatch, UpdateCondition } from '../types.js'

/** A key record without its hash, as it may leave the library. */
export function toApiKey(record: KeyRecord): ApiKey {
  const { hash: _hash, ...key } = record
  return key
}

const HASH_PATTERN = /^[A-Za-z0-9_-]{43}$/

const isString = (value: unknown): value is string => typeof value === 'string'
const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0

/**
 * Checks that data read from a backend is a whole, well-typed {@link KeyRecord}. Stores call
 * it on everything they read, so foreign or corrupt data is reported instead of trusted.
 * Throws a `TypeError` naming the first bad field.
 */
export function assertKeyRecord(value: unknown, where = 'key record'): asserts value is KeyRecord {
  const fail = (field: string): never => {
    throw new TypeError(`${where} is corrupt: ${field} is missing or has the wrong type`)
  }
  if (value === null || typeof value !== 'object') fail('the record')
  const record = value as Record<string, unknown>
  for (const field of ['id', 'prefix', 'hint', 'name', 'ownerId'] as const) {
    if (!isString(record[field]) || record[field] === '') fail(field)
  }
  if (!isString(record.hash) || !HASH_PATTERN.test(record.hash)) fail('hash')
  if (!Array.isArray(record.scopes) || !record.scopes.every(isString)) fail('scopes')
  if (!isTime(record.createdAt)) fail('createdAt')
  if (!isTime(record.expiresAt)) fail('expiresAt')
  if (record.lastUsedAt !== undefined && !isTime(record.lastUsedAt)) fail('lastUsedAt')
  if (record.rotatedFrom !== undefined && !isString(record.rotatedFrom)) fail('rotatedFrom')
  if (record.rotatedTo !== undefined && (!isString(record.rotatedTo) || record.rotatedTo === '')) {
    fail('rotatedTo')
  }
  if (record.rotatedUntil !== undefined && record.rotatedUntil !== 'first-use') fail('rotatedUntil')
  if (
    record.pendingPredecessor !== undefined &&
    (!isString(record.pendingPredecessor) || record.pendingPredecessor === '')
  ) {
    fail('pendingPredecessor')
  }
  if (record.revokedAt !== undefined && !isTime(record.revokedAt)) fail('revokedAt')
  if (record.rateLimits !== undefined && !isRateLimits(record.rateLimits)) fail('rateLimits')
  if (record.credits !== undefined && !isCredits(record.credits)) fail('credits')
  if (record.allowedIps !== undefined && !isAllowedIps(record.allowedIps)) fail('allowedIps')
  if (record.suspendedAt !== undefined && !isTime(record.suspendedAt)) fail('suspendedAt')
  if (record.suspendReason !== undefined && !isString(record.suspendReason)) fail('suspendReason')
  if (
    record.metadata !== undefined &&
    (record.metadata === null ||
      typeof record.metadata !== 'object' ||
      Array.isArray(record.metadata))
  ) {
    fail('metadata')
  }
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

function isRateLimits(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (rate) =>
        isObject(rate) &&
        isString(rate.name) &&
        isCount(rate.limit) &&
        rate.limit > 0 &&
        isCount(rate.window) &&
        rate.window > 0,
    )
  )
}

/** At most this many network rules per key (`allowedIps`). */
export const MAX_ALLOWED_IPS = 100

/** The shape of stored network rules; entries are parsed (and bad ones refused) by the verifier. */
function isAllowedIps(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length <= MAX_ALLOWED_IPS &&
    value.every((entry) => isString(entry) && entry !== '' && entry.length <= 64)
  )
}

function isCredits(value: unknown): boolean {
  if (!isObject(value) || !isCount(value.remaining) || !isTime(value.grantedAt)) return false
  if (value.account !== undefined && (!isString(value.account) || value.account === '')) {
    return false
  }
  const refill = value.refill
  return (
    refill === undefined ||
    (isObject(refill) && isCount(refill.amount) && isCount(refill.interval) && refill.interval > 0)
  )
}

/**
 * `condition.activeAt` of a conditional `TokenStore.update`, checked once for every store:
 * throws `TypeError('condition.activeAt must be epoch milliseconds')`.
 */
export function conditionActiveAt(condition: UpdateCondition): number {
  const activeAt = (condition as UpdateCondition | null)?.activeAt
  assertEpochMs(activeAt, 'condition.activeAt')
  const notSuspended = (condition as { notSuspended?: unknown }).notSuspended
  if (notSuspended !== undefined && typeof notSuspended !== 'boolean') {
    throw new TypeError('condition.notSuspended must be a boolean')
  }
  return activeAt
}

/**
 * The {@link UpdateCondition} test, for stores that check it in process (memory): neither
 * revoked nor rotated, not expired at `activeAt`, and with `notSuspended` not suspended.
 */
export function meetsCondition(record: KeyRecord, condition: UpdateCondition): boolean {
  return (
    record.revokedAt === undefined &&
    record.rotatedTo === undefined &&
    record.expiresAt > condition.activeAt &&
    (condition.notSuspended !== true || record.suspendedAt === undefined)
  )
}

/**
 * What a store checks of a {@link KeyRecordPatch} before it writes anything: throws a
 * `TypeError` naming the field (`patch.name must be a non-empty string`, …). Fields left
 * `undefined` are not checked and change nothing; `null` is accepted for `rateLimits`,
 * `credits`, `allowedIps`, `suspendedAt`, `suspendReason` and `pendingPredecessor` (which takes
 * nothing else) only (the store then removes the field), and refused for every other field, so
 * no patch takes a name, an expiry, a revocation or a rotation away. Limits are checked whole by {@link assertKeyRecord} when the record is read back, here only their shape.
 */
export function assertRecordPatch(patch: unknown): asserts patch is KeyRecordPatch {
  if (patch === null || typeof patch !== 'object') throw new TypeError('patch must be an object')
  const p = patch as { [K in keyof KeyRecordPatch]?: unknown }
  if (p.name !== undefined) assertNonEmptyString(p.name, 'patch.name')
  if (
    p.scopes !== undefined &&
    (!Array.isArray(p.scopes) || !p.scopes.every((s) => typeof s === 'string'))
  ) {
    throw new TypeError('patch.scopes must be an array of strings')
  }
  if (p.expiresAt !== undefined) assertEpochMs(p.expiresAt, 'patch.expiresAt')
  if (
    p.metadata !== undefined &&
    (p.metadata === null || typeof p.metadata !== 'object' || Array.isArray(p.metadata))
  ) {
    throw new TypeError('patch.metadata must be an object')
  }
  if (p.rateLimits != null && !Array.isArray(p.rateLimits)) {
    throw new TypeError('patch.rateLimits must be an array or null')
  }
  if (p.credits != null && (typeof p.credits !== 'object' || Array.isArray(p.credits))) {
    throw new TypeError('patch.credits must be an object or null')
  }
  if (p.allowedIps != null && !isAllowedIps(p.allowedIps)) {
    throw new TypeError(
      `patch.allowedIps must be an array of at most ${MAX_ALLOWED_IPS} address strings or null`,
    )
  }
  if (p.suspendedAt != null) assertEpochMs(p.suspendedAt, 'patch.suspendedAt')
  if (p.suspendReason != null && typeof p.suspendReason !== 'string') {
    throw new TypeError('patch.suspendReason must be a string or null')
  }
  if (p.rotatedTo !== undefined) assertNonEmptyString(p.rotatedTo, 'patch.rotatedTo')
  if (p.rotatedUntil !== undefined && p.rotatedUntil !== 'first-use') {
    throw new TypeError("patch.rotatedUntil must be 'first-use'")
  }
  if (p.pendingPredecessor !== undefined && p.pendingPredecessor !== null) {
    throw new TypeError('patch.pendingPredecessor can only be null')
  }
  if (p.revokedAt !== undefined) assertEpochMs(p.revokedAt, 'patch.revokedAt')
}
