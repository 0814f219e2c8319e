import { boundBackends } from './backends/bounded-backends.js'
import { UnavailableError } from './errors.js'
import {
  type AuditQuery,
  type AuditRecorder,
  createAuditRecorder,
  listAuditEvents,
} from './keys/audit.js'
import { createLifecycleContext } from './keys/context.js'
import { handOverKey } from './keys/hand-over.js'
import { bindKeyLifecycle, type KeyLifecycle } from './keys/lifecycle.js'
import { reportReuse } from './keys/reuse.js'
import { type KeywardOptions, resolveKeywardOptions } from './keyward-options.js'
import { assertNonNegativeInteger, hasMethods } from './lib/options.js'
import type { Limiter } from './limits/policy.js'
import { createPolicyScheduler, type Policies, type PolicyScheduler } from './policies/scheduler.js'
import type { ScopeCatalog, ScopeRequirement } from './scopes.js'
import type {
  AuditLog,
  AuditPage,
  KeyEvent,
  RateLimit,
  RevocationList,
  TokenStore,
  VerifiedKey,
} from './types.js'
import { bindKeywardUsage, createUsageContext, type KeywardUsage } from './usage/keyward-usage.js'
import { withWhereFrom } from './usage/read.js'
import { createVerifier, type Verifier, type VerifyOptions } from './verify/verifier.js'
import {
  createWebhookDispatcher,
  type WebhookDispatcher,
  type Webhooks,
} from './webhooks/dispatcher.js'
import { type BackgroundContext, publishingHook } from './webhooks/events.js'

/**
 * `createKeyward` wires an instance together: the options are resolved in
 * `keyward-options.ts`, then handed to the verifier and the key lifecycle, which it binds.
 */

// Beside the factory that takes them, so callers of `createKeyward` find its options here too.
export type { KeywardOptions } from './keyward-options.js'
export type { KeywardUsage } from './usage/keyward-usage.js'

/** The lifecycle limits of an instance, in milliseconds, as `createKeyward` resolved them. */
export interface KeyLimits {
  /** Longest lifetime a key may be given on create or update (`maxLifetime`). */
  readonly maxLifetime: number
  /** Lifetime `create` uses without `expiresAt` or `expiresIn`; `undefined` when expiry is required. */
  readonly defaultExpiresIn: number | undefined
  /** Longest rotation grace period (`maxGracePeriod`). */
  readonly maxGracePeriod: number
}

/** `keyward.audit`: the audit log of lifecycle events. */
export interface KeywardAudit {
  /** The log in use. */
  readonly log: AuditLog
  /**
   * One page of an owner's events, newest first (ties by id): filtered by `keyId`, `type`,
   * `actor`, `from` (inclusive) and `to` (exclusive; instants as `Date`, epoch ms or ISO
   * 8601), `limit` 1–100 (default 50), `cursor` a previous page's `nextCursor`. Events still
   * in the buffer are not there yet: `flush()` first to read your own writes. A bad option
   * (a forged cursor too) rejects `InvalidArgumentError` naming it (422).
   */
  list(query: AuditQuery): Promise<AuditPage>
  /** Appends every buffered event now; resolves once the log took them (or failed: `onError`). */
  flush(): Promise<void>
}

