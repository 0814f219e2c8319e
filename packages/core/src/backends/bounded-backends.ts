import type { Limiter, LimitOutcome, LimitPolicy } from '../limits/policy.js'
import type { KeyRecord, KeyRecordPatch, RevocationList, TokenStore } from '../types.js'
import { type BackendBound, fromBackend } from '../unavailable.js'
import { MemoryLimiter } from './memory-limiter.js'
import { MemoryRevocationList } from './memory-revocation-list.js'
import { MemoryTokenStore } from './memory-token-store.js'

/**
 * Bounded waits on every backend call a request or a management action makes: the store,
 * the revocation list's writes and the limiter, each wrapped once by `createKeyward` so that
 * a backend that stops answering (a frozen server, a dead route, a lock never released)
 * costs the caller at most `timeout` ms and a 503 `unavailable` with `Retry-After`.
 *
 * A call cannot be recalled once sent, so each wrapper also says what becomes of a write that
 * lands after its caller was answered 503 — nothing is left half-done:
 * - a key record inserted late is **undone** (deleted): its token was never shown to anyone;
 * - a record updated late is **completed**: its change is announced as the action would have
 *   announced it (a `revokedAt` reaches the revocation list, any other change evicts caches);
 * - a revocation-list write completes by itself (state and announcement are one atomic
 *   script or statement, and the list applies its mirror when the reply comes);
 * - a limiter charge admitted late is **undone** (refunded): its request was answered 503.
 */

/** What every bounded wrapper needs. */
export interface BoundOptions {
  /** Milliseconds a caller waits for one backend call, at most. */
  timeout: number
  /** The clock, epoch ms, for the store's health. */
  now: () => number
  /** Receives failures of completing or undoing a write that landed late. */
  onError: (error: unknown) => void
}

/** Options of {@link boundTokenStore}. */
export interface BoundStoreOptions extends BoundOptions {
  /** How long the verifier trusts a cached record, ms: what {@link StoreHealth} judges by. */
  cacheTtl: number
  /** Completes an update that landed after its caller was answered: announce `record`'s change. */
  completeUpdate: (record: KeyRecord, patch: KeyRecordPatch) => void
}

/** How the store has been answering, as the bounded store saw it: what readiness reports. */
export interface StoreHealth {
  /** Epoch ms of the last call that answered; `undefined` when none has yet. */
  readonly lastSuccess: number | undefined
  /** Whether the most recent call that finished failed or ran out of time. */
  readonly failing: boolean
  /** The last failure's message, while failing. */
  readonly lastError: string | undefined
  /** The verifier's cache TTL, ms: cached records older than this no longer answer. */
  readonly cacheTtl: number
}

/** Health of each store `createKeyward` bounded, by the store the application gave it. */
const healthByStore = new WeakMap<TokenStore, StoreHealth>()

/** How `store` has been answering, if `createKeyward` bounds its calls; else `undefined`. */
export function storeHealthOf(store: TokenStore): StoreHealth | undefined {
  return healthByStore.get(store)
}

const STORE_UNAVAILABLE = 'The key store is unavailable.'
const LIST_UNAVAILABLE = 'The revocation list is unavailable.'
const LIMITER_UNAVAILABLE = 'The rate limiter is unavailable.'

/**
 * `store` with every call waiting at most `options.timeout` (see the module comment for what
 * becomes of late writes), and its answers recorded for {@link storeHealthOf}.
 */
export function boundTokenStore(store: TokenStore, options: BoundStoreOptions): TokenStore {
  const health = {
    lastSuccess: undefined as number | undefined,
    failing: false,
    lastError: undefined as string | undefined,
    cacheTtl: options.cacheTtl,
  }
  healthByStore.set(store, health)
  const observed = async <T>(work: Promise<T>): Promise<T> => {
    try {
      const value = await work
      health.lastSuccess = options.now()
      health.failing = false
      health.lastError = undefined
      return value
    } catch (error) {
      health.failing = true
      health.lastError = error instanceof Error ? error.message : String(error)
      throw error
    }
  }
  const call = <T>(work: () => Promise<T>, late?: (value: T) => void): Promise<T> =>
    observed(fromBackend(work, STORE_UNAVAILABLE, undefined, boundOf(options, late)))
  return {
    findByHash: (hash) => call(() => store.findByHash(hash)),
    get: (id) => call(() => store.get(id)),
    listByOwner: (ownerId, options) => call(() => store.listByOwner(ownerId, options)),
    // Undone: the caller was answered 503, so nobody holds this record's token.
    insert: (record) =>
      call(
        () => store.insert(record),
        () => {
          store.delete(record.id).catch(options.onError)
        },
      ),
    // Left in place: an imported token was issued elsewhere and is held already, and a re-run
    // of the import reports what landed as duplicates.
    ...(store.insertMany && {
      insertMany: (records: readonly KeyRecord[]) => call(() => store.insertMany!(records)),
    }),
    // Completed: the change stands in the store, so every instance must hear of it.
    update: (id, patch, condition) =>
      call(
        () => store.update(id, patch, condition),
        (record) => {
          if (record) options.completeUpdate(record, patch)
        },
      ),
    delete: (id) => call(() => store.delete(id)),
    touch: (id, lastUsedAt) => call(() => store.touch(id, lastUsedAt)),
  }
}

