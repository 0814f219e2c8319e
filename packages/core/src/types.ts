import type { UsageAddress, UsageLastUse } from './usage-types.js'
/** Free-form, JSON-serialisable data the application attaches to a key. */
export type KeyMetadata = Record<string, unknown>

/**
 * A stored API key. Times are epoch milliseconds. `hash` is the only trace of the secret
 * and never leaves the library: see {@link ApiKey}.
 */
export interface KeyRecord {
  /** Public id: `key_` + 16 base62 characters. */
  id: string
  /** SHA-256 (or HMAC-SHA-256 with a pepper) of the whole token, base64url, 43 characters. */
  hash: string
  /** The token prefix the key was issued with, e.g. `kw_live`. */
  prefix: string
  /** For display: `<prefix>_` + the first 4 secret characters + `…`. */
  hint: string
  /** Human name, 1–100 characters. */
  name: string
  /** Who the key belongs to (a user, an organisation). */
  ownerId: string
  /** Granted scopes; may contain wildcard grants (`projects:*`, `*`). */
  scopes: string[]
  /** Creation time, epoch ms. Revoke-all epochs at or after it revoke the key. */
  createdAt: number
  /** Expiry, epoch ms; the key fails from this instant on. */
  expiresAt: number
  /**
   * Last successful verification, epoch ms. The verifier no longer writes it to the store:
   * usage records it (flushed in batches), and `keys.get` and the lists read it from there.
   */
  lastUsedAt?: number
  /** Application data. */
  metadata?: KeyMetadata
  /** The id of the key this one replaced through `rotate`. */
  rotatedFrom?: string
  /** The id of the key that replaced this one through `rotate`: it may never be rotated or changed again. */
  rotatedTo?: string
  /**
   * How the rotation that replaced this key ends it: `'first-use'` when it ends at its
   * successor's first verification on any instance, or at `expiresAt` (the grace period's cap),
   * whichever comes first. Absent: it ends at `expiresAt`.
   */
  rotatedUntil?: 'first-use'
  /**
   * The key that keeps working until this key is first verified (set by `rotate` with `until:
   * 'first-use'`); removed once that first verification has ended it.
   */
  pendingPredecessor?: string
  /**
   * When the key was revoked, epoch ms. Permanent: a revoked key never verifies, never
   * changes and is never listed again, whatever happens to revocation-list entries.
   */
  revokedAt?: number
  /**
   * The key's own rate limits; they replace the deployment defaults (`createKeyward({
   * rateLimits })`), and an empty array means none at all. Absent: the defaults apply.
   */
  rateLimits?: RateLimit[]
  /** The key's usage credits: each charge takes its cost from the balance. Absent: unmetered. */
  credits?: KeyCredits
  /**
   * Networks the key may be used from: canonical addresses (`203.0.113.7`, `2001:db8::1`)
   * and CIDR ranges with their network address (`203.0.113.0/24`), at most 100. Absent: anywhere.
   */
  allowedIps?: string[]
  /** When the key was suspended, epoch ms; absent when it is not suspended. */
  suspendedAt?: number
  /** Why the key was suspended, as given to `suspend` (at most 200 characters). */
  suspendReason?: string
}

/** A named rate limit: at most `limit` requests (cost units) per fixed `window`. */
export interface RateLimit {
  /** Shown in the `RateLimit-Policy` header; unique per key. */
  name: string
  /** Units allowed per window. */
  limit: number
  /** Window length, ms (whole seconds); windows are aligned to multiples of it since the epoch. */
  window: number
}

/** A key's usage credits as stored: the grant; the live balance is the limiter's. */
export interface KeyCredits {
  /** The balance granted at `grantedAt`. */
  remaining: number
  /** When `remaining` was granted, epoch ms: a new grant replaces the balance. */
  grantedAt: number
  /** Every `interval` ms after `grantedAt`, the balance is raised to `amount` (never lowered). */
  refill?: { amount: number; interval: number }
  /**
   * The key id whose counters this key draws on: set by `rotate`, so a successor spends its
   * predecessor's balance (rotating never refills credits). Default: the key's own id.
   */
  account?: string
}

/**
 * A key as it leaves the library (list results, management responses): never the hash.
 * `keys.get` and the lists add where it was last used from (see `createKeyward({ usage })`);
 * its `lastUsedAt` is then the usage's last use.
 */
