import { nowOption } from '../lib/options.js'
import type {
  RevocationEvent,
  RevocationList,
  RevocationSnapshot,
  RevocationSubject,
} from '../types.js'
import { revocationChange } from './revocation-change.js'

/** Below this many entries a pruning pass is not worth its cost. */
const MIN_PRUNE_SIZE = 1_024

/** Options of {@link MemoryRevocationList}. */
export interface MemoryRevocationListOptions {
  /**
   * The clock, epoch ms: {@link MemoryRevocationList.time} reads it, and entries of keys that
   * have expired anyway are pruned by it. Default `Date.now`.
   */
  now?: () => number
}

/**
 * The embedded {@link RevocationList}, for a single process: its state is its own mirror,
 * so it is never stale, and its clock is the process's own (`now`). Entries for single keys
 * are pruned once the key would have expired anyway, in passes that run when the list has
 * doubled since the last one.
 */
export class MemoryRevocationList implements RevocationList {
  readonly #revoked = new Map<string, number>()
  readonly #ownerEpochs = new Map<string, number>()
  /** Suspended key id → its key's expiry, epoch ms. */
  readonly #suspended = new Map<string, number>()
  #globalEpoch = Number.NEGATIVE_INFINITY
  /** The size at which the next pruning pass runs: twice what the last one left, so each revoke costs O(1) amortised. */
  #pruneAt = MIN_PRUNE_SIZE
  readonly #listeners = new Set<(event: RevocationEvent) => void>()
  readonly #now: () => number

  constructor(options: MemoryRevocationListOptions = {}) {
    this.#now = nowOption(options.now)
  }

  async revoke(id: string, expiresAt: number): Promise<void> {
    revocationChange.revoked(id, expiresAt)
    if (this.#revoked.size >= this.#pruneAt) this.#prune()
    this.#revoked.set(id, Math.max(expiresAt, this.#revoked.get(id) ?? 0))
    this.#emit({ type: 'revoked', id })
  }

  async revokeOwner(ownerId: string, at: number): Promise<void> {
    revocationChange.revokedOwner(ownerId, at)
    this.#ownerEpochs.set(ownerId, Math.max(at, this.#ownerEpochs.get(ownerId) ?? at))
    this.#emit({ type: 'revoked_owner', ownerId, at })
  }

  async revokeAll(at: number): Promise<void> {
    revocationChange.revokedAll(at)
    this.#globalEpoch = Math.max(this.#globalEpoch, at)
    this.#emit({ type: 'revoked_all', at })
  }

  /** Suspends key `id` until {@link MemoryRevocationList.resume}; the entry goes once the key has expired. */
  async suspend(id: string, expiresAt: number): Promise<void> {
    revocationChange.suspended(id, expiresAt)
    if (this.#suspended.size >= this.#pruneAt) this.#prune()
    this.#suspended.set(id, expiresAt)
    this.#emit({ type: 'suspended', id })
  }

  /** Lifts a suspension of key `id`; a revocation stays. */
  async resume(id: string): Promise<void> {
    revocationChange.resumed(id)
    this.#suspended.delete(id)
    this.#emit({ type: 'resumed', id })
  }

  /** Whether key `id` is suspended. Never throws, like {@link MemoryRevocationList.isRevoked}. */
  isSuspended(id: string, _at?: number): boolean {
    return this.#suspended.size !== 0 && this.#suspended.has(id)
  }

  async publishUpdate(id: string): Promise<void> {
    revocationChange.updated(id)
    this.#emit({ type: 'updated', id })
  }

  /**
   * Whether `subject` is revoked. Never throws: the state is in this process, so it is never
   * stale, and the caller's clock reading `at` changes nothing.
   */
  isRevoked(subject: RevocationSubject, _at?: number): boolean {
    if (this.#globalEpoch >= subject.createdAt) return true
    // Runs on every verification, cache hits included: an empty table (no revoke-all for any
    // owner, nothing revoked yet) is not searched.
    // Stryker disable next-line ConditionalExpression: a fast path; an empty map finds no epoch either
    if (this.#ownerEpochs.size !== 0) {
      const ownerEpoch = this.#ownerEpochs.get(subject.ownerId)
      if (ownerEpoch !== undefined && ownerEpoch >= subject.createdAt) return true
    }
    return this.#revoked.size !== 0 && this.#revoked.has(subject.id)
  }

  /**
   * The clock keys' `createdAt` and revoke-all epochs are taken from: this list's own `now`,
   * floored to whole milliseconds. One process has no other instance to agree with.
   */
  async time(): Promise<number> {
    return Math.floor(this.#now())
  }

  /** The whole state, copied; never throws (the state is in this process). */
  snapshot(_at?: number): RevocationSnapshot {
    return {
      revoked: [...this.#revoked],
      ownerEpochs: [...this.#ownerEpochs],
      globalEpoch: Number.isFinite(this.#globalEpoch) ? this.#globalEpoch : null,
      suspended: [...this.#suspended],
    }
  }

  subscribe(listener: (event: RevocationEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.#listeners.clear()
  }

  #emit(event: RevocationEvent): void {
    for (const listener of this.#listeners) listener(event)
  }

  #prune(): void {
    const now = this.#now()
    for (const [id, expiresAt] of this.#revoked) if (expiresAt <= now) this.#revoked.delete(id)
    for (const [id, expiresAt] of this.#suspended) if (expiresAt <= now) this.#suspended.delete(id)
    this.#pruneAt = Math.max(MIN_PRUNE_SIZE, this.#revoked.size * 2, this.#suspended.size * 2)
  }
}
