// The revocation list's port and vocabulary, re-exported by types.ts beside the other ports.

/** The whole state of a revocation list, as {@link RevocationList.snapshot} copies it. */
export interface RevocationSnapshot {
  /** Revoked key ids with their key's expiry, epoch ms. */
  revoked: [id: string, expiresAt: number][]
  /** Owner epochs: every key of the owner created at or before it is revoked, epoch ms. */
  ownerEpochs: [ownerId: string, at: number][]
  /** The global epoch, epoch ms, or `null` when there is none. */
  globalEpoch: number | null
  /** Suspended key ids with their key's expiry, epoch ms. */
  suspended: [id: string, expiresAt: number][]
}

/** What a revocation list must know of a credential to decide whether it is revoked. */
export interface RevocationSubject {
  id: string
  ownerId: string
  /** Epoch ms; revoke-all epochs at or after it revoke the credential. */
  createdAt: number
}

/**
 * Something every instance must learn at once. Revocations are also checked on each
 * verification; the events exist so caches drop what they hold.
 */
export type RevocationEvent =
  | { type: 'revoked'; id: string }
  | { type: 'updated'; id: string }
  /** Key `id` was suspended: caches drop it; {@link RevocationList.isSuspended} says so now. */
  | { type: 'suspended'; id: string }
  /** Key `id` was resumed: caches drop it. */
  | { type: 'resumed'; id: string }
  | { type: 'revoked_owner'; ownerId: string; at: number }
  | { type: 'revoked_all'; at: number }
  /** The list lost its feed and reloaded everything: caches must drop everything. */
  | { type: 'reset' }

/**
 * Which keys are revoked, mirrored in memory so {@link RevocationList.isRevoked} answers
 * synchronously, with no network round trip on the request path.
 */
export interface RevocationList {
  /** Revokes one key; `expiresAt` (epoch ms) lets the entry be pruned once the key would have expired anyway. */
  revoke(id: string, expiresAt: number): Promise<void>
  /** Revokes every key of `ownerId` created at or before `at` (epoch ms). */
  revokeOwner(ownerId: string, at: number): Promise<void>
  /** Revokes every key created at or before `at` (epoch ms). */
  revokeAll(at: number): Promise<void>
  /**
   * Tells every other instance that key `id` changed (name, scopes, expiry), so their caches
   * drop it. Optional: without it, other instances see a change once their cache entry
   * ages out (`cache.ttl`); the instance making the change always drops its own entry.
   */
  publishUpdate?(id: string): Promise<void>
  /**
   * Whether `subject` is revoked, answered from the in-memory mirror. Throws an
   * `UnavailableError` when the mirror is too stale to be trusted (fail closed). `at` is the
   * caller's reading of the list's clock (epoch ms), passed so the hot path reads it once;
   * default: the list reads its own.
   */
  isRevoked(subject: RevocationSubject, at?: number): boolean
  /**
   * Suspends key `id` on every instance at once, until {@link RevocationList.resume};
   * `expiresAt` (epoch ms) lets the entry be pruned once the key would have expired anyway.
   * Optional, with `resume` and `isSuspended`: without them a suspension reaches other
   * instances through the key record and `publishUpdate`, so within `cache.ttl` at worst.
   */
  suspend?(id: string, expiresAt: number): Promise<void>
  /** Lifts a suspension of key `id` on every instance. Revocations are never lifted. */
  resume?(id: string): Promise<void>
  /**
   * Whether key `id` is suspended, answered from the in-memory mirror, synchronously. Throws
   * an `UnavailableError` when the mirror is too stale to be trusted, like `isRevoked`.
   */
  isSuspended?(id: string, at?: number): boolean
  /**
   * The clock every instance shares, epoch ms: keys' `createdAt` and revoke-all epochs are
   * taken from it, so an instance whose own clock runs ahead cannot create keys that escape
   * another instance's revoke-all (Redis `TIME` for `RedisRevocationList`). Optional: without
   * it, the instance's own `now` is used, which is exact only for a single process.
   */
  time?(): Promise<number>
  /**
   * The whole state of the mirror at this moment, synchronously: what an origin serves to
   * edge instances (`GET …/edge/changes`). Throws an `UnavailableError` when the mirror is too
   * stale to be trusted, like `isRevoked`. Optional: without it the origin cannot serve an
   * edge deployment.
   */
  snapshot?(at?: number): RevocationSnapshot
  /** Calls `listener` for every event, local or from other instances; returns an unsubscribe. */
  subscribe(listener: (event: RevocationEvent) => void): () => void
  /** Resolves once the mirror is loaded; rejects when it cannot be. */
  ready(): Promise<void>
  /** Stops listening and releases what the list opened itself. */
  close(): Promise<void>
}

/**
 * Whether a revoke-all epoch, the owner's or the global one, covers a credential of `ownerId`
 * created at `createdAt`: the list is asked about an id no key has, so no revocation by id answers.
 */
export function revokedByEpoch(
  list: Pick<RevocationList, 'isRevoked'>,
  ownerId: string,
  createdAt: number,
): boolean {
  return list.isRevoked({ id: '', ownerId, createdAt })
}
