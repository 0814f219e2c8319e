import {
  announceRevocation,
  callBackend,
  type LifecycleContext,
  readSharedClock,
} from './context.js'
import { type ActionContext, assertObjectArgument, parseActor, parseOwnerId } from './input.js'
import { readRecord, statusAt } from './read.js'

/**
 * `keyward.keys.revoke`: marks the record revoked and puts the key on the revocation list;
 * idempotent. Resolves `true` (and emits `revoked`) when the key was not revoked before.
 */
export async function revokeKey(
  ctx: LifecycleContext,
  id: string,
  action: ActionContext | undefined,
): Promise<boolean> {
  const actor = parseActor(action)
  const record = await readRecord(ctx, id)
  if (!record) return false
  const at = ctx.now()
  const wasRevoked = statusAt(ctx, record, at) === 'revoked'
  if (record.revokedAt === undefined) {
    await callBackend(() => ctx.store.update(record.id, { revokedAt: at }))
  }
  // Also when the record says so already: a revoke that failed half-way is finished here.
  await announceRevocation(ctx, record.id, record.expiresAt)
  if (wasRevoked) return false
  await ctx.emit(
    { type: 'revoked', keyId: record.id, ownerId: record.ownerId, at, ...actor },
    action,
  )
  return true
}

/**
 * `keyward.keys.revokeAll`: sets a revoke-all epoch on the shared clock, for one owner or for
 * every key, and emits `revoked_all`. Resolves to the epoch.
 */
export async function revokeAllKeys(
  ctx: LifecycleContext,
  options: { ownerId?: string } = {},
  action: ActionContext | undefined,
): Promise<{ revokedBefore: number }> {
  assertObjectArgument(options, 'options')
  const actor = parseActor(action)
  const ownerId = options.ownerId === undefined ? undefined : parseOwnerId(options.ownerId)
  const at = await readSharedClock(ctx)
  const { revocations } = ctx
  if (ownerId === undefined) {
    await callBackend(() => revocations.revokeAll(at))
    await ctx.emit({ type: 'revoked_all', at, ...actor }, action)
  } else {
    await callBackend(() => revocations.revokeOwner(ownerId, at))
    await ctx.emit({ type: 'revoked_all', ownerId, at, ...actor }, action)
  }
  return { revokedBefore: at }
}