export type ApiKey = Omit<KeyRecord, 'hash'> & {
  /** The last successful verification: when, from which address, with which user agent. */
  lastUsed?: UsageLastUse
  /** The last 5 distinct addresses the key verified from, newest first. */
  recentIps?: UsageAddress[]
}

/**
 * What {@link TokenStore.update} may change. A field left out (or `undefined`) stays as it
 * is. `rateLimits: null` and `credits: null` take the key's own limits or credits away, so
 * the deployment defaults apply again and its use is unmetered; `allowedIps: null` removes
 * the network rules, `suspendedAt: null` and `suspendReason: null` lift a suspension,
 * `pendingPredecessor: null` ends a successor's wait for its first use. No
 * other field can be taken away (least of all `revokedAt` or `rotatedTo`).
 */
export type KeyRecordPatch = Partial<
  Pick<
    KeyRecord,
    'name' | 'scopes' | 'expiresAt' | 'metadata' | 'rotatedTo' | 'rotatedUntil' | 'revokedAt'
  >
> & {
  /** `null` removes the mark of a pending successor, once its predecessor has ended. */
  pendingPredecessor?: null
  /** New own rate limits (`[]`: none at all); `null` removes them, so the defaults apply. */
  rateLimits?: RateLimit[] | null
  /** A new credit grant; `null` removes the credits, so the key is unmetered. */
  credits?: KeyCredits | null
  /** New network rules; `null` removes them, so the key may be used from anywhere. */
  allowedIps?: string[] | null
  /** Suspends the key as of this instant (epoch ms); `null` resumes it. */
  suspendedAt?: number | null
  /** Why it was suspended; `null` removes the reason. */
  suspendReason?: string | null
}

/**
 * A precondition of {@link TokenStore.update}, checked atomically with the write: the patch
 * applies only while the record is active at `activeAt` (epoch ms): no `revokedAt`, no
 * `rotatedTo`, and `expiresAt > activeAt`.
 */
export interface UpdateCondition {
  activeAt: number
  /**
   * When `true`, the patch applies only while the record has no `suspendedAt` either,
   * checked in the same atomic step. Default `false`.
   */
  notSuspended?: boolean
}

/**
 * Where a key stands, derived from its record and the clock. When several hold, the first
 * of `revoked`, `rotated`, `expired`, `suspended` wins; `active` otherwise.
 */
export type KeyStatus = 'active' | 'expired' | 'revoked' | 'rotated' | 'suspended'

/** What {@link TokenStore.listByOwner} selects: one page, from a cursor, by status and name. */
export interface ListKeysOptions {
  /**
   * Records per page, a positive integer. Default 50. The management API and
   * `keys.listPage` allow 1–100; stores accept up to 1 000 for internal walks (`keys.list`).
   */
  limit?: number
  /**
   * Where the page starts: the `nextCursor` of the previous page (opaque). It encodes the
   * position (the last record's `createdAt` and `id`), so records created or deleted in the
   * meantime never make another record skip or repeat. Absent: the first page.
   */
  cursor?: string
  /**
   * Only records with this status at `at`. Absent: every record except revoked ones
   * (expired and rotated ones included), as `keys.list` answers.
   */
  status?: KeyStatus
  /** Only records whose name starts with this, case-insensitively (`toLowerCase`). */
  name?: string
  /** The instant statuses are judged at, epoch ms. Default: the store's clock (`Date.now`). */
  at?: number
  /**
   * Records created at or before this instant count as revoked: the owner's or the global
   * revoke-all epoch, whichever is later, as the revocation list knows it. Absent: none.
   */
  revokedBefore?: number
}

/** One page of {@link TokenStore.listByOwner}. */
export interface KeyRecordPage {
  /** Newest first; at most `limit`. */
  keys: KeyRecord[]
  /** Where the next page starts, or `null` when there is none. */
  nextCursor: string | null
}

/** The identity of a successfully verified token, as handlers see it. */
export interface VerifiedKey {
  /** The API key's id (for an access token: the parent key's id). */
  id: string
  name: string
  ownerId: string
  /** The scopes this credential carries (an access token may carry fewer than its key). */
  scopes: readonly string[]
  /** Epoch ms after which the credential no longer verifies. */
  expiresAt: number
  /**
   * When the API key was created, epoch ms (for an access token: its parent key's). Owner
   * and global revoke-all epochs at or after it end the credential.
   */
  createdAt: number
  metadata?: KeyMetadata
  /** Which kind of credential was presented: `'api_key'` or an extension's name. */
  kind: string
  /**
   * For a key with rate limits or credits: this request's limit state (the `RateLimit-Policy`
   * and `RateLimit` header values, see `rateLimitHeaders`). Absent for unlimited keys.
   */
  rateLimit?: RateLimitState
}

