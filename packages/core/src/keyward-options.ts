import { MemoryAuditLog } from './backends/memory-audit-log.js'
import { MemoryLimiter } from './backends/memory-limiter.js'
import { MemoryRevocationList } from './backends/memory-revocation-list.js'
import { MemoryTokenStore } from './backends/memory-token-store.js'
import { configDuration } from './duration.js'
import { challengeValue, DEFAULT_REALM } from './errors.js'
import { MAX_DEADLINE_MS } from './lib/deadline.js'
import {
  assertImplements,
  assertObject,
  booleanOption,
  functionOption,
  logError,
  nonNegativeIntegerOption,
  nowOption,
  onErrorOption,
  positiveIntegerOption,
} from './lib/options.js'
import { configRateLimits, type RateLimitInput } from './limits/input.js'
import type { Limiter } from './limits/policy.js'
import { type PoliciesOptions, type ResolvedPolicies, resolvePolicies } from './policies/options.js'
import { isScope, openScopeCatalog, type ScopeCatalog } from './scopes.js'
import { createTokenHasher, type TokenHasher } from './token/hash.js'
import { compileLegacyTokens, type LegacyTokenTest } from './token/legacy.js'
import { assertPrefix } from './token/token.js'
import type {
  AuditLog,
  KeyEvent,
  RateLimit,
  RevocationList,
  TokenKind,
  TokenStore,
} from './types.js'
import { type ResolvedUsage, resolveUsageOptions, type UsageOptions } from './usage/options.js'
import type { VerifyCacheOptions } from './verify/cache.js'
import { type ResolvedWebhooks, resolveWebhooks, type WebhooksOptions } from './webhooks/options.js'

/**
 * What `createKeyward` accepts, and every check of it: each option is validated here, once,
 * and an invalid one throws `TypeError('<option> must be …')` before anything is built on it.
 */

