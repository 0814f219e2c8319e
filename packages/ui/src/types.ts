/**
 * The management API's answers as the component reads them. These mirror `@keyward/core`'s
 * `ApiKeyJson` and `CatalogJson` so that the browser bundle needs nothing from the server
 * packages.
 */

/**
 * Every status a key can have, in the order the status filter offers them. A new status is one
 * more entry here (and its label in `strings.status`, which the type then requires).
 */
export const KEY_STATUSES = ['active', 'suspended', 'expired', 'rotated', 'revoked'] as const

/** Where a key stands when the server answered. */
export type KeyStatus = (typeof KEY_STATUSES)[number]

/** A key as `GET /api-keys` lists it (times as ISO 8601, never the secret). */
export interface ApiKeyJson {
  id: string
  name: string
  /** What the token starts with, e.g. `kw_test_ab12…`: enough to recognise it, never to use it. */
  hint: string
  ownerId: string
  scopes: string[]
  createdAt: string
  expiresAt: string
  /** `null` until the key is first used. */
  lastUsedAt: string | null
  /** The last use: when, from which address and with which user agent; absent until used. */
  lastUsed?: { at: string; ip?: string; userAgent?: string }
  /** The last 5 distinct addresses, newest first; absent when none is known. */
  recentIps?: { ip: string; firstSeen: string; lastSeen: string }[]
  status: KeyStatus
  metadata?: Record<string, unknown>
  rotatedFrom?: string
  rotatedTo?: string
  /** `'first-use'`: a rotation ends this key at its successor's first use (or its expiry). */
  rotatedUntil?: 'first-use'
  /** The key that keeps working until this one is first used. */
  pendingPredecessor?: string
  /** With a rotation until first use: whether the hand-over is still to come. */
  firstUsePending?: boolean
  /** The key's own rate limits; absent when the deployment's defaults apply, `[]` for none. */
  rateLimits?: RateLimitJson[]
  /** The key's credits, absent when it has none. */
  credits?: CreditsJson
  /** Networks the key may be used from (addresses and CIDR ranges); absent: anywhere. */
  allowedIps?: string[]
  /** When the key was suspended; absent unless it is. */
  suspendedAt?: string
  /** Why, as given when suspending it. */
  suspendReason?: string
}

/** A rate limit: `limit` requests (cost units) per `window` seconds, counted per key. */
export interface RateLimitJson {
  /** Shown in the `RateLimit` headers, e.g. `default`. */
  name: string
  limit: number
  /** Seconds. */
  window: number
}

/**
 * A key's credit grant: `remaining` as granted at `grantedAt` (each request then takes its
 * cost from it), raised to `refill.amount` every `refill.interval` seconds when it refills.
 */
export interface CreditsJson {
  remaining: number
  grantedAt: string
  refill?: { amount: number; interval: number }
}

/** One scope of `GET /api-keys/catalog`. */
export interface CatalogScope {
  name: string
  description: string
  /** The part of the name before the first `:`. */
  resource: string
  /** Whether the signed-in viewer holds it, so may grant it. */
  grantable: boolean
}

/** What `GET /api-keys/catalog` answers: what the page needs to draw itself. */
export interface Catalog {
  scopes: CatalogScope[]
  groups: { resource: string; scopes: string[] }[]
  grantable: string[]
  /** Longest key lifetime, seconds. */
  maxLifetime: number
  /** Lifetime of a key created without an expiry, seconds; `null` when one is required. */
  defaultExpiresIn: number | null
  /** Longest rotation grace period, seconds. */
  maxGracePeriod: number
  /**
   * The deployment's default rate limits, for keys without their own; `null` when there are
   * none. Servers that do not send it leave keys without limits of their own showing none.
   */
  defaultRateLimits?: RateLimitJson[] | null
}

/** One page of `GET /api-keys`: newest first; `nextCursor` asks for the next, `null` after the last. */
/** An audit event as `GET /api-keys/audit` answers it (times as ISO 8601). */
export interface AuditEventJson {
  id: string
  at: string
  type: string
  keyId?: string
  actor?: string
  changes?: Record<string, { before?: unknown; after?: unknown }>
  clientIp?: string
}

/** One page of `GET /api-keys/audit`, newest first. */
export interface AuditPageJson {
  events: AuditEventJson[]
  nextCursor: string | null
}

export interface KeyPageJson {
  keys: ApiKeyJson[]
  nextCursor: string | null
}

/** What `POST /api-keys` and `POST /api-keys/:id/rotate` answer. The token is shown once. */
export interface IssuedKeyJson {
  key: ApiKeyJson
  token: string
}

/** What a verification can come to, as the usage routes count it. */
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

/** Counts by outcome: only outcomes that happened are present. */
export type UsageOutcomesJson = { [outcome in UsageOutcome]?: number }

/** `GET /:id/usage`: one key's counts by outcome per bucket, oldest first. */
export interface KeyUsageJson {
  keyId: string
  granularity: 'minute' | 'hour' | 'day'
  buckets: { start: string; outcomes: UsageOutcomesJson }[]
}