/**
 * Where key records live. Implementations store only what they are given (never a token),
 * and reject (not throw synchronously) when their backend fails.
 */
export interface TokenStore {
  /** The record whose `hash` is `hash`, or `undefined`. */
  findByHash(hash: string): Promise<KeyRecord | undefined>
  /** The record with id `id`, or `undefined`. */
  get(id: string): Promise<KeyRecord | undefined>
  /**
   * One page of an owner's records, newest first (`createdAt` descending, ties by `id`
   * descending), filtered by `options`; O(page) whatever the owner holds. A page may hold
   * fewer than `limit` records while `nextCursor` is not `null` (a filtered page examines a
   * bounded number of index entries); only `nextCursor: null` means the end. A cursor that is
   * not one of this store's rejects with `InvalidArgumentError('cursor')` (422).
   */
  listByOwner(ownerId: string, options?: ListKeysOptions): Promise<KeyRecordPage>
  /** Adds a record; rejects when its id or hash already exists, writing nothing. */
  insert(record: KeyRecord): Promise<void>
  /**
   * Optional: adds many records in few round trips (an import). Resolves, per record in
   * order, `true` when it was added, `false` when a record with its hash (or its id) existed
   * already (that record is skipped, the others are added). A record is added whole or not at
   * all; when it rejects, some records may have been added. Without it, `keys.import` inserts
   * one record at a time.
   */
  insertMany?(records: readonly KeyRecord[]): Promise<boolean[]>
  /**
   * Applies `patch` atomically; resolves to the new record, or `undefined` when there is none.
   * With `condition`, the check and the write are one atomic step: when the record is not
   * active at `condition.activeAt` nothing is written and it resolves to `null`.
   */
  update(
    id: string,
    patch: KeyRecordPatch,
    condition?: UpdateCondition,
  ): Promise<KeyRecord | undefined | null>
  /** Removes a record and its indexes; resolves `true` when one was removed. */
  delete(id: string): Promise<boolean>
  /** Records a use; may be lossy (it is written off the request path). No-op for a missing id. */
  touch(id: string, lastUsedAt: number): Promise<void>
}

/** Claims a token-kind extension hands to core once it has checked a token's signature. */
export interface TokenClaims {
  /** The parent API key's id: revocation by key id applies. */
  keyId: string
  ownerId: string
  name: string
  scopes: readonly string[]
  /** Epoch ms the credential was issued. */
  issuedAt: number
  /**
   * The parent API key's `createdAt`, epoch ms: owner and global revoke-all epochs compare
   * to it, so a token minted after an epoch from a key created before it is revoked too.
   */
  keyCreatedAt: number
  /** Epoch ms the credential expires. */
  expiresAt: number
  metadata?: KeyMetadata
}

/**
 * A second kind of token `keyward.verify` accepts next to API keys (for example the signed
 * access tokens of `@keyward/jwt`). The extension checks the token's own integrity; core
 * then applies revocation, expiry and scopes, and caches the claims until they expire.
 */
export interface TokenKind {
  /** Shown as {@link VerifiedKey.kind}, e.g. `'access_token'`. */
  readonly name: string
  /** Cheap, synchronous: does `token` look like this kind (so API-key parsing is skipped)? */
  accepts(token: string): boolean
  /**
   * `true`: a token is judged by its own claims only, for services that cannot read the key
   * store (an edge function with nothing but the JWK Set): it then lives until its own expiry
   * even after its parent key is revoked, rotated, narrowed or shortened, unless this
   * instance's revocation list says otherwise. Default `false`: every use is bounded by the
   * parent key's current record, read from the store and cached like the key's own.
   */
  readonly standalone?: boolean
  /** Verifies the token's signature and claims; rejects with a `KeywardError`. */
  verify(token: string): Promise<TokenClaims>
}

/** What `POST /api-keys/token` asks of an access-token issuer (implemented by `@keyward/jwt`). */
export interface AccessTokenIssuer {
  /**
   * Mints a short-lived access token for `key`. `scopes` must be a subset of the key's
   * (default: all of them); `ttl` is seconds or a duration string.
   */
  issueAccessToken(
    key: VerifiedKey,
    options?: { scopes?: readonly string[]; ttl?: number | string },
  ): Promise<IssuedAccessToken>
}

