/**
 * What the management API answers, in JSON: the shapes of keys, rate limits and the catalog
 * (instants as ISO 8601, windows in seconds, never a hash), and the envelope every answer goes
 * out in.
 */
import type { ErrorResponse } from '../../errors.js'
import type { ApiKey, KeyMetadata, KeyStatus, RateLimit } from '../../types.js'
import type { ManagementResponse } from '../request.js'

/** A key as management responses show it: times as ISO 8601, never the hash. */
export interface ApiKeyJson {
  id: string
  name: string
  hint: string
  ownerId: string
  scopes: string[]
  createdAt: string
  expiresAt: string
  /** `null` until the key is first used. */
  lastUsedAt: string | null
  /**
   * The last successful verification: when, from which client address (as the adapter decided
   * it, possibly truncated, absent when unknown or not kept) and with which `User-Agent` (at
   * most 256 characters). Absent until the key is first used (or with usage off).
   */
  lastUsed?: { at: string; ip?: string; userAgent?: string }
  /** The last 5 distinct addresses the key verified from, newest first; absent when none is known. */
  recentIps?: { ip: string; firstSeen: string; lastSeen: string }[]
  /**
   * Where the key stands when answered: `revoked`, else `rotated` (replaced, perhaps still
   * in its grace period), else `expired`, else `suspended`, else `active`.
   */
  status: KeyStatus
  /** Networks the key may be used from (addresses and CIDR ranges); absent when anywhere. */
  allowedIps?: string[]
  /** When the key was suspended, ISO 8601; absent unless suspended. */
  suspendedAt?: string
  /** Why it was suspended, when a reason was given. */
  suspendReason?: string
  metadata?: KeyMetadata
  /** The id of the key this one replaced through rotation. */
  rotatedFrom?: string
  /** The id of the key that replaced this one through rotation. */
  rotatedTo?: string
  /** `'first-use'`: the rotation ends this key at its successor's first use (or `expiresAt`). */
  rotatedUntil?: 'first-use'
  /** The key that keeps working until this one is first used. */
  pendingPredecessor?: string
  /**
   * Present with a rotation until first use: `true` on the old key while it still works and on
   * the successor until its first use, `false` once the hand-over happened.
   */
  firstUsePending?: boolean
  /** The key's own rate limits (`window` in seconds); absent when the deployment defaults apply. */
  rateLimits?: RateLimitJson[]
  /**
   * The key's credit grant: `remaining` as granted at `grantedAt` (the live balance is in the
   * `RateLimit` header of its requests), and its refill (`interval` in seconds).
   */
  credits?: {
    remaining: number
    grantedAt: string
    refill?: { amount: number; interval: number }
  }
}

/** A rate limit in JSON: `limit` requests per `window` seconds, named in the headers. */
export interface RateLimitJson {
  name: string
  limit: number
  /** Window length in seconds. */
  window: number
}

/** One scope of `GET /catalog`. */
export interface CatalogScopeJson {
  name: string
  /** What a UI shows next to it. */
  description: string
  /** The part of the name before the first `:`. */
  resource: string
  /** Whether the caller holds it, so may grant it. */
  grantable: boolean
}

/** The answer of `GET /catalog`: what a settings page needs to draw itself. */
export interface CatalogJson {
  /** Every declared scope, in declaration order. */
  scopes: CatalogScopeJson[]
  /** The scope names by resource, in order of first appearance. */
  groups: { resource: string; scopes: string[] }[]
  /** The names of the declared scopes the caller holds (wildcards expanded). */
  grantable: string[]
  /** Longest key lifetime, in seconds. */
  maxLifetime: number
  /** Lifetime of a key created without an expiry, in seconds; `null` when one is required. */
  defaultExpiresIn: number | null
  /** Longest rotation grace period, in seconds. */
  maxGracePeriod: number
  /**
   * The deployment's default rate limits (`createKeyward({ rateLimits })`), applied to keys
   * without their own; `null` when there are none.
   */
  defaultRateLimits: RateLimitJson[] | null
}

/** Rate limits with their windows in seconds, as JSON shows them. */
export function toRateLimitsJson(limits: readonly RateLimit[]): RateLimitJson[] {
  return limits.map(({ name, limit, window }) => ({ name, limit, window: window / 1000 }))
}

const iso = (at: number) => new Date(at).toISOString()

/**
 * A key as management responses show it: times as ISO 8601, never the hash; `status` as of
 * `at` (epoch ms, default now).
 */
export function toApiKeyJson(key: ApiKey, at: number = Date.now()): ApiKeyJson {
  const json: ApiKeyJson = {
    id: key.id,
    name: key.name,
    hint: key.hint,
    ownerId: key.ownerId,
    scopes: [...key.scopes],
    createdAt: new Date(key.createdAt).toISOString(),
    expiresAt: new Date(key.expiresAt).toISOString(),
    lastUsedAt: key.lastUsedAt === undefined ? null : new Date(key.lastUsedAt).toISOString(),
    status:
      key.revokedAt !== undefined
        ? 'revoked'
        : key.rotatedTo !== undefined
          ? 'rotated'
          : at >= key.expiresAt
            ? 'expired'
            : key.suspendedAt !== undefined
              ? 'suspended'
              : 'active',
  }
  if (key.lastUsed !== undefined) {
    const { at, ip, userAgent } = key.lastUsed
    json.lastUsed = {
      at: iso(at),
      ...(ip !== undefined && { ip }),
      ...(userAgent && { userAgent }),
    }
  }
  if (key.recentIps !== undefined && key.recentIps.length > 0) {
    json.recentIps = key.recentIps.map(({ ip, firstSeen, lastSeen }) => ({
      ip,
      firstSeen: iso(firstSeen),
      lastSeen: iso(lastSeen),
    }))
  }
  if (key.allowedIps !== undefined && key.allowedIps.length > 0) {
    json.allowedIps = [...key.allowedIps]
  }
  if (key.suspendedAt !== undefined) json.suspendedAt = new Date(key.suspendedAt).toISOString()
  if (key.suspendReason !== undefined) json.suspendReason = key.suspendReason
  if (key.metadata !== undefined) json.metadata = key.metadata
  if (key.rotatedFrom !== undefined) json.rotatedFrom = key.rotatedFrom
  if (key.rotatedTo !== undefined) json.rotatedTo = key.rotatedTo
  if (key.rotatedUntil !== undefined) {
    json.rotatedUntil = key.rotatedUntil
    json.firstUsePending = key.revokedAt === undefined && at < key.expiresAt
  }
  if (key.pendingPredecessor !== undefined) {
    json.pendingPredecessor = key.pendingPredecessor
    json.firstUsePending = true
  }
  if (key.rateLimits !== undefined) {
    json.rateLimits = toRateLimitsJson(key.rateLimits)
  }
  if (key.credits !== undefined) {
    const { remaining, grantedAt, refill } = key.credits
    json.credits = { remaining, grantedAt: new Date(grantedAt).toISOString() }
    if (refill !== undefined) {
      json.credits.refill = { amount: refill.amount, interval: refill.interval / 1000 }
    }
  }
  return json
}

/** A JSON answer; `headers` add to (or override) the JSON content type and `no-store`. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ManagementResponse {
  // Every answer is about credentials: never let a cache keep it, least of all a token.
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
    body,
  }
}

/** A `KeywardError`'s problem+json answer, kept out of caches like every other answer. */
export function problemResponse(response: ErrorResponse): ManagementResponse {
  return {
    status: response.status,
    headers: { ...response.headers, 'cache-control': 'no-store' },
    body: response.body,
  }
}
