import { MemoryRevocationList } from './backends/memory-revocation-list.js'
import { MemoryTokenStore } from './backends/memory-token-store.js'
import { configDuration } from './duration.js'
import { challengeValue, DEFAULT_REALM } from './errors.js'
import { createKeyLifecycle, type KeyLifecycle } from './keys/lifecycle.js'
import {
  assertImplements,
  assertNonNegativeInteger,
  assertObject,
  booleanOption,
  functionOption,
  logError,
  nonNegativeIntegerOption,
  nowOption,
  onErrorOption,
  positiveIntegerOption,
} from './lib/options.js'
import {
  configRateLimits,
  type Limiter,
  MemoryLimiter,
  type RateLimitInput,
} from './limits/limits.js'
import { isScope, openScopeCatalog, type ScopeCatalog, type ScopeRequirement } from './scopes.js'
import { createTokenHasher } from './token/hash.js'
import { assertPrefix } from './token/token.js'
import type {
  KeyEvent,
  RateLimit,
  RevocationList,
  TokenKind,
  TokenStore,
  VerifiedKey,
} from './types.js'
import { createVerifier, type VerifyCacheOptions, type VerifyOptions } from './verify/verifier.js'

/** Options of {@link createKeyward}. Invalid options throw `TypeError('<option> must be …')` at once. */
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
  /** The `realm` of `WWW-Authenticate` challenges. Default `'api'`. */
  realm?: string
  /** The clock, epoch ms. Default `Date.now`. */
  now?: () => number
  /** Verification caches; see {@link VerifyCacheOptions}. */
  cache?: VerifyCacheOptions
  /** How often `lastUsedAt` is written per key, at most, in ms. Default `60_000`. */
  touchInterval?: number
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
  /** Audit hook, awaited after each lifecycle change; its failures go to `onError`. */
  onEvent?: (event: KeyEvent) => void | Promise<void>
  /** Receives failures that cannot reach a caller (background `touch`, `onEvent`). Default: `console.error`. */
  onError?: (error: unknown) => void
}

/** The lifecycle limits of an instance, in milliseconds, as `createKeyward` resolved them. */
export interface KeyLimits {
  /** Longest lifetime a key may be given on create or update (`maxLifetime`). */
  readonly maxLifetime: number
  /** Lifetime `create` uses without `expiresAt` or `expiresIn`; `undefined` when expiry is required. */
  readonly defaultExpiresIn: number | undefined
  /** Longest rotation grace period (`maxGracePeriod`). */
  readonly maxGracePeriod: number
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
   * Verifies a token: prefix, checksum, hash, lookup, revocation, expiry, scopes, in that
   * order. Resolves to the {@link VerifiedKey}, or rejects with a `KeywardError`.
   */
  verify(token: string, options?: VerifyOptions<S>): Promise<VerifiedKey>
  /**
   * {@link Keyward.verify} for adapters' hot path: returns synchronously when no I/O is
   * needed (a cache hit on Node), else a promise; throws synchronously on early failures.
   */
  check(
    token: string,
    requirement?: ScopeRequirement,
    cost?: number,
  ): VerifiedKey | Promise<VerifiedKey>
  /**
   * Re-checks a credential that verified earlier (when a request's headers arrived, say)
   * against the state at this moment: a fresh store read of the key, or of an access token's
   * parent key, then revocation and expiry. Resolves to the credential as it stands now
   * (current scopes, current end); rejects with a `KeywardError` like `verify`. The
   * management API calls it right before it acts, so a caller revoked while its request
   * body was still arriving cannot act.
   */
  recheck(key: VerifiedKey): Promise<VerifiedKey>
  /** Compiles verify options into a reusable requirement (validated against the catalog). */
  requirement(options: VerifyOptions<S>): ScopeRequirement | undefined
  /** The key lifecycle: create, list, get, update, rotate, revoke, revokeAll. */
  readonly keys: KeyLifecycle<S>
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
  /** Resolves once the revocation list's mirror is loaded. */
  ready(): Promise<void>
  /** Stops listening for revocation events and closes the revocation list. */
  close(): Promise<void>
}

const DAY = 86_400_000

/**
 * Builds a Keyward instance. Everything expensive (hasher, caches, matchers) is built here,
 * once; bad configuration throws a `TypeError` here rather than on a request.
 */