/** The RFC 6749 §5.1 fields of a minted access token. */
export interface IssuedAccessToken {
  accessToken: string
  /** Seconds until it expires. */
  expiresIn: number
  /** The scopes it carries. */
  scopes: readonly string[]
}

/**
 * Audit events from `keyward.keys`, for `onEvent`. Never contains a token or hash. `actor`
 * names who made the change when the call said so (its `ActionContext`): the management
 * API gives `'key:<id>'` for an API key, or a signed-in person's `Principal.actor`.
 */
export type KeyEvent =
  | { type: 'created'; key: ApiKey; at: number; actor?: string }
  /** A key issued elsewhere was imported (`keys.import`): its token or digest, now stored. */
  | { type: 'imported'; key: ApiKey; at: number; actor?: string }
  | {
      type: 'updated'
      key: ApiKey
      changes: readonly string[]
      /** The key as it was before the change. */
      previous?: ApiKey
      at: number
      actor?: string
    }
  | {
      type: 'rotated'
      key: ApiKey
      previousId: string
      previousExpiresAt: number
      at: number
      actor?: string
    }
  | { type: 'revoked'; keyId: string; ownerId: string; at: number; actor?: string }
  /** The key was suspended (`reason` as given to `suspend`). */
  | { type: 'suspended'; key: ApiKey; reason?: string; at: number; actor?: string }
  /** The key was resumed. */
  | { type: 'resumed'; key: ApiKey; at: number; actor?: string }
  | { type: 'revoked_all'; ownerId?: string; at: number; actor?: string }
  /**
   * A key that a rotation replaced was presented after its end (and refused, as ever), from
   * `ip` when the adapter knew the address. `successorRevoked`: this reuse revoked the key that
   * replaced it (`onReuse: 'revoke-successor'`). At most one event per key and instance per
   * minute, however often the old token is tried.
   */
  | {
      type: 'reused'
      keyId: string
      ownerId: string
      successorId: string
      ip?: string
      successorRevoked: boolean
      at: number
    }
  /**
   * A token of this key was reported leaked (for example by GitHub secret scanning).
   * `revoked`: this report revoked it (`false` when it was revoked already). `url` and
   * `source` say where it was found, as the reporter told.
   */
  | {
      type: 'leaked'
      keyId: string
      ownerId: string
      revoked: boolean
      url?: string
      source?: string
      reporter?: string
      at: number
    }
  /**
   * A webhook endpoint failed every attempt from `failingSince` on, for `disableAfter`, and
   * was disabled: nothing is sent to it until `keyward.webhooks.enable(endpointId)`.
   */
  | { type: 'webhook_disabled'; endpointId: string; url: string; failingSince: number; at: number }
  /** Lifecycle policy `expiryReminders`: the key ends in `daysLeft` days (the `threshold` crossed). */
  | {
      type: 'expiring'
      key: ApiKey
      threshold: string
      daysLeft: number
      at: number
      actor: 'policy'
    }
  /** The key's end (`expiresAt`) has passed; once per key. */
  | { type: 'expired'; key: ApiKey; at: number; actor: 'policy' }
  /** Policy `idleAfter`: the key was not used (or since its creation) for that long. */
  | { type: 'idle'; key: ApiKey; idleSince: number; at: number; actor: 'policy' }
  /** Policy `rotateAfter`: the key is that old and should be rotated. */
  | { type: 'rotation_due'; key: ApiKey; at: number; actor: 'policy' }

/** The limit state of one admitted request, as `VerifiedKey.rateLimit` carries it. */
export interface RateLimitState {
  /** The `RateLimit-Policy` header value. */
  readonly policy: string
  /** The `RateLimit` header value. */
  readonly state: string
  /** The cost charged to this request so far. */
  readonly charged: number
}

export type { AuditEvent, AuditListOptions, AuditLog, AuditPage } from './audit-types.js'
export type {
  RevocationEvent,
  RevocationList,
  RevocationSnapshot,
  RevocationSubject,
} from './revocation-types.js'
export type {
  UsageAddress,
  UsageBackend,
  UsageBatch,
  UsageBucket,
  UsageGranularity,
  UsageLastUse,
  UsageOutcome,
  UsageOutcomes,
  UsageWhereFrom,
} from './usage-types.js'