/** Options of `createKeyward`. Invalid options throw `TypeError('<option> must be …')` at once. */
export interface KeywardOptions<S extends string = string> {
  /**
   * The prefix new tokens are issued with, e.g. `'kw_live'`. Default: the first of
   * `prefixes`, else `'kw_live'`.
   */
  prefix?: string
  /**
   * Every prefix `verify` accepts (environments, migrations). Default: `[prefix]`. When both
   * are given, `prefix` must be among them.
   */
  prefixes?: readonly string[]
  /** The scope catalog from `defineScopes`. Default: any well-formed scope is accepted. */
  scopes?: ScopeCatalog<S>
  /** Where key records live. Default: a new `MemoryTokenStore`. */
  store?: TokenStore
  /**
   * Which keys are revoked. Default: a new `MemoryRevocationList` on the same clock. With a
   * shared `store` (anything but a `MemoryTokenStore`), give a list every instance shares
   * (`RedisRevocationList`, `PostgresRevocationList`): an in-process list would keep a
   * revocation on the instance that made it while the others go on accepting the key, so
   * that combination throws a `TypeError` unless `singleInstance` is `true`.
   */
  revocations?: RevocationList
  /**
   * `true` states that this is the only instance using `store`, so the in-process
   * `MemoryRevocationList` is enough even though the store is shared (a single server on a
   * database, a script, a test). Default `false`: a shared store with the in-process list
   * throws at construction.
   */
  singleInstance?: boolean
  /** Longest lifetime a key may be given on create or update. Seconds or `'365d'`. Default `'365d'`. */
  maxLifetime?: number | string
  /** Lifetime used when `create` gets neither `expiresAt` nor `expiresIn`. Default: none (expiry required). */
  defaultExpiresIn?: number | string
  /** Longest rotation grace period. Seconds or `'24h'`. Default `'24h'`. */
  maxGracePeriod?: number | string
  /**
   * Server-side secret mixed into every stored hash (HMAC-SHA-256), at least 16 bytes. A
   * leaked database then yields nothing to test guesses against. Default: none.
   */
  pepper?: string | Uint8Array
  /**
   * Tokens of an older format (keys issued before Keyward, then imported with `keys.import`)
   * that `verify` and `import` accept: exactly those matching this pattern, at most 256
   * characters. They have no prefix or checksum to check, so they are looked up by digest
   * (the negative cache spares the store a second read of the same unknown token); a Keyward
   * token never reaches the pattern (it is tested only after the Keyward shape test fails),
   * and new keys, rotations included, are always Keyward tokens. A `RegExp` without the `g`
   * or `y` flag that matches no Keyward token of `prefixes` (else `TypeError`), anchored to the
   * older format, e.g. `/^sk_[0-9a-f]{40}$/`. Default: none, only Keyward tokens verify.
   */
  legacyTokens?: RegExp
  /** The `realm` of `WWW-Authenticate` challenges. Default `'api'`. */
  realm?: string
  /** The clock, epoch ms. Default `Date.now`. */
  now?: () => number
  /** Verification caches; see {@link VerifyCacheOptions}. */
  cache?: VerifyCacheOptions
  /**
   * Usage per key by outcome, with where each key was last used from: counted in memory by
   * each instance and flushed in batches (no backend command per verification); see
   * {@link UsageOptions}. It is also what `lastUsedAt` is read from. `false` turns it off (and
   * with it `lastUsedAt`). Default: on, in a `MemoryUsageBackend`.
   */
  usage?: UsageOptions | false
  /** Further token kinds `verify` accepts, e.g. `@keyward/jwt` access tokens. Default: none. */
  tokenKinds?: readonly TokenKind[]
  /**
   * Deployment default rate limits, for keys without `rateLimits` of their own (a key's own,
   * even an empty array, replaces them): e.g. `[{ name: 'default', limit: 100, window: '1m' }]`.
   * Default: none, and keys without limits of their own are never counted.
   */
  rateLimits?: readonly RateLimitInput[]
  /**
   * Where per-key rate limits and credits are counted. Default: a new in-process
   * `MemoryLimiter` (exact for one instance). Several instances share a `RedisLimiter`
   * from `@keyward/redis`.
   */
  limiter?: Limiter
  /**
   * How long, in ms, a request or a management action waits for one call to a shared
   * backend (a store read or write, a revocation-list write, the shared clock, a limiter
   * charge) before it is answered 503 `unavailable` with `Retry-After`, so a silent backend
   * (a frozen server, a dead route, a lock never released) never leaves a caller hanging.
   * The call itself cannot be recalled; what lands after its answer is settled: a key
   * inserted late is deleted (its token reached nobody), an update that lands late is
   * announced as the action would have announced it (a late `revokedAt` reaches the
   * revocation list), a late limiter charge is refunded, and a revocation-list write
   * completes by itself. The in-memory backends are never bounded: they do not wait. A
   * positive integer. Default `2_000`.
   */
  backendTimeout?: number
  /** Audit hook, awaited after each lifecycle change; its failures go to `onError`. */
  onEvent?: (event: KeyEvent) => void | Promise<void>
  /**
   * What a `reused` event (a key ended by its rotation presented again) also does.
   * `'revoke-successor'`: the key that replaced it is revoked too, on the assumption that
   * whoever still holds the old token may hold the new one (a leak, not a slow deployment);
   * never for a key revoked by hand or by a revoke-all. Default: none (the event only).
   */
  onReuse?: 'revoke-successor'
  /**
   * The audit log: every lifecycle event `onEvent` sees is also kept there (with the HTTP
   * client's address and user agent when it came through the management API), buffered off
   * the request path and appended in one batch per `flushInterval` (ms, a positive integer,
   * default `1_000`) and on `close()`. `log` default: a new `MemoryAuditLog` (this process
   * only); give `RedisAuditLog` or `PostgresAuditLog` to share and keep it.
   */
  audit?: { log?: AuditLog; flushInterval?: number }
  /** Receives failures that cannot reach a caller (background `touch`, `onEvent`). Default: `console.error`. */
  onError?: (error: unknown) => void
  /**
   * Signed webhooks (Standard Webhooks): every lifecycle event goes, off the request path,
   * into a durable queue and from there to each endpoint subscribing to its type, retried
   * with backoff for about a day. Default: none.
   */
  webhooks?: WebhooksOptions
  /**
   * Lifecycle policies (expiry reminders, expiry, idle keys, rotation age), per deployment
   * with per-owner overrides. Each instance runs a scheduler off the request path; each
   * action is taken once across the instances sharing `policies.queue`. Default: none.
   */
  policies?: PoliciesOptions
}

