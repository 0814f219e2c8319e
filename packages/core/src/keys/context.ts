import type { ScopeCatalog } from '../scopes.js'
import type { TokenHasher } from '../token/hash.js'
import type { ApiKey, KeyEvent, RevocationList, TokenStore } from '../types.js'
import { fromBackend } from '../unavailable.js'
import { type AuditRecorder, auditEventOf, type EventOrigin } from './audit.js'
import type { ExpiryBounds } from './input.js'

/** What `createKeyward` hands the lifecycle: its resolved options and the parts it built. */
export interface LifecycleConfig {
  prefix: string
  prefixes: ReadonlySet<string>
  catalog: ScopeCatalog<string>
  hasher: TokenHasher
  store: TokenStore
  revocations: RevocationList
  now: () => number
  maxLifetime: number
  defaultExpiresIn: number | undefined
  maxGracePeriod: number
  /** The publishing hook (webhooks, policies, then the app's `onEvent`); `id` as given to `emit`. */
  onEvent: ((event: KeyEvent, id?: string) => void | Promise<void>) | undefined
  /** Buffers every event for the audit log. */
  audit: AuditRecorder
  onError: (error: unknown) => void
  /** Drops this instance's cached verification of a key that just changed. */
  forget: (id: string) => void
  /** Adds where keys were last used from (usage); absent when usage is off. */
  withUsage?: (keys: ApiKey[]) => Promise<ApiKey[]>
}

/** What every lifecycle operation works with; built once per `Keyward`. */
export interface LifecycleContext {
  /** The prefix of tokens issued now. */
  readonly prefix: string
  /** Every prefix a token of ours may carry (the current one and those accepted still). */
  readonly prefixes: ReadonlySet<string>
  readonly catalog: ScopeCatalog<string>
  readonly hasher: TokenHasher
  readonly store: TokenStore
  readonly revocations: RevocationList
  /** This instance's clock, epoch milliseconds. */
  readonly now: () => number
  /** Bounds on expiry and on the rotation grace period, in milliseconds. */
  readonly limits: ExpiryBounds & { readonly maxGracePeriod: number }
  /**
   * Records the event in the audit log (with where it came from over HTTP) and tells the
   * application's `onEvent` hook; never rejects (see {@link createLifecycleContext}).
   */
  readonly emit: (event: KeyEvent, origin?: EventOrigin, id?: string) => Promise<void>
  readonly onError: (error: unknown) => void
  /** Drops this instance's cached verification of a key that just changed. */
  readonly forget: (id: string) => void
  /** Adds where keys were last used from to keys read (`get`, the lists); identity when usage is off. */
  readonly withUsage: (keys: ApiKey[]) => Promise<ApiKey[]>
}

/** Builds the lifecycle's context from `createKeyward`'s config. */
export function createLifecycleContext(config: LifecycleConfig): LifecycleContext {
  const { onEvent, onError, audit } = config
  // The change is made before its event: a failing audit hook must not undo or fail it.
  const emit = async function emitKeyEvent(
    event: KeyEvent,
    origin?: EventOrigin,
    id?: string,
  ): Promise<void> {
    try {
      audit.record(auditEventOf(event, origin, id))
    } catch (error) {
      onError(error)
    }
    if (!onEvent) return
    try {
      await onEvent(event, id)
    } catch (error) {
      onError(error)
    }
  }
  return {
    prefix: config.prefix,
    prefixes: config.prefixes,
    catalog: config.catalog,
    hasher: config.hasher,
    store: config.store,
    revocations: config.revocations,
    now: config.now,
    limits: {
      maxLifetime: config.maxLifetime,
      defaultExpiresIn: config.defaultExpiresIn,
      maxGracePeriod: config.maxGracePeriod,
    },
    emit,
    onError,
    forget: config.forget,
    withUsage: config.withUsage ?? (async (keys) => keys),
  }
}

/** Runs a store or revocation-list call: its failures become `unavailable`; our own errors pass through. */
export function callBackend<T>(work: () => Promise<T>): Promise<T> {
  return fromBackend(work, 'The key store is unavailable.')
}

/**
 * The shared clock that `createdAt` and revoke-all epochs come from (Redis `TIME` with the
 * Redis list), so instances with skewed clocks still order creations and revoke-alls right.
 */
export function readSharedClock(ctx: LifecycleContext): Promise<number> | number {
  const { revocations } = ctx
  return revocations.time ? callBackend(() => revocations.time!()) : ctx.now()
}

/** A key's record changed: this instance's cache drops it now, the others when told. */
export async function announceChange(ctx: LifecycleContext, id: string): Promise<void> {
  ctx.forget(id)
  const { revocations } = ctx
  if (revocations.publishUpdate) await callBackend(() => revocations.publishUpdate!(id))
}

/**
 * Puts a revoked key on the revocation list and out of this instance's cache.
 *
 * The record keeps `revokedAt` for as long as it exists, so a revoked key never verifies
 * and never changes again, whatever the list prunes; the list entry is what makes every
 * instance refuse it at once, cached or not.
 */
export async function announceRevocation(
  ctx: Pick<LifecycleContext, 'revocations' | 'forget'>,
  id: string,
  expiresAt: number,
): Promise<void> {
  await callBackend(() => ctx.revocations.revoke(id, expiresAt))
  ctx.forget(id)
}

/**
 * Puts a suspended key on the revocation list's suspended set (every instance refuses it at
 * once) and out of this instance's cache. A list without suspensions is told of an update
 * instead: other instances then read the record's `suspendedAt` once their entry is evicted.
 */
export async function announceSuspension(
  ctx: LifecycleContext,
  id: string,
  expiresAt: number,
): Promise<void> {
  ctx.forget(id)
  const { revocations } = ctx
  if (revocations.suspend) await callBackend(() => revocations.suspend!(id, expiresAt))
  else if (revocations.publishUpdate) await callBackend(() => revocations.publishUpdate!(id))
  ctx.forget(id)
}

/** Lifts a suspension on the revocation list (or announces the update), and drops the cached entry. */
export async function announceResumption(ctx: LifecycleContext, id: string): Promise<void> {
  ctx.forget(id)
  const { revocations } = ctx
  if (revocations.resume) await callBackend(() => revocations.resume!(id))
  else if (revocations.publishUpdate) await callBackend(() => revocations.publishUpdate!(id))
  ctx.forget(id)
}
