import type { KeyReuse } from '../verify/context.js'
import type { LifecycleContext } from './context.js'
import { revokeKey } from './revoke.js'

/** The actor `revoked` events name when a reuse revoked a successor. */
export const REUSE_ACTOR = 'keyward:reuse'

/**
 * A key ended by its rotation was presented again (the verifier refused it): with `onReuse:
 * 'revoke-successor'` and a key that its rotation ended (never one revoked by hand or by a
 * revoke-all), revokes the successor everywhere (emitting its `revoked` event); then emits
 * `reused` with the address the request came from.
 */
export async function reportReuse(
  ctx: LifecycleContext,
  reuse: KeyReuse,
  policy: 'revoke-successor' | undefined,
): Promise<void> {
  const successorRevoked =
    policy === 'revoke-successor' && reuse.byRotation
      ? await revokeKey(ctx, reuse.successorId, { actor: REUSE_ACTOR })
      : false
  await ctx.emit({
    type: 'reused',
    keyId: reuse.keyId,
    ownerId: reuse.ownerId,
    successorId: reuse.successorId,
    ...(reuse.clientIp === undefined ? {} : { ip: reuse.clientIp }),
    successorRevoked,
    at: reuse.at,
  })
}