/**
 * {@link KeywardOptions} checked and completed: every default filled in (the in-memory
 * backends built), durations in milliseconds, and the token hasher built from `pepper`. It
 * holds what the verifier and the key lifecycle are configured with, so `createKeyward`
 * only hands it on.
 */
export interface ResolvedKeywardOptions {
  /** The prefix new tokens are issued with. */
  readonly prefix: string
  /** Every prefix `verify` accepts; `prefix` is among them. */
  readonly prefixes: ReadonlySet<string>
  /** The declared catalog, or one accepting any well-formed scope. */
  readonly catalog: ScopeCatalog<string>
  /** Throws `TypeError` for a required scope the catalog does not declare, or a wildcard. */
  readonly validateRequirement: (scope: string) => void
  readonly store: TokenStore
  readonly revocations: RevocationList
  /** In ms. */
  readonly maxLifetime: number
  /** In ms; `undefined` when `create` requires an expiry. */
  readonly defaultExpiresIn: number | undefined
  /** In ms. */
  readonly maxGracePeriod: number
  readonly realm: string
  readonly now: () => number
  readonly cache: Required<VerifyCacheOptions>
  /** `undefined` when usage is off. */
  readonly usage: ResolvedUsage | undefined
  /** In ms: the longest wait for one call to a shared backend. */
  readonly backendTimeout: number
  readonly tokenKinds: readonly TokenKind[]
  readonly onEvent: ((event: KeyEvent) => void | Promise<void>) | undefined
  /** What a reuse also does; `undefined`: nothing but the `reused` event. */
  readonly onReuse: 'revoke-successor' | undefined
  /** The audit log and how long, in ms, an event waits in the buffer at most. */
  readonly audit: { readonly log: AuditLog; readonly flushInterval: number }
  readonly onError: (error: unknown) => void
  /** `window` in ms; `undefined` when there are none. */
  readonly defaultRateLimits: readonly RateLimit[] | undefined
  readonly limiter: Limiter
  /** `true` when `limiter` is the default one: the instance closes it; a given one is the caller's. */
  readonly ownsLimiter: boolean
  /** Hashes tokens for storage and lookup, with `pepper` when given. */
  readonly hasher: TokenHasher
  /** Whether `pepper` was given. */
  readonly peppered: boolean
  /** Whether a token of another format is accepted (`legacyTokens`); `undefined`: none are. */
  readonly legacyTokens: LegacyTokenTest | undefined
  /** `undefined` when no webhooks are configured. */
  readonly webhooks: ResolvedWebhooks | undefined
  /** `undefined` when no policies are configured. */
  readonly policies: ResolvedPolicies | undefined
}

const DAY = 86_400_000

/**
 * Checks `options` and fills in the defaults. Throws `TypeError('<option> must be …')` for
 * the first invalid option found; the clock is read first, as the default revocation list
 * runs on it.
 */