/**
 * `list` with its writes and `time()` waiting at most `options.timeout`. A write that lands
 * late completes by itself. `isRevoked` is the list's own, unwrapped: it never waits.
 */
export function boundRevocationList(list: RevocationList, options: BoundOptions): RevocationList {
  const call = <T>(work: () => Promise<T>): Promise<T> =>
    fromBackend(work, LIST_UNAVAILABLE, undefined, boundOf(options))
  const bounded: RevocationList = {
    revoke: (id, expiresAt) => call(() => list.revoke(id, expiresAt)),
    revokeOwner: (ownerId, at) => call(() => list.revokeOwner(ownerId, at)),
    revokeAll: (at) => call(() => list.revokeAll(at)),
    isRevoked: list.isRevoked.bind(list),
    subscribe: (listener) => list.subscribe(listener),
    ready: () => list.ready(),
    close: () => list.close(),
  }
  if (list.publishUpdate) bounded.publishUpdate = (id) => call(() => list.publishUpdate!(id))
  if (list.suspend) bounded.suspend = (id, expiresAt) => call(() => list.suspend!(id, expiresAt))
  if (list.resume) bounded.resume = (id) => call(() => list.resume!(id))
  if (list.isSuspended) bounded.isSuspended = list.isSuspended.bind(list)
  if (list.time) bounded.time = () => call(() => list.time!())
  return bounded
}

/**
 * `limiter` with each asynchronous charge waiting at most `options.timeout`; an answer that
 * comes in time, and every synchronous one, passes as it is. A charge admitted after its
 * request was answered 503 is refunded.
 */
export function boundLimiter(limiter: Limiter, options: BoundOptions): Limiter {
  const bounded: Limiter = {
    consume(policy: LimitPolicy, cost: number, at: number) {
      const outcome = limiter.consume(policy, cost, at)
      if (!(outcome instanceof Promise)) return outcome
      return fromBackend(
        () => outcome,
        LIMITER_UNAVAILABLE,
        undefined,
        boundOf(options, (late: LimitOutcome) => {
          if (late.refused !== undefined) return
          const refunded = limiter.refund(policy, cost, late)
          if (refunded instanceof Promise) refunded.catch(options.onError)
        }),
      )
    },
    refund: (policy, cost, outcome) => limiter.refund(policy, cost, outcome),
  }
  if (limiter.close) bounded.close = () => limiter.close!()
  return bounded
}

/** The backends of one Keyward instance, and what bounding their calls needs. */
export interface InstanceBackends {
  store: TokenStore
  revocations: RevocationList
  limiter: Limiter
  /** `createKeyward`'s `backendTimeout`, ms. */
  backendTimeout: number
  now: () => number
  onError: (error: unknown) => void
  cache: { ttl: number }
}

/**
 * The backends `createKeyward` hands its verifier and lifecycle: each shared one bounded by
 * `backendTimeout`. The in-process ones answer without waiting on anything and are handed
 * over as they are, so the memory defaults cost nothing more. `forget` drops this instance's
 * cached entry of a key, for an update that lands late.
 */
export function boundBackends(
  backends: InstanceBackends,
  forget: (id: string) => void,
): { store: TokenStore; revocations: RevocationList; limiter: Limiter } {
  const { store, revocations, limiter, onError } = backends
  const options: BoundOptions = { timeout: backends.backendTimeout, now: backends.now, onError }
  // A late update stands in the store: the rest of the action is done as it would have been.
  const completeUpdate = (record: KeyRecord, patch: KeyRecordPatch) => {
    forget(record.id)
    const announced =
      patch.revokedAt !== undefined
        ? revocations.revoke(record.id, record.expiresAt)
        : revocations.publishUpdate?.(record.id)
    announced?.catch(onError)
  }
  return {
    store:
      store instanceof MemoryTokenStore
        ? store
        : boundTokenStore(store, { ...options, cacheTtl: backends.cache.ttl, completeUpdate }),
    revocations:
      revocations instanceof MemoryRevocationList
        ? revocations
        : boundRevocationList(revocations, options),
    limiter: limiter instanceof MemoryLimiter ? limiter : boundLimiter(limiter, options),
  }
}

function boundOf<T>(options: BoundOptions, late?: (value: T) => void): BackendBound<T> {
  return late === undefined
    ? { timeout: options.timeout, onError: options.onError }
    : { timeout: options.timeout, late, onError: options.onError }
}
