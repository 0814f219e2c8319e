import { LRUCache } from 'lru-cache'
import type { RevocationList } from '../types.js'
import type { ClaimsEntry, Entry } from './entry.js'

/** Cache settings of the verifier. */
export interface VerifyCacheOptions {
  /** Verified keys kept, by hash. Default `10_000`; `0` disables the positive cache. */
  max?: number
  /**
   * How long a verified key is reused without asking the store, in ms. Updates, rotations
   * and revocations reach caches through the revocation list at once; this bounds how long a
   * missed event could matter. Default `60_000`.
   */
  ttl?: number
  /** Unknown hashes remembered, so garbage floods do not reach the store. Default `10_000`; `0` disables. */
  negativeMax?: number
  /** How long an unknown hash is remembered, in ms. Default `5_000`. */
  negativeTtl?: number
}

/**
 * Which lookups an eviction overtook. A store read that started before a change to key `id`
 * may return the record as it was; the change's eviction then comes first and the late
 * result must not be cached (it would grant what the change took away for `cache.ttl`).
 * Every eviction gets the next number; a lookup remembers the number current when it started.
 */
class Evictions {
  #count = 0
  /** The highest number forgotten from `#byId` (or of a reset): unknown ids count as evicted then. */
  #floor = 0
  readonly #byId: LRUCache<string, number>

  constructor(max: number) {
    this.#byId = new LRUCache<string, number>({
      max,
      dispose: (count) => {
        // Stryker disable next-line EqualityOperator: at count === floor the assignment changes nothing
        if (count > this.#floor) this.#floor = count
      },
    })
  }

  /** The number a lookup starting now remembers. */
  get count(): number {
    return this.#count
  }

  evict(id: string): void {
    this.#byId.set(id, ++this.#count)
  }

  evictAll(): void {
    this.#floor = ++this.#count
  }

  /** Whether key `id` was evicted after a lookup that started at `since`. */
  overtook(id: string, since: number): boolean {
    return Math.max(this.#byId.get(id) ?? 0, this.#floor) > since
  }
}

/**
 * The verifier's caches and the rules that keep them honest: verified entries by hash (and
 * which hash is key `id`'s), unknown hashes, access tokens' verified claims. An entry is
 * reused for `ttl` from when it was read; a change made through any instance evicts it (the
 * revocation list's `updated` event, or {@link forget} here), and a lookup that such an
 * eviction overtook is not cached.
 */
export class VerifyCache {
  readonly #ttl: number
  readonly #positive: LRUCache<string, Entry> | undefined
  /** Key id → the hash its entry is cached under, so a change to the key finds the entry. */
  readonly #byId = new Map<string, string>()
  readonly #negative: LRUCache<string, true> | undefined
  /** An access token's claims never change: kept by hash until they are evicted. */
  readonly #claims: LRUCache<string, ClaimsEntry> | undefined
  readonly #evictions: Evictions

  constructor(options: Required<VerifyCacheOptions>, now: () => number) {
    this.#ttl = options.ttl
    this.#positive =
      options.max > 0
        ? new LRUCache<string, Entry>({
            max: options.max,
            // Stryker disable next-line BlockStatement: a memory bound: a key has one token hash, so a stale per-id row names only an evicted hash, which find() misses
            dispose: (entry, digest) => {
              // Stryker disable next-line ConditionalExpression,EqualityOperator: the per-id row can only name this hash (one per key); keeping or dropping it bounds memory, nothing a lookup sees
              if (this.#byId.get(entry.key.id) === digest) this.#byId.delete(entry.key.id)
            },
          })
        : undefined
    this.#negative =
      options.negativeMax > 0
        ? new LRUCache<string, true>({
            max: options.negativeMax,
            ttl: options.negativeTtl,
            perf: { now },
          })
        : undefined
    this.#claims =
      options.max > 0 ? new LRUCache<string, ClaimsEntry>({ max: options.max }) : undefined
    this.#evictions = new Evictions(Math.max(options.max, 1_000))
  }

  /**
   * The entry cached for `digest` while it is fresh at `at`. Freshness is checked against the
   * clock the pipeline reads anyway, which is cheaper than lru-cache's own TTL bookkeeping on
   * the hot path, and follows an injected clock.
   */
  find(digest: string, at: number): Entry | undefined {
    const entry = this.#positive?.get(digest)
    return entry !== undefined && at - entry.cachedAt < this.#ttl ? entry : undefined
  }

  /** The entry cached for key `id` while it is fresh at `at`. */
  findKey(id: string, at: number): Entry | undefined {
    const digest = this.#byId.get(id)
    return digest === undefined ? undefined : this.find(digest, at)
  }

  /** Marks the start of a store read: what {@link remember} takes as `since`. */
  startLookup(): number {
    return this.#evictions.count
  }

  /** Caches the entry of a record read by a lookup that started at `since`, unless an eviction overtook it. */
  remember(digest: string, entry: Entry, since: number): void {
    if (this.#positive === undefined || this.#evictions.overtook(entry.key.id, since)) return
    this.#positive.set(digest, entry)
    this.#byId.set(entry.key.id, digest)
  }

  /** Whether `digest` was found in no store lately. */
  isUnknown(digest: string): boolean {
    return this.#negative?.has(digest) ?? false
  }

  rememberUnknown(digest: string): void {
    this.#negative?.set(digest, true)
  }

  findClaims(digest: string): ClaimsEntry | undefined {
    return this.#claims?.get(digest)
  }

  rememberClaims(digest: string, claimed: ClaimsEntry): void {
    this.#claims?.set(digest, claimed)
  }

  /** Drops the cached entry of key `id`, and keeps a lookup in flight from caching it again. */
  forget(id: string): void {
    this.#evictions.evict(id)
    const digest = this.#byId.get(id)
    if (digest !== undefined) this.#positive?.delete(digest)
  }

  /**
   * Follows the revocation list's events; returns what stops following. An update or a resume
   * evicts the key's entry; a reset (the list lost track of what it missed) drops every entry and every
   * unknown hash.
   */
  follow(revocations: RevocationList): () => void {
    return revocations.subscribe((event) => {
      // Revocations and suspensions need no eviction: the list is checked on every call,
      // cached or not, and keeps the id until the key would have expired anyway (a list that
      // announces `suspended` answers `isSuspended`). Keeping the entry spares the key's next
      // request a store read on every other instance. A resume lifts what the cached record
      // may still say, so it evicts.
      if (event.type === 'updated' || event.type === 'resumed') this.forget(event.id)
      else if (event.type === 'reset') {
        this.#evictions.evictAll()
        this.#positive?.clear()
        this.#negative?.clear()
      }
    })
  }
}