/** A configured Keyward instance: verification and the key lifecycle over one store. */
export interface Keyward<S extends string = string> {
  /** The scope catalog. */
  readonly scopes: ScopeCatalog<S>
  /** The `realm` of challenges. */
  readonly realm: string
  /** The clock. */
  readonly now: () => number
  /**
   * Verifies a token: prefix and length, hash, cache (alphabet and checksum, then the store,
   * only on a miss), revocation, suspension, expiry, network rules (for
   * `options.clientIp`), scopes, limits, in that order. Resolves to the {@link VerifiedKey},
   * or rejects with a `KeywardError`.
   */
  verify(token: string, options?: VerifyOptions<S>): Promise<VerifiedKey>
  /**
   * {@link Keyward.verify} for adapters' hot path: returns synchronously when no I/O is
   * needed (a cache hit on Node), else a promise; throws synchronously on early failures.
   * `clientIp` is the address the adapter decided the request comes from (see
   * `VerifyOptions.clientIp`); without it, keys with `allowedIps` are refused. `userAgent`
   * (the request's `User-Agent`) is kept with the key's last use.
   */
  check(
    token: string,
    requirement?: ScopeRequirement,
    cost?: number,
    clientIp?: string,
    userAgent?: string,
  ): VerifiedKey | Promise<VerifiedKey>
  /**
   * Re-checks a credential that verified earlier (when a request's headers arrived, say)
   * against the state at this moment: a fresh store read of the key, or of an access token's
   * parent key, then revocation, suspension, expiry and the network rules for `clientIp`
   * (a key with `allowedIps` and no `clientIp` is refused). Resolves to the credential as it
   * stands now (current scopes, current end); rejects with a `KeywardError` like `verify`.
   * The management API calls it right before it acts, so a caller revoked or suspended while
   * its request body was still arriving cannot act.
   */
  recheck(key: VerifiedKey, clientIp?: string): Promise<VerifiedKey>
  /** Compiles verify options into a reusable requirement (validated against the catalog). */
  requirement(options: VerifyOptions<S>): ScopeRequirement | undefined
  /** The key lifecycle: create, list, get, update, rotate, suspend, resume, revoke, revokeAll. */
  readonly keys: KeyLifecycle<S>
  /** The audit log: every lifecycle event, kept and queryable. */
  readonly audit: KeywardAudit
  /** Usage per key by outcome; `undefined` with `usage: false`. */
  readonly usage: KeywardUsage | undefined
  /** The store in use. */
  readonly store: TokenStore
  /** The revocation list in use. */
  readonly revocations: RevocationList
  /** The lifecycle limits in force, resolved from the options (what a settings page draws). */
  readonly limits: KeyLimits
  /** The deployment default rate limits (`window` in ms), `undefined` when none. */
  readonly defaultRateLimits: readonly RateLimit[] | undefined
  /** The limiter counting per-key rate limits and credits. */
  readonly limiter: Limiter
  /** The webhook delivery log and endpoints; `undefined` without the `webhooks` option. */
  readonly webhooks: Webhooks | undefined
  /** The lifecycle policies' scheduler; `undefined` without the `policies` option. */
  readonly policies: Policies | undefined
  /** Resolves once the revocation list's mirror is loaded. */
  ready(): Promise<void>
  /**
   * Stops listening for revocation events and closes the revocation list; with webhooks,
   * first puts every event into the queue and lets attempts in flight finish; then flushes
   * the audit buffer (a normal shutdown loses no audit event).
   */
  close(): Promise<void>
}

/**
 * Builds a Keyward instance. Everything expensive (hasher, caches, matchers) is built here,
 * once; bad configuration throws a `TypeError` here rather than on a request.
 */
export function createKeyward<S extends string = string>(
  options: KeywardOptions<S> = {},
): Keyward<S> {
  const resolved = resolveKeywardOptions(options)
  // Every call to a shared backend on a request or management path waits at most
  // `backendTimeout`; `isRevoked`, on the hot path, is the list's own (it never waits).
  const bounded = boundBackends(resolved, (id) => verifier.forget(id))
  const usage = resolved.usage && createUsageContext(resolved.usage, resolved)
  const verifier = createVerifier({
    ...resolved,
    usage: usage?.recorder,
    store: bounded.store,
    limiter: bounded.limiter,
    onFirstUse: (successorId, predecessorId) => handOverKey(lifecycle, successorId, predecessorId),
    onReuse: (reuse) => reportReuse(lifecycle, reuse, resolved.onReuse),
  })
  const recorder = createAuditRecorder({ ...resolved.audit, onError: resolved.onError })
  // Every event goes through the lifecycle's emitter: the audit log, then webhooks and policies
  // (publishingHook), then `onEvent`; the dispatcher and the scheduler emit their own through it.
  const background = {
    now: resolved.now,
    onError: resolved.onError,
    emit: (event: KeyEvent, id?: string) => lifecycle.emit(event, undefined, id),
  }
  const webhooks = resolved.webhooks && createWebhookDispatcher(resolved.webhooks, background)
  const policies = startPolicies(resolved, background, recorder, webhooks, () => keys)
  const lifecycle = createLifecycleContext({
    ...resolved,
    ...bounded,
    onEvent: publishingHook(resolved.onEvent, [webhooks, policies]),
    audit: recorder,
    forget: verifier.forget,
    ...(usage && { withUsage: (read) => withWhereFrom(usage, read) }),
  })
  const keys = bindKeyLifecycle(lifecycle)
  webhooks?.start()
  const { maxLifetime, defaultExpiresIn, maxGracePeriod, revocations, limiter } = resolved

  return Object.freeze({
    scopes: resolved.catalog as ScopeCatalog<S>,
    realm: resolved.realm,
    now: resolved.now,
    store: resolved.store,
    revocations,
    limits: Object.freeze({ maxLifetime, defaultExpiresIn, maxGracePeriod }),
    defaultRateLimits: resolved.defaultRateLimits,
    limiter,
    keys: keys as KeyLifecycle<S>,
    webhooks: webhooks && {
      attempts: webhooks.attempts,
      endpoints: webhooks.endpoints,
      enable: webhooks.enable,
      flush: webhooks.flush,
    },
    policies: policies && { run: policies.run, flush: policies.flush, schedule: policies.schedule },
    audit: Object.freeze({
      log: resolved.audit.log,
      list: (query: AuditQuery) => listAuditEvents(resolved.audit.log, query),
      flush: async () => {
        await recorder.flush()
      },
    }),
    usage: usage && bindKeywardUsage(usage, (ownerId) => keys.list(ownerId)),
    verify: verifyWith<S>(verifier),
    check: verifier.check,
    recheck: verifier.recheck,
    requirement: (verifyOptions: VerifyOptions<S>) => verifier.requirement(verifyOptions),
    ready: () => revocations.ready(),
    async close() {
      await policies?.close()
      await webhooks?.close()
      // Then, while the backends are still open: a normal shutdown loses no audit event.
      await recorder.close()
      await usage?.recorder.close()
      verifier.close()
      await revocations.close()
      if (resolved.ownsLimiter) await limiter.close?.()
    },
  })
}

