import { InvalidTokenError, IpNotAllowedError, KeywardError } from '../errors.js'
import { chargeRequest } from '../limits/charge.js'
import { revokedByEpoch } from '../revocation-types.js'
import type { ScopeRequirement } from '../scopes.js'
import type { VerifiedKey } from '../types.js'
import type { UsageRecorder } from '../usage/recorder.js'
import type { UsageOutcome } from '../usage-types.js'
import type { VerifyContext } from './context.js'
import type { Entry } from './entry.js'

// Steps 4–11 of DESIGN.md's pipeline, judging an entry found by steps 1–3 (see verifier.ts,
// which runs them in order). API keys and access tokens go through the same steps on the same
// kind of entry. Each step returns early, or throws the error the caller answers with.

/**
 * Step 4 — revocation: the record's own `revokedAt`, then the list (key id, owner and global
 * epochs). The list judges its own staleness by its own clock, which need not be this one.
 */
export function checkRevocation(ctx: VerifyContext, entry: Entry): void {
  if (entry.revoked || ctx.revocations.isRevoked(entry.subject)) {
    throw new InvalidTokenError(
      'revoked_token',
      `The ${entry.noun} has been revoked.`,
      ctx.errorOptions,
    )
  }
}

/**
 * Step 5 — suspension: the record's own `suspendedAt` (an access token: its parent's), then
 * the list's suspended set, which learns a suspension on every instance at once. Either one
 * refuses: a resume reaches caches through the list's `resumed` event.
 */
export function checkSuspension(ctx: VerifyContext, entry: Entry): void {
  if (entry.suspended || ctx.isSuspended?.(entry.subject.id) === true) {
    throw new InvalidTokenError(
      'suspended_token',
      `The ${entry.noun} is suspended.`,
      ctx.errorOptions,
    )
  }
}

/** Step 6 — expiry: the credential fails from `expiresAt` on. */
export function checkExpiry(ctx: VerifyContext, entry: Entry, at: number): void {
  if (at >= entry.key.expiresAt) {
    throw new InvalidTokenError('expired_token', `The ${entry.noun} has expired.`, ctx.errorOptions)
  }
}

/**
 * Step 7 — network: a key with `allowedIps` (an access token: its parent's) is refused from
 * any other address, and when the adapter could not tell the address (fail closed). Called
 * for keys with rules only.
 */
export function checkNetwork(entry: Entry, clientIp: string | undefined): void {
  if (!entry.network!(clientIp)) throw new IpNotAllowedError(entry.noun)
}

/** Step 8 — scopes: the requirement against what the credential grants now. */
export function checkScopes(
  ctx: VerifyContext,
  entry: Entry,
  requirement: ScopeRequirement | undefined,
): void {
  if (requirement === undefined) return
  if (entry.limits === undefined) {
    requirement.check(entry.granted, ctx.realm)
    return
  }
  try {
    requirement.check(entry.granted, ctx.realm)
  } catch (error) {
    // Every answer of a limited key carries its policy; it was not charged, so no state.
    if (error instanceof KeywardError) error.addHeaders({ 'ratelimit-policy': entry.limits.header })
    throw error
  }
}

/**
 * Step 9 — limits: a key with rate limits or credits is charged `cost` on every limit at
 * once, or refused (429) having been charged nothing. Called for limited keys only (unlimited
 * ones pay one property check in the pipeline). Returns the request's own key (with its
 * `rateLimit` state), or a promise of it when the limiter asks its backend.
 */
export function chargeLimits(
  ctx: VerifyContext,
  entry: Entry,
  cost: number,
  at: number,
): VerifiedKey | Promise<VerifiedKey> {
  return chargeRequest(ctx.limits, entry.limits!, entry.key, cost, at)
}

/**
 * Step 11 — usage: the outcome counted against the key (an access token: its parent), in
 * memory; a valid one is also its last use. Flushed in batches, off the request path.
 */
export function countUse(
  usage: UsageRecorder,
  entry: Entry,
  at: number,
  clientIp: string | undefined,
  userAgent: string | undefined,
): void {
  usage.record(entry.subject.id, 'valid', at, clientIp, userAgent)
}

/** Refusal codes counted against a key: every one the steps above throw (not `unavailable`). */
const KEY_REFUSALS = new Set<string>([
  'revoked_token',
  'expired_token',
  'suspended_token',
  'insufficient_scope',
  'ip_not_allowed',
  'rate_limited',
  'usage_exceeded',
])

/** A refusal of a known key: counted against it (an access token: its parent) when it names one. */
export function countRefusal(usage: UsageRecorder, entry: Entry, at: number, error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && KEY_REFUSALS.has(code)) {
    usage.record(entry.subject.id, code as UsageOutcome, at)
  }
}

/**
 * After step 8, for the successor of a rotation until first use only: its first verification
 * on this instance ends the predecessor everywhere, off the request path. The mark is cleared
 * at once so concurrent requests start one hand-over; a failed one restores it, so the next
 * verification tries again (until then the predecessor lives, at most until its grace ends).
 */
export function handOver(ctx: VerifyContext, entry: Entry): void {
  const predecessor = entry.pendingPredecessor
  // A concurrent admission of the same entry may have started it already.
  if (predecessor === undefined) return
  entry.pendingPredecessor = undefined
  const successor = entry.key.id
  queueMicrotask(() => {
    ctx.onFirstUse(successor, predecessor).catch((error: unknown) => {
      entry.pendingPredecessor = predecessor
      ctx.onError(error)
    })
  })
}

/**
 * Before step 4, for a key a rotation replaced only: presented after its end, it is refused by
 * the steps that follow, as ever, and its reuse is reported off the request path (at most once
 * a minute per key on this instance, so a client retrying the old token cannot flood the hook).
 */
export function noticeReuse(
  ctx: VerifyContext,
  entry: Entry,
  at: number,
  clientIp: string | undefined,
): void {
  const { rotatedOut, subject } = entry
  let ended: boolean
  let byHand: boolean
  try {
    // A revoke-all epoch is a revocation by hand.
    byHand = revokedByEpoch(ctx.revocations, subject.ownerId, subject.createdAt)
    ended =
      entry.revoked || at >= entry.key.expiresAt || byHand || ctx.revocations.isRevoked(subject)
  } catch {
    return // a stale list: the revocation step refuses the key, and nothing is reported
  }
  if (!ended || at - entry.reusedAt < 60_000) return
  entry.reusedAt = at
  const reuse = {
    keyId: subject.id,
    ownerId: subject.ownerId,
    successorId: rotatedOut!.successorId,
    byRotation: rotatedOut!.byRotation && !byHand,
    clientIp,
    at,
  }
  queueMicrotask(() => {
    ctx.onReuse(reuse).catch(ctx.onError)
  })
}
