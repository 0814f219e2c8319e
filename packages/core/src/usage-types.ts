// The usage vocabulary (issue 23), re-exported by types.ts beside the other ports.

/**
 * What one verification came to, as usage counts it: `valid`, each refusal that names a key,
 * and (per deployment only, under {@link DEPLOYMENT_USAGE_ID}) tokens that belong to no key.
 */
export type UsageOutcome =
  | 'valid'
  | 'revoked_token'
  | 'expired_token'
  | 'suspended_token'
  | 'insufficient_scope'
  | 'ip_not_allowed'
  | 'rate_limited'
  | 'usage_exceeded'
  | 'unknown_token'
  | 'malformed_token'

/** Every {@link UsageOutcome}, in the order responses list them. */
export const USAGE_OUTCOMES: readonly UsageOutcome[] = [
  'valid',
  'revoked_token',
  'expired_token',
  'suspended_token',
  'insufficient_scope',
  'ip_not_allowed',
  'rate_limited',
  'usage_exceeded',
  'unknown_token',
  'malformed_token',
]

/**
 * The id deployment-wide counts are kept under (unknown and malformed tokens, which belong to
 * no key). Never a key id: those start with `key_`.
 */
export const DEPLOYMENT_USAGE_ID = '*'

/** The width of a usage bucket: a minute, an hour or a UTC day. */
export type UsageGranularity = 'minute' | 'hour' | 'day'

/** Counts by outcome; an outcome that did not happen is absent. */
export type UsageOutcomes = Partial<Record<UsageOutcome, number>>

/** One bucket of a key's usage: its start (epoch ms) and its counts. */
export interface UsageBucket {
  start: number
  outcomes: UsageOutcomes
}

/** One of the last distinct addresses a key was used from. */
export interface UsageAddress {
  ip: string
  /** First and last verification from it, epoch ms. */
  firstSeen: number
  lastSeen: number
}

/** A key's last successful verification. */
export interface UsageLastUse {
  /** Epoch ms. */
  at: number
  /** The client address as the adapter decided it (truncated or absent per `usage.addresses`). */
  ip?: string
  /** The `User-Agent`, at most 256 characters; absent when the request had none. */
  userAgent?: string
}

/** Where a key was last used from: the last use, and the last 5 distinct addresses, newest first. */
export interface UsageWhereFrom {
  lastUse: UsageLastUse | undefined
  recentIps: UsageAddress[]
}

/**
 * What one flush hands a {@link UsageBackend}: counts already rolled up into minute, hour and
 * day buckets (added to what is stored), the last use per key (kept when newer than what is
 * stored), addresses seen (merged: earliest `firstSeen`, latest `lastSeen`), and the instants
 * before which buckets of each granularity may be dropped (retention).
 */
export interface UsageBatch {
  counts: {
    keyId: string
    granularity: UsageGranularity
    start: number
    outcome: UsageOutcome
    count: number
  }[]
  lastUses: (UsageLastUse & { keyId: string })[]
  addresses: (UsageAddress & { keyId: string })[]
  pruneBefore: Record<UsageGranularity, number>
}

/**
 * Where usage is kept. Written by each instance's recorder once per flush (never per
 * verification); read by `keyward.usage` and the management routes. Rejects (never throws
 * synchronously) when its backend fails.
 */
export interface UsageBackend {
  /** Applies one flush, in one backend write (one script or one statement). */
  write(batch: UsageBatch): Promise<void>
  /** The buckets of `keyId` with `from <= start < to`, oldest first; empty buckets are absent. */
  buckets(
    keyId: string,
    granularity: UsageGranularity,
    from: number,
    to: number,
  ): Promise<UsageBucket[]>
  /** Per key id of `keyIds`, the sum of its buckets with `from <= start < to`; keys without any are absent. */
  totals(
    keyIds: readonly string[],
    granularity: UsageGranularity,
    from: number,
    to: number,
  ): Promise<Map<string, UsageOutcomes>>
  /** Per key id of `keyIds`, its last use and its last 5 distinct addresses; unused keys are absent. */
  whereFrom(keyIds: readonly string[]): Promise<Map<string, UsageWhereFrom>>
}