export function createKeyward<S extends string = string>(
  options: KeywardOptions<S> = {},
): Keyward<S> {
  assertObject(options)
  const now = nowOption(options.now ?? Date.now)

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

  const catalog = (options.scopes ?? openScopeCatalog()) as ScopeCatalog<string>
  if (typeof catalog?.validateGrants !== 'function' || typeof catalog.has !== 'function') {
    throw new TypeError('scopes must be a catalog from defineScopes()')
  }
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
    // Revocations would stay on the instance that made them while the others, reading the
    // same store, kept accepting the key.
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

  const maxLifetime = configDuration(options.maxLifetime, 'maxLifetime', 365 * DAY)
  const defaultExpiresIn =
    options.defaultExpiresIn === undefined
      ? undefined
      : configDuration(options.defaultExpiresIn, 'defaultExpiresIn', 0)
  if (defaultExpiresIn !== undefined && defaultExpiresIn > maxLifetime) {
    throw new TypeError('defaultExpiresIn must not exceed maxLifetime')
  }
  const maxGracePeriod = configDuration(options.maxGracePeriod, 'maxGracePeriod', DAY)

  const realm = options.realm ?? DEFAULT_REALM
  if (typeof realm !== 'string' || realm === '' || challengeValue(realm) !== realm) {
    throw new TypeError('realm must be a non-empty string of printable ASCII without " or \\')
  }
  const cache = options.cache ?? {}
  assertObject(cache, 'cache')
  const cacheConfig: Required<VerifyCacheOptions> = {
    max: nonNegativeIntegerOption(cache.max, 'cache.max', 10_000),
    ttl: positiveIntegerOption(cache.ttl, 'cache.ttl', 60_000),
    negativeMax: nonNegativeIntegerOption(cache.negativeMax, 'cache.negativeMax', 10_000),
    negativeTtl: positiveIntegerOption(cache.negativeTtl, 'cache.negativeTtl', 5_000),
  }
  const touchInterval = positiveIntegerOption(options.touchInterval, 'touchInterval', 60_000)
  const tokenKinds = options.tokenKinds ?? []
  if (!Array.isArray(tokenKinds)) throw new TypeError('tokenKinds must be an array')
  for (const [i, kind] of tokenKinds.entries()) {
    assertImplements(kind, `tokenKinds[${i}]`, ['accepts', 'verify'])
  }
  functionOption(options.onEvent, 'onEvent')
  const onError = onErrorOption(options.onError ?? logError)

  const defaultRateLimits = configRateLimits(options.rateLimits)
  const limiter: Limiter = options.limiter ?? new MemoryLimiter()
  assertImplements(limiter, 'limiter', ['consume', 'refund'])

  const hasher = createTokenHasher(options.pepper === undefined ? {} : { pepper: options.pepper })
  const validateRequirement = (scope: string) => {
    if (options.scopes && !catalog.has(scope)) {
      throw new TypeError(`required scope "${scope}" must be declared in the scope catalog`)
    }
    if (!isScope(scope))
      throw new TypeError(`required scope "${scope}" must be resource:action without wildcards`)
  }

  const verifier = createVerifier({
    prefixes,
    realm,
    now,
    hasher,
    store,
    revocations,
    tokenKinds,
    cache: cacheConfig,
    touchInterval,
    validateRequirement,
    onError,
    limiter,
    defaultRateLimits,
  })
  const keys = createKeyLifecycle({
    prefix,
    prefixes,
    catalog,
    hasher,
    store,
    revocations,
    now,
    maxLifetime,
    defaultExpiresIn,
    maxGracePeriod,
    onEvent: options.onEvent,
    onError,
    forget: verifier.forget,
  })

  return Object.freeze({
    scopes: catalog as ScopeCatalog<S>,
    realm,
    now,
    store,
    revocations,
    limits: Object.freeze({ maxLifetime, defaultExpiresIn, maxGracePeriod }),
    defaultRateLimits,
    limiter,
    keys: keys as KeyLifecycle<S>,
    verify(token: string, verifyOptions?: VerifyOptions<S>): Promise<VerifiedKey> {
      // Not `async`: a cache hit is already answered, and wrapping it costs an async frame.
      try {
        const cost = verifyOptions?.cost
        if (cost !== undefined) assertNonNegativeInteger(cost, 'cost')
        const result = verifier.check(token, verifier.requirement(verifyOptions), cost)
        return result instanceof Promise ? result : Promise.resolve(result)
      } catch (error) {
        return Promise.reject(error)
      }
    },
    check: verifier.check,
    recheck: verifier.recheck,
    requirement: (verifyOptions: VerifyOptions<S>) => verifier.requirement(verifyOptions),
    ready: () => revocations.ready(),
    async close() {
      verifier.close()
      await revocations.close()
      if (options.limiter === undefined) await limiter.close?.()
    },
  })
}
