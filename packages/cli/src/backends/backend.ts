import type { ApiKey, Instant, KeyMetadata } from '@keyward/core'

/** A key as the CLI prints it: times as ISO 8601, its status, never a hash or token. */
export interface KeyView {
  id: string
  name: string
  hint: string
  ownerId: string
  scopes: string[]
  createdAt: string
  expiresAt: string
  lastUsedAt: string | null
  status: 'active' | 'expired' | 'rotated' | 'revoked'
  rotatedFrom?: string
  metadata?: KeyMetadata
}

/** What `keys create` asks for. */
export interface CreateInput {
  name: string
  ownerId?: string
  scopes: string[]
  /** Seconds, or a duration string (`'90d'`). */
  expiresIn?: string | number
  expiresAt?: Instant
  metadata?: KeyMetadata
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
  create(input: CreateInput): Promise<{ token: string; key: KeyView }>
  rotate(id: string, gracePeriod?: string | number): Promise<{ token: string; key: KeyView }>
  /** `false` when the key was revoked already; rejects `NotFoundError` when there is none. */
  revoke(id: string): Promise<boolean>
  /** Every key of `ownerId`, or every key of every owner when it is absent. */
  revokeAll(ownerId?: string): Promise<{ revokedBefore: string }>
  close(): Promise<void>
}

/** A key from the lifecycle as the CLI prints it. */
export function keyView(key: ApiKey, now: number): KeyView {
  const view: KeyView = {
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
          : now >= key.expiresAt
            ? 'expired'
            : 'active',
  }
  if (key.rotatedFrom !== undefined) view.rotatedFrom = key.rotatedFrom
  if (key.metadata !== undefined) view.metadata = key.metadata
  return view
}