export function resolveKeywardOptions<S extends string>(
  options: KeywardOptions<S>,
): ResolvedKeywardOptions {
  assertObject(options)
  const now = nowOption(options.now ?? Date.now)
  const { prefix, prefixes } = resolvePrefixes(options)
  const { catalog, validateRequirement } = resolveScopes(options.scopes)
  const { store, revocations } = resolveBackends(options, now)
  const { maxLifetime, defaultExpiresIn, maxGracePeriod } = resolveLifetimes(options)
  const realm = realmOption(options.realm)
  const cache = cacheOption(options.cache)
  const usage = resolveUsageOptions(options.usage)
  const backendTimeout = backendTimeoutOption(options.backendTimeout)
  const tokenKinds = tokenKindsOption(options.tokenKinds)
  const onEvent = functionOption<NonNullable<KeywardOptions['onEvent']>>(options.onEvent, 'onEvent')
  const audit = auditOption(options.audit, now)
  const onError = onErrorOption(options.onError ?? logError)
  const onReuse = onReuseOption(options.onReuse)
  const defaultRateLimits = configRateLimits(options.rateLimits)
  const limiter = options.limiter ?? new MemoryLimiter()
  assertImplements(limiter, 'limiter', ['consume', 'refund'])
  const hasher = createTokenHasher(options.pepper === undefined ? {} : { pepper: options.pepper })
  return {
    prefix,
    prefixes,
    catalog,
    validateRequirement,
    store,
    revocations,
    maxLifetime,
    defaultExpiresIn,
    maxGracePeriod,
    realm,
    now,
    cache,
    usage,
    backendTimeout,
    tokenKinds,
    onEvent,
    onReuse,
    audit,
    onError,
    defaultRateLimits,
    limiter,
    ownsLimiter: options.limiter === undefined,
    hasher,
    peppered: options.pepper !== undefined,
    legacyTokens: compileLegacyTokens(options.legacyTokens, prefixes),
    webhooks: resolveWebhooks(options.webhooks),
    policies: resolvePolicies(options.policies),
  }
}

/** `onReuse`: absent, or `'revoke-successor'`. */
function onReuseOption(value: unknown): 'revoke-successor' | undefined {
  if (value === undefined || value === 'revoke-successor') return value
  throw new TypeError("onReuse must be 'revoke-successor' when given")
}

/** `audit`: an `AuditLog` (default a new `MemoryAuditLog`) and a flush interval in ms (default 1 s). */
function auditOption(value: unknown, now: () => number): ResolvedKeywardOptions['audit'] {
  const audit = value ?? {}
  assertObject(audit, 'audit')
  const { log = new MemoryAuditLog({ now }), flushInterval } = audit as NonNullable<
    KeywardOptions['audit']
  >
  assertImplements(log, 'audit.log', ['append', 'list'])
  const interval = positiveIntegerOption(
    flushInterval,
    'audit.flushInterval',
    1_000,
    'milliseconds',
  )
  if (interval > MAX_DEADLINE_MS) {
    throw new TypeError(
      `audit.flushInterval must be a positive integer of milliseconds up to ${MAX_DEADLINE_MS}`,
    )
  }
  return { log, flushInterval: interval }
}

/** `backendTimeout`: a positive integer of ms that a timer can hold, default 2 s. */
function backendTimeoutOption(value: unknown): number {
  const timeout = positiveIntegerOption(value, 'backendTimeout', 2_000, 'milliseconds')
  if (timeout > MAX_DEADLINE_MS) {
    throw new TypeError(
      `backendTimeout must be a positive integer of milliseconds up to ${MAX_DEADLINE_MS}`,
    )
  }
  return timeout
}

/** `prefix` and `prefixes`, each well-formed, the first among the second. */
function resolvePrefixes(options: KeywardOptions<string>): {
  prefix: string
  prefixes: ReadonlySet<string>
} {
  if (options.prefixes !== undefined) {
    if (!Array.isArray(options.prefixes) || options.prefixes.length === 0) {
      throw new TypeError('prefixes must be a non-empty array of prefixes')
    }
    for (const [i, prefix] of options.prefixes.entries()) assertPrefix(prefix, `prefixes[${i}]`)
  }
  const prefix = options.prefix ?? options.prefixes?.[0] ?? 'kw_live'
  assertPrefix(prefix, 'prefix')
  const prefixes = new Set(options.prefixes ?? [prefix])
  if (!prefixes.has(prefix)) throw new TypeError('prefix must be one of prefixes')
  return { prefix, prefixes }
}

/**
 * The scope catalog, and the check of scopes a route or `verify` call requires: declared in
 * the catalog when there is one, and never a wildcard (a requirement names what it needs).
 */
