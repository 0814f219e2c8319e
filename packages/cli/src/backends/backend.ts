import {
  type ApiKey,
  type ApiKeyJson,
  type AuditEventJson,
  type Instant,
  type KeyMetadata,
  type KeyStatus,
  type KeyUsageJson,
  toApiKeyJson,
} from '@keyward/core'

/**
 * A key as the CLI prints it: exactly what the management API answers (core's
 * `toApiKeyJson`: times as ISO 8601, its status), never a hash or token.
 */
export type KeyView = ApiKeyJson

/** What `keys create` asks for. */
export interface CreateInput {
  name: string
  ownerId?: string
  scopes: string[]
  /** Seconds, or a duration string (`'90d'`). */
  expiresIn?: string | number
  expiresAt?: Instant
  metadata?: KeyMetadata
  /** Networks the key may be used from (addresses and CIDR ranges); absent: anywhere. */
  allowedIps?: string[]
}

/** What `keys update` changes; what is absent stays as it is. */
export interface UpdateInput {
  name?: string
  /** The networks the key may be used from; `null` removes the rules (anywhere again). */
  allowedIps?: string[] | null
}

/** One page of `keys list`: the management API's query parameters. */
export interface PageQuery {
  /** 1–100; default 50. */
  limit?: number
  /** A previous page's `nextCursor`. */
  cursor?: string
  /** Only keys of this status; absent: every key except revoked ones. */
  status?: KeyStatus
  /** A case-insensitive prefix of the name. */
  name?: string
}

/** One page of keys, newest first, and where the next one starts (`null`: the end). */
export interface KeyViewPage {
  keys: KeyView[]
  nextCursor: string | null
}

/** What `keyward audit` asks for: the management API's `GET /audit` parameters. */
export interface AuditQueryInput {
  keyId?: string
  type?: string
  /** ISO 8601: only events at or after it. */
  from?: string
  /** 1–100; default 50. */
  limit?: number
  cursor?: string
}

/** What `keys usage` asks for: the management API's `GET /:id/usage` parameters (ISO 8601). */
export interface UsageQueryInput {
  from?: string
  to?: string
  granularity?: 'minute' | 'hour' | 'day'
}

/** One page of audit events as the management API answers it (times as ISO 8601). */
export interface AuditViewPage {
  events: AuditEventJson[]
  nextCursor: string | null
}

/** How `keys rotate` ends the old key (the body of `POST /:id/rotate`). */
export interface RotateOptions {
  gracePeriod?: string | number
  until?: 'first-use'
}

/**
 * Where the CLI manages keys: the stores the applications share (Redis, PostgreSQL, or keys in
 * PostgreSQL with revocations through Redis), or a running application's management API. Each
 * command uses only these operations, so another backend plugs in by implementing them.
 * Failures reject with core's `KeywardError`s.
 */
export interface Backend {
  /** Shown in messages: `Redis (namespace keyward)`, `the management API at …`. */
  readonly description: string
  /**
   * Keys that are not revoked: of `ownerId`, or of every owner the backend can see when it is
   * absent (the management API sees only its caller's owner).
   */
  list(ownerId?: string): Promise<KeyView[]>
  /**
   * One page of `ownerId`'s keys, newest first. `ownerId` may be absent only where the
   * backend acts for one owner (the management API); a store backend rejects
   * `InvalidArgumentError('owner')`.
   */
  listPage(ownerId: string | undefined, query: PageQuery): Promise<KeyViewPage>
  /** Every owner id with a key, for `keys list --all` without `--owner`; absent: one owner only. */
  owners?(): Promise<string[]>
  create(input: CreateInput): Promise<{ token: string; key: KeyView }>
  /** Rotates a key: `gracePeriod` in seconds or a duration; `until: 'first-use'` waits for the successor's first use. */
  rotate(id: string, options?: RotateOptions): Promise<{ token: string; key: KeyView }>
  /** Changes a key; rejects `NotFoundError`, or `KeyInactiveError` for a key that no longer works. */
  update(id: string, input: UpdateInput): Promise<KeyView>
  /**
   * Suspends a key everywhere until resumed (a suspended key stays suspended); rejects
   * `NotFoundError`, or `KeyInactiveError` for a revoked, expired or rotated key.
   */
  suspend(id: string, reason?: string): Promise<KeyView>
  /** Lifts a key's suspension (an active key stays active); rejects as {@link Backend.suspend}. */
  resume(id: string): Promise<KeyView>
  /** `false` when the key was revoked already; rejects `NotFoundError` when there is none. */
  revoke(id: string): Promise<boolean>
  /** Every key of `ownerId`, or every key of every owner when it is absent. */
  revokeAll(ownerId?: string): Promise<{ revokedBefore: string }>
  /**
   * One page of `ownerId`'s audit log, newest first; `ownerId` may be absent only where the
   * backend acts for one owner (the management API), as for {@link Backend.listPage}.
   */
  audit(ownerId: string | undefined, query: AuditQueryInput): Promise<AuditViewPage>
  /**
   * A key's verifications by outcome, one bucket per `granularity`, as `GET /:id/usage`
   * answers it; rejects `NotFoundError` when there is no such key (of the caller's owner).
   */
  usage(id: string, query: UsageQueryInput): Promise<KeyUsageJson>
  close(): Promise<void>
}

/** A key from the lifecycle as the CLI prints it: core's rendering, status as of `now`. */
export function keyView(key: ApiKey, now: number): KeyView {
  return toApiKeyJson(key, now)
}
