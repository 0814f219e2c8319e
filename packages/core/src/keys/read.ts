import { toApiKey } from '../backends/record.js'
import { InvalidArgumentError, KeyInactiveError, NotFoundError } from '../errors.js'
import type { ApiKey, KeyRecord, KeyStatus } from '../types.js'
import { callBackend, type LifecycleContext } from './context.js'

/** `keyward.keys.get`: a key that is not revoked, or with `includeRevoked` any stored key. */
export async function getKey(
  ctx: LifecycleContext,
  id: string,
  options: { includeRevoked?: boolean } = {},
): Promise<ApiKey | undefined> {
  const record = await readRecord(ctx, id)
  if (!record) return undefined
  if (!options.includeRevoked && statusAt(ctx, record, ctx.now()) === 'revoked') return undefined
  const [key] = await ctx.withUsage([toApiKey(record)])
  return key
}

/**
 * Where a record stands at `at`; a revoke-all epoch counts as revocation. The first of
 * revoked, rotated, expired and suspended that holds; else active.
 */
export function statusAt(ctx: LifecycleContext, record: KeyRecord, at: number): KeyStatus {
  if (
    record.revokedAt !== undefined ||
    ctx.revocations.isRevoked({
      id: record.id,
      ownerId: record.ownerId,
      createdAt: record.createdAt,
    })
  ) {
    return 'revoked'
  }
  if (record.rotatedTo !== undefined) return 'rotated'
  if (at >= record.expiresAt) return 'expired'
  return record.suspendedAt === undefined ? 'active' : 'suspended'
}

/** The stored record of `id`, whatever its status; `InvalidArgumentError` unless `id` is a key id. */
export async function readRecord(
  ctx: LifecycleContext,
  id: unknown,
): Promise<KeyRecord | undefined> {
  if (typeof id !== 'string' || id === '')
    throw new InvalidArgumentError('id', 'id must be a key id.')
  return callBackend(() => ctx.store.get(id))
}

/**
 * The record of `id` if it is active at `at` (or, with `allowSuspended`, suspended); else
 * `NotFoundError` or `KeyInactiveError`.
 */
export async function readActiveRecord(
  ctx: LifecycleContext,
  id: unknown,
  at: number,
  allowSuspended = false,
): Promise<KeyRecord> {
  const record = await readRecord(ctx, id)
  if (!record) throw new NotFoundError()
  const status = statusAt(ctx, record, at)
  if (status !== 'active' && !(allowSuspended && status === 'suspended')) {
    throw new KeyInactiveError(status as Exclude<KeyStatus, 'active'>)
  }
  return record
}

/**
 * A conditional store update lost its condition: throws why, from the record as it is now.
 * (`null` from the store: inactive; `undefined`: gone.)
 */
export async function explainRefusal(
  ctx: LifecycleContext,
  id: string,
  outcome: null | undefined,
  at: number,
): Promise<never> {
  const record = outcome === null ? await readRecord(ctx, id) : undefined
  if (!record) throw new NotFoundError()
  const status = statusAt(ctx, record, at)
  throw new KeyInactiveError(status === 'active' ? 'expired' : status)
}