/**
 * The lifecycle policies' scheduler, started, when `policies` is set: it acts through `keys()`
 * (the lifecycle, bound after it), and completes a job once its event is stored (`settle`).
 */
function startPolicies(
  resolved: ReturnType<typeof resolveKeywardOptions>,
  background: BackgroundContext,
  recorder: AuditRecorder,
  webhooks: WebhookDispatcher | undefined,
  keys: () => KeyLifecycle<string>,
): PolicyScheduler | undefined {
  if (!resolved.policies) return undefined
  const policies = createPolicyScheduler(resolved.policies, {
    ...background,
    get: (id) => keys().get(id),
    revoke: (id) => keys().revoke(id, { actor: 'policy' }),
    list: (ownerId, cursor) => keys().listPage(ownerId, cursor === undefined ? {} : { cursor }),
    audited: async (ownerId, keyId, type, id) => {
      await recorder.flush()
      const { events } = await listAuditEvents(resolved.audit.log, { ownerId, keyId, type })
      return events.some((event) => event.id === id)
    },
    settle: async () => {
      if (webhooks && !(await webhooks.settle())) {
        throw new UnavailableError('The webhook queue is unavailable.')
      }
      if (!(await recorder.flush())) throw new UnavailableError('The audit log is unavailable.')
    },
  })
  policies.start()
  return policies
}

/** `keyward.verify` over the verifier: options checked, the answer always a promise. */
function verifyWith<S extends string>(
  verifier: Verifier,
): (token: string, verifyOptions?: VerifyOptions<S>) => Promise<VerifiedKey> {
  return function verify(token: string, verifyOptions?: VerifyOptions<S>): Promise<VerifiedKey> {
    // Not `async`: a cache hit is already answered, and wrapping it costs an async frame.
    // Without options (the common call) there is no cost to validate and no requirement.
    try {
      let result: VerifiedKey | Promise<VerifiedKey>
      if (verifyOptions === undefined) result = verifier.check(token)
      else {
        const { cost, clientIp, userAgent } = verifyOptions
        if (cost !== undefined) assertNonNegativeInteger(cost, 'cost')
        if (clientIp !== undefined && typeof clientIp !== 'string') {
          throw new TypeError('clientIp must be a string')
        }
        if (userAgent !== undefined && typeof userAgent !== 'string') {
          throw new TypeError('userAgent must be a string')
        }
        const requirement = verifier.requirement(verifyOptions)
        result = verifier.check(token, requirement, cost, clientIp, userAgent)
      }
      return result instanceof Promise ? result : Promise.resolve(result)
    } catch (error) {
      return Promise.reject(error)
    }
  }
}

/**
 * Throws a `TypeError` unless `keyward` looks like what `createKeyward` returns: components
 * that take an instance (the authenticator, scope guards) check it once, when built.
 */
export function assertKeyward(keyward: unknown): asserts keyward is Keyward<string> {
  if (
    !hasMethods(keyward, ['check', 'requirement']) ||
    typeof (keyward as Partial<Keyward>).realm !== 'string'
  ) {
    throw new TypeError('keyward must be an instance from createKeyward()')
  }
}
