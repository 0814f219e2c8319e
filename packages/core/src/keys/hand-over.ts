import { announceRevocation, callBackend, type LifecycleContext } from './context.js'

/** What ending a predecessor at its successor's first use works with. */
export type HandOverContext = Pick<LifecycleContext, 'store' | 'revocations' | 'now' | 'forget'>

/**
 * The successor `successorId` of a rotation until first use was verified for the first time:
 * revokes its predecessor everywhere, as a rotation without grace does (the revocation list
 * tells every instance at once, cached or not; the record keeps `revokedAt`), then clears the
 * successor's mark so later reads of it never come here again. Idempotent: several
 * instances may see the first use at once, and a predecessor revoked already (by hand, or by
 * another instance's hand-over) is left as it is.
 */
export async function handOverKey(
  ctx: HandOverContext,
  successorId: string,
  predecessorId: string,
): Promise<void> {
  const at = ctx.now()
  const old = await callBackend(() => ctx.store.get(predecessorId))
  if (
    old !== undefined &&
    old.rotatedTo === successorId &&
    old.rotatedUntil === 'first-use' &&
    old.revokedAt === undefined
  ) {
    // Even past its grace by this clock: another instance's clock may still accept it.
    // The list first: once it holds the key, no instance accepts it, whatever its cache says.
    await announceRevocation(ctx, old.id, old.expiresAt)
    // Ended by its rotation: revoked at or after its end (a revocation by hand comes before).
    const end = { revokedAt: at, expiresAt: Math.min(at, old.expiresAt) }
    await callBackend(() => ctx.store.update(old.id, end))
  }
  await callBackend(() => ctx.store.update(successorId, { pendingPredecessor: null }))
}
