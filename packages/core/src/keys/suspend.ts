import { toApiKey } from '../backends/record.js'
import { KeyInactiveError, NotFoundError } from '../errors.js'
import type { ApiKey, KeyRecord } from '../types.js'
import {
  announceResumption,
  announceSuspension,
  callBackend,
  type LifecycleContext,
} from './context.js'
import {
  type ActionContext,
  assertObjectArgument,
  parseActor,
  parseSuspendReason,
} from './input.js'
import { explainRefusal, readRecord, statusAt } from './read.js'

/** Input of `keyward.keys.suspend`. */
export interface SuspendKeyInput {
  /** Why, shown with the key (`suspendReason`) and in the `suspended` event: plain text, at most 200 characters. Default none. */
  reason?: string
}

/** The record of `id`, or `NotFoundError`. */
async function existingRecord(ctx: LifecycleContext, id: string): Promise<KeyRecord> {
  const record = await readRecord(ctx, id)
  if (!record) throw new NotFoundError()
  return record
}

/**
 * `keyward.keys.suspend`: an active key stops verifying on every instance at once (401
 * `suspended_token`, its access tokens too) until it is resumed; the record keeps
 * `suspendedAt` and the reason. Already suspended: unchanged (the list entry is written again,
 * finishing a suspension that failed half-way). Revoked, expired or rotated: `KeyInactiveError`.
 * Emits `suspended`.
 */
export async function suspendKey(
  ctx: LifecycleContext,
  id: string,
  input: SuspendKeyInput = {},
  action: ActionContext | undefined,
): Promise<ApiKey> {
  assertObjectArgument(input, 'input')
  const actor = parseActor(action)
  const reason = parseSuspendReason(input.reason)
  const at = ctx.now()
  const record = await existingRecord(ctx, id)
  const status = statusAt(ctx, record, at)
  if (status === 'suspended') {
    await announceSuspension(ctx, record.id, record.expiresAt)
    return toApiKey(record)
  }
  if (status !== 'active') throw new KeyInactiveError(status)
  // One atomic step: only an active key that is not suspended yet is suspended, so two racing
  // suspensions keep one time and one reason, and a revoked or rotated key is never touched.
  const suspended = await callBackend(() =>
    ctx.store.update(
      record.id,
      { suspendedAt: at, suspendReason: reason ?? null },
      { activeAt: at, notSuspended: true },
    ),
  )
  if (!suspended) {
    const now = suspended === null ? await readRecord(ctx, record.id) : undefined
    if (now !== undefined && statusAt(ctx, now, at) === 'suspended') {
      await announceSuspension(ctx, now.id, now.expiresAt)
      return toApiKey(now)
    }
    return explainRefusal(ctx, record.id, suspended, at)
  }
  await announceSuspension(ctx, suspended.id, suspended.expiresAt)
  const key = toApiKey(suspended)
  await ctx.emit(
    {
      type: 'suspended',
      key,
      ...(reason === undefined ? {} : { reason }),
      at,
      ...actor,
    },
    action,
  )
  return key
}

/**
 * `keyward.keys.resume`: a suspended key verifies again on every instance (unless it has
 * ended meanwhile). Active already: unchanged (the list is told again, finishing a resume
 * that failed half-way). Revoked, expired or rotated: `KeyInactiveError`; revocation always
 * wins. Emits `resumed`.
 */
export async function resumeKey(
  ctx: LifecycleContext,
  id: string,
  action: ActionContext | undefined,
): Promise<ApiKey> {
  const actor = parseActor(action)
  const at = ctx.now()
  const record = await existingRecord(ctx, id)
  const status = statusAt(ctx, record, at)
  if (status === 'active') {
    await announceResumption(ctx, record.id)
    return toApiKey(record)
  }
  if (status !== 'suspended') throw new KeyInactiveError(status)
  // Conditional: a key revoked, rotated or expired meanwhile stays as it ended.
  const resumed = await callBackend(() =>
    ctx.store.update(record.id, { suspendedAt: null, suspendReason: null }, { activeAt: at }),
  )
  if (!resumed) return explainRefusal(ctx, record.id, resumed, at)
  await announceResumption(ctx, resumed.id)
  const key = toApiKey(resumed)
  await ctx.emit({ type: 'resumed', key, at, ...actor }, action)
  return key
}