function resolveScopes(scopes: ScopeCatalog<string> | undefined): {
  catalog: ScopeCatalog<string>
  validateRequirement: (scope: string) => void
} {
  const catalog = scopes ?? openScopeCatalog()
  if (typeof catalog?.validateGrants !== 'function' || typeof catalog.has !== 'function') {
    throw new TypeError('scopes must be a catalog from defineScopes()')
  }
  const declared = Boolean(scopes)
  const validateRequirement = (scope: string) => {
    if (declared && !catalog.has(scope)) {
      throw new TypeError(`required scope "${scope}" must be declared in the scope catalog`)
    }
    if (!isScope(scope))
      throw new TypeError(`required scope "${scope}" must be resource:action without wildcards`)
  }
  return { catalog, validateRequirement }
}

/**
 * The store and the revocation list. A shared store with an in-process list is refused
 * unless `singleInstance`: revocations would stay on the instance that made them while the
 * others, reading the same store, kept accepting the key.
 */
function resolveBackends(
  options: KeywardOptions<string>,
  now: () => number,
): { store: TokenStore; revocations: RevocationList } {
  const store = options.store ?? new MemoryTokenStore()
  assertImplements(store, 'store', [
    'findByHash',
    'get',
    'listByOwner',
    'insert',
    'update',
    'delete',
    'touch',
  ])
  booleanOption(options.singleInstance, 'singleInstance', false)
  if (
    !(store instanceof MemoryTokenStore) &&
    (options.revocations === undefined || options.revocations instanceof MemoryRevocationList) &&
    options.singleInstance !== true
  ) {
    throw new TypeError(
      'revocations must be a revocation list every instance shares (RedisRevocationList, ' +
        'PostgresRevocationList) when store is shared; pass singleInstance: true if this ' +
        'is the only instance using the store',
    )
  }
  const revocations = options.revocations ?? new MemoryRevocationList({ now })
  assertImplements(revocations, 'revocations', [
    'revoke',
    'revokeOwner',
    'revokeAll',
    'isRevoked',
    'subscribe',
    'ready',
    'close',
  ])
  return { store, revocations }
}

/** The lifecycle's bounds in ms; a default lifetime may not exceed the longest one. */
function resolveLifetimes(options: KeywardOptions<string>): {
  maxLifetime: number
  defaultExpiresIn: number | undefined
  maxGracePeriod: number
} {
  const maxLifetime = configDuration(options.maxLifetime, 'maxLifetime', 365 * DAY)
  const defaultExpiresIn =
    options.defaultExpiresIn === undefined
      ? undefined
      : configDuration(options.defaultExpiresIn, 'defaultExpiresIn', 0)
  if (defaultExpiresIn !== undefined && defaultExpiresIn > maxLifetime) {
    throw new TypeError('defaultExpiresIn must not exceed maxLifetime')
  }
  const maxGracePeriod = configDuration(options.maxGracePeriod, 'maxGracePeriod', DAY)
  return { maxLifetime, defaultExpiresIn, maxGracePeriod }
}

/** The realm goes into `WWW-Authenticate` as a quoted string, so it must need no escaping. */
function realmOption(value: unknown): string {
  const realm = value ?? DEFAULT_REALM
  if (typeof realm !== 'string' || realm === '' || challengeValue(realm) !== realm) {
    throw new TypeError('realm must be a non-empty string of printable ASCII without " or \\')
  }
  return realm
}

function cacheOption(value: VerifyCacheOptions | undefined): Required<VerifyCacheOptions> {
  const cache = value ?? {}
  assertObject(cache, 'cache')
  return {
    max: nonNegativeIntegerOption(cache.max, 'cache.max', 10_000),
    ttl: positiveIntegerOption(cache.ttl, 'cache.ttl', 60_000),
    negativeMax: nonNegativeIntegerOption(cache.negativeMax, 'cache.negativeMax', 10_000),
    negativeTtl: positiveIntegerOption(cache.negativeTtl, 'cache.negativeTtl', 5_000),
  }
}

function tokenKindsOption(value: readonly TokenKind[] | undefined): readonly TokenKind[] {
  const tokenKinds = value ?? []
  if (!Array.isArray(tokenKinds)) throw new TypeError('tokenKinds must be an array')
  for (const [i, kind] of tokenKinds.entries()) {
    assertImplements(kind, `tokenKinds[${i}]`, ['accepts', 'verify'])
  }
  return tokenKinds
}
