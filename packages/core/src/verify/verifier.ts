import { LRUCache } from 'lru-cache'
import { assertKeyRecord } from '../backends/record.js'
import { InvalidTokenError, KeywardError } from '../errors.js'
import { chargeRequest } from '../limits/charge.js'
import { type Limiter, type LimitPolicy, limitPolicyOf } from '../limits/policy.js'
import { isSubsetOf, requirementCompiler, type ScopeRequirement } from '../scopes.js'
import type { TokenHasher } from '../token/hash.js'
import { compileTokenChecker, type TokenChecker } from '../token/token.js'
import type {
  KeyRecord,
  RateLimit,
  RevocationList,
  RevocationSubject,
  TokenClaims,
  TokenKind,
  TokenStore,
  VerifiedKey,
} from '../types.js'
import { fromBackend } from '../unavailable.js'

/** Per-call options of `keyward.verify`. */
export interface VerifyOptions<S extends string = string> {
  /** Every one of these scopes is required. Default: none. */
  scopes?: readonly S[]
  /** At least one of these scopes is required. Default: none. */
  anyScopes?: readonly S[]
  /**
   * What this call charges a key with rate limits or credits, in units: a non-negative
   * integer. Default `1`. Keys without limits are never charged.
   */
  cost?: number
}

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
 * What a cache entry holds: everything the per-call steps need, precomputed. An API key's
 * entry comes from its stored record; an access token's is its claims bounded by its parent
 * key's entry (see {@link combine}).
 */
interface Entry {
  key: VerifiedKey
  subject: RevocationSubject
  granted: ReadonlySet<string>
  /** The record carries `revokedAt` (or the token does not belong to the parent's record): revoked whatever the list says. */
  revoked: boolean
  /** How messages name the credential: `'API key'` or `'access token'`. */
  noun: string
  /** The key's limits, `undefined` when nothing limits it (the limit step is then skipped). */
  limits: LimitPolicy | undefined
  /** When this entry last queued a `lastUsedAt` write: spares the per-key lookup on most hits. */
  touchedAt: number
  /**
   * When an API key's entry was read from the store; it is reused for `cache.ttl` from then.
   * Checked against the clock `accept` reads anyway, which is cheaper than lru-cache's own
   * TTL bookkeeping on the hot path, and follows an injected clock.
   */
  cachedAt: number
}

/** An access token's verified claims (they never change), and their last combination with the parent's entry. */
interface ClaimsEntry {
  kind: string
  claims: TokenClaims
  parent: Entry | undefined
  combined: Entry | undefined
}

export interface VerifierConfig {
  prefixes: ReadonlySet<string>
  realm: string
  now: () => number
  hasher: TokenHasher
  store: TokenStore
  revocations: RevocationList
  tokenKinds: readonly TokenKind[]
  cache: Required<VerifyCacheOptions>
  touchInterval: number
  validateRequirement: (scope: string) => void
  onError: (error: unknown) => void
  /** Counts and charges per-key limits. */
  limiter: Limiter
  /** Limits of keys that have none of their own (`createKeyward({ rateLimits })`). */
  defaultRateLimits: readonly RateLimit[] | undefined
}

/** The verification pipeline, built once per `createKeyward`. */
export interface Verifier {
  /**
   * Verifies `token`; returns synchronously when no I/O is needed (a cache hit where hashing
   * is synchronous, or a failure found before the store), else a promise. Throws or rejects
   * with a `KeywardError`.
   */
  check(
    token: string,
    requirement?: ScopeRequirement,
    cost?: number,
  ): VerifiedKey | Promise<VerifiedKey>
  /**
   * Re-checks a credential verified earlier against the state at this moment: a fresh store
   * read of the key (of an access token's parent), then revocation and expiry. Resolves to
   * the credential as it stands now (current scopes and end).
   */
  recheck(key: VerifiedKey): Promise<VerifiedKey>
  /** Compiles (and memoizes) the requirement of a set of verify options. */
  requirement(options: VerifyOptions | undefined): ScopeRequirement | undefined
  /** Drops the cached entry of key `id`, after a change made through this instance. */
  forget(id: string): void
  /** Stops listening to the revocation list. */
  close(): void
}

/** What the per-call steps (4–8) read, built once per verifier. */
interface Steps {
  realm: string
  errorOptions: { realm: string }
  revocations: RevocationList
  store: TokenStore
  touchInterval: number
  /** Key id → when its `lastUsedAt` write was last queued: per key, so its access tokens share its minute. */
  touched: LRUCache<string, number>
  onError: (error: unknown) => void
  limits: { limiter: Limiter; now: () => number; onError: (error: unknown) => void }
}

const API_KEY = 'api_key'

// The pipeline of DESIGN.md, one named step each. API keys and access tokens go through the
// same steps 4–8 on the same kind of entry; steps 1–3 differ only in how the entry is found.
// The limit step sits between `scopes` and `success`, so a request refused for anything
// else costs nothing.

/** Step 1 — parse: prefix, length, alphabet and checksum, before any hashing or store access. */
function parse(tokens: TokenChecker, token: string, full: boolean): void {
  if (full) tokens.check(token)
  else tokens.checkShape(token)
}

/** Step 2 — hash: SHA-256 (or HMAC with the pepper); synchronous where Node's one-shot hash exists. */
function hash(hasher: TokenHasher, token: string): string | Promise<string> {
  return hasher.hashSync?.(token) ?? hasher.hash(token)
}

/**
 * Step 4 — revocation: the record's own `revokedAt`, then the list (key id, owner and global
 * epochs). The list judges its own staleness by its own clock, which need not be this one.
 */
function revocation(steps: Steps, entry: Entry): void {
  if (entry.revoked || steps.revocations.isRevoked(entry.subject)) {
    throw new InvalidTokenError(
      'revoked_token',
      `The ${entry.noun} has been revoked.`,
      steps.errorOptions,
    )
  }
}

/** Step 5 — expiry: the credential fails from `expiresAt` on. */
function expiry(steps: Steps, entry: Entry, at: number): void {
  if (at >= entry.key.expiresAt) {
    throw new InvalidTokenError(
      'expired_token',
      `The ${entry.noun} has expired.`,
      steps.errorOptions,
    )
  }
}

/** Step 6 — scopes: the requirement against what the credential grants now. */
function scopes(steps: Steps, entry: Entry, requirement: ScopeRequirement | undefined): void {
  if (requirement === undefined) return
  if (entry.limits === undefined) {
    requirement.check(entry.granted, steps.realm)
    return
  }
  try {
    requirement.check(entry.granted, steps.realm)
  } catch (error) {
    // Every answer of a limited key carries its policy; it was not charged, so no state.
    if (error instanceof KeywardError) error.addHeaders({ 'ratelimit-policy': entry.limits.header })
    throw error
  }
}

/**
 * Step 7 — limit: a key with rate limits or credits is charged `cost` on every limit at
 * once, or refused (429) having been charged nothing. Keys without limits pay one property
 * check. Returns the request's own key (with its `rateLimit` state), a promise of it when
 * the limiter asks its backend, or `undefined` for an unlimited key.
 */
function limit(
  steps: Steps,
  entry: Entry,
  cost: number,
  at: number,
): VerifiedKey | Promise<VerifiedKey> {
  return chargeRequest(steps.limits, entry.limits!, entry.key, cost, at)
}

/** Step 9 — touch: `lastUsedAt`, written at most once per `touchInterval` per key, off the request path. */
function touch(steps: Steps, entry: Entry, at: number): void {
  if (at - entry.touchedAt < steps.touchInterval) return
  entry.touchedAt = at
  const id = entry.key.id
  const last = steps.touched.get(id)
  if (last !== undefined && at - last < steps.touchInterval) return
  steps.touched.set(id, at)
  queueMicrotask(() => {
    steps.store.touch(id, at).catch(steps.onError)
  })
}

/** Step 8 — success: the frozen {@link VerifiedKey} handlers see. */
function success(entry: Entry): VerifiedKey {
  return entry.key
}

/** Steps 4–9 on an entry, on every call, cached or not; synchronous unless the limiter asks its backend. */
function accept(
  steps: Steps,
  entry: Entry,
  requirement: ScopeRequirement | undefined,
  at: number,
  cost: number,
): VerifiedKey | Promise<VerifiedKey> {
  revocation(steps, entry)
  expiry(steps, entry, at)
  scopes(steps, entry, requirement)
  if (entry.limits !== undefined) {
    const admitted = limit(steps, entry, cost, at)
    touch(steps, entry, at)
    return admitted
  }
  touch(steps, entry, at)
  return success(entry)
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

/** Builds the verifier: caches, event subscription and the pipeline of DESIGN's order. */
export function createVerifier(config: VerifierConfig): Verifier {
  const { prefixes, realm, now, hasher, store, revocations, tokenKinds } = config
  const errorOptions = { realm }
  const perf = { now }
  const byId = new Map<string, string>()
  const tokens: TokenChecker = compileTokenChecker(prefixes, realm)
  const ttl = config.cache.ttl
  const positive =
    config.cache.max > 0
      ? new LRUCache<string, Entry>({
          max: config.cache.max,
          dispose: (entry, digest) => {
            if (byId.get(entry.key.id) === digest) byId.delete(entry.key.id)
          },
        })
      : undefined
  const negative =
    config.cache.negativeMax > 0
      ? new LRUCache<string, true>({
          max: config.cache.negativeMax,
          ttl: config.cache.negativeTtl,
          perf,
        })
      : undefined
  const claimsCache =
    config.cache.max > 0 ? new LRUCache<string, ClaimsEntry>({ max: config.cache.max }) : undefined
  const evictions = new Evictions(Math.max(config.cache.max, 1_000))
  const steps: Steps = {
    realm,
    errorOptions,
    revocations,
    store,
    touchInterval: config.touchInterval,
    touched: new LRUCache<string, number>({ max: Math.max(config.cache.max, 1_000) }),
    onError: config.onError,
    limits: { limiter: config.limiter, now, onError: config.onError },
  }
  const defaults = config.defaultRateLimits
  const entryOf = (record: KeyRecord, cachedAt: number) => recordEntry(record, cachedAt, defaults)

  const forget = (id: string) => {
    evictions.evict(id)
    const digest = byId.get(id)
    if (digest !== undefined) positive?.delete(digest)
  }
  const unsubscribe = revocations.subscribe((event) => {
    // Revocations need no eviction: the list is checked on every call, cached or not, and
    // keeps the id until the key would have expired anyway. (Keeping the entry spares the
    // revoked key's next request a store read on every other instance.)
    if (event.type === 'updated') forget(event.id)
    else if (event.type === 'reset') {
      evictions.evictAll()
      positive?.clear()
      negative?.clear()
    }
  })

  const unknown = () =>
    new InvalidTokenError('unknown_token', 'The API key is not recognised.', errorOptions)

  /** Reads the store; a failing backend is `unavailable`, corrupt data too (never a key). */
  const read = (work: () => Promise<KeyRecord | undefined>) =>
    fromBackend(
      async () => {
        const record = await work()
        if (record !== undefined) assertKeyRecord(record, 'stored key record')
        return record
      },
      'The key store is unavailable.',
      errorOptions,
    )

  /** Caches the entry of a record read by a lookup that started at `since`, unless an eviction overtook it. */
  const remember = (digest: string, entry: Entry, since: number) => {
    if (!positive || evictions.overtook(entry.key.id, since)) return
    positive.set(digest, entry)
    byId.set(entry.key.id, digest)
  }

  /** The cached entry for `digest` while it is fresh at `at`. */
  const cachedEntry = (digest: string, at: number): Entry | undefined => {
    const entry = positive?.get(digest)
    return entry !== undefined && at - entry.cachedAt < ttl ? entry : undefined
  }

  /** Step 3 — lookup of an API key: positive cache, negative cache, then the store by hash. */
  const lookup = async (token: string, known: string | undefined): Promise<Entry> => {
    const digest = known ?? (await hash(hasher, token))
    const cached = cachedEntry(digest, now())
    if (cached) return cached
    if (negative?.has(digest)) throw unknown()
    const since = evictions.count
    const record = await read(() => store.findByHash(digest))
    if (record === undefined || record.hash !== digest) {
      negative?.set(digest, true)
      throw unknown()
    }
    const entry = entryOf(record, now())
    remember(digest, entry, since)
    return entry
  }

  /** Step 3 for an access token's parent: its API key's entry, from the cache or the store by id. */
  const parentEntry = async (id: string): Promise<Entry> => {
    const digest = byId.get(id)
    const cached = digest === undefined ? undefined : cachedEntry(digest, now())
    if (cached) return cached
    const since = evictions.count
    const record = await read(() => store.get(id))
    if (record === undefined || record.id !== id) {
      throw new InvalidTokenError(
        'unknown_token',
        "The access token's API key no longer exists.",
        errorOptions,
      )
    }
    const entry = entryOf(record, now())
    remember(record.hash, entry, since)
    return entry
  }

  /** Step 3 for an access token: its claims (verified once, kept until they expire), bounded by the parent's current entry. */
  const lookupExtension = async (kind: TokenKind, token: string): Promise<Entry> => {
    const digest = await hash(hasher, token)
    let claimed = claimsCache?.get(digest)
    if (claimed === undefined) {
      let claims: TokenClaims
      try {
        claims = await kind.verify(token)
      } catch (error) {
        if (error instanceof KeywardError) throw error
        throw new InvalidTokenError('malformed_token', 'The access token is invalid.', {
          ...errorOptions,
          cause: error,
        })
      }
      claimed = { kind: kind.name, claims, parent: undefined, combined: undefined }
      claimsCache?.set(digest, claimed)
    }
    if (kind.standalone === true) {
      claimed.combined ??= standaloneEntry(claimed.kind, claimed.claims, defaults)
      return claimed.combined
    }
    const parent = await parentEntry(claimed.claims.keyId)
    if (claimed.parent !== parent || claimed.combined === undefined) {
      claimed.combined = combine(claimed.kind, claimed.claims, parent)
      claimed.parent = parent
    }
    return claimed.combined
  }

  const check = (
    token: string,
    requirement?: ScopeRequirement,
    cost = 1,
  ): VerifiedKey | Promise<VerifiedKey> => {
    if (typeof token !== 'string') {
      throw new InvalidTokenError('malformed_token', 'The API key is malformed.', errorOptions)
    }
    for (const kind of tokenKinds) {
      if (kind.accepts(token)) {
        return lookupExtension(kind, token).then((entry) =>
          accept(steps, entry, requirement, now(), cost),
        )
      }
    }
    // Step 1 (parse) rejects malformed tokens before the store is asked, always. Where
    // hashing is synchronous (Node), its costlier half (alphabet and checksum, ~130 ns) is
    // skipped on a cache hit: only a stored, hence well-formed, token can hash to a cached
    // hash. A mistyped token of the right prefix and length costs one extra SHA-256; no
    // answer changes. Measured in bench/ (verify cache hit ÷ floor).
    parse(tokens, token, false)
    const digest = hasher.hashSync?.(token)
    if (digest !== undefined) {
      const at = now()
      const cached = cachedEntry(digest, at)
      if (cached) return accept(steps, cached, requirement, at, cost)
    }
    parse(tokens, token, true)
    return lookup(token, digest).then((entry) => accept(steps, entry, requirement, now(), cost))
  }

  const recheck = async (key: VerifiedKey): Promise<VerifiedKey> => {
    const since = evictions.count
    const record = await read(() => store.get(key.id))
    if (record === undefined || record.id !== key.id) throw unknown()
    const parent = entryOf(record, now())
    remember(record.hash, parent, since)
    const entry =
      key.kind === API_KEY && key.createdAt === record.createdAt
        ? parent
        : combine(
            key.kind,
            {
              keyId: key.id,
              ownerId: key.ownerId,
              name: key.name,
              scopes: key.scopes,
              issuedAt: key.createdAt,
              expiresAt: key.expiresAt,
              keyCreatedAt: key.createdAt,
              ...(key.metadata === undefined ? {} : { metadata: key.metadata }),
            },
            parent,
          )
    const at = now()
    revocation(steps, entry)
    expiry(steps, entry, at)
    return success(entry)
  }
  const compile = requirementCompiler(config.validateRequirement)
  const requirement = (options: VerifyOptions | undefined): ScopeRequirement | undefined =>
    options ? compile(options.scopes, options.anyScopes) : undefined

  return { check, recheck, requirement, forget, close: unsubscribe }
}

/** What a cache entry is built from: a stored record, or an extension's verified claims. */
interface Identity {
  id: string
  name: string
  ownerId: string
  scopes: readonly string[]
  createdAt: number
  expiresAt: number
  metadata?: KeyRecord['metadata']
}

/** The frozen {@link VerifiedKey} handlers see, from a record or from a token kind's claims. */
export function verifiedKeyOf(
  kind: string,
  identity: Pick<
    Identity,
    'id' | 'name' | 'ownerId' | 'scopes' | 'expiresAt' | 'createdAt' | 'metadata'
  >,
): VerifiedKey {
  const key: VerifiedKey = {
    id: identity.id,
    name: identity.name,
    ownerId: identity.ownerId,
    scopes: Object.freeze([...identity.scopes]),
    expiresAt: identity.expiresAt,
    createdAt: identity.createdAt,
    kind,
  }
  if (identity.metadata !== undefined) {
    key.metadata = Object.freeze(structuredClone(identity.metadata))
  }
  return Object.freeze(key)
}

/** The entry of a stored record: an API key. */
function recordEntry(
  record: KeyRecord,
  cachedAt: number,
  defaults: readonly RateLimit[] | undefined,
): Entry {
  return {
    key: verifiedKeyOf(API_KEY, record),
    subject: Object.freeze({
      id: record.id,
      ownerId: record.ownerId,
      createdAt: record.createdAt,
    }),
    granted: new Set(record.scopes),
    revoked: record.revokedAt !== undefined,
    noun: 'API key',
    limits: limitPolicyOf(record, defaults),
    touchedAt: Number.NEGATIVE_INFINITY,
    cachedAt,
  }
}

/**
 * An access token's entry: its claims bounded by its parent key's current entry. It ends
 * when the parent ends (revocation by id, by the owner's or the global epoch judged by the
 * parent's creation, expiry, the end of a rotation's grace), and grants only what both the
 * token and the parent grant now. A token whose claims do not match the parent's record
 * (another owner, another creation time) is treated as revoked.
 */
function combine(kind: string, claims: TokenClaims, parent: Entry): Entry {
  const parentScopes = parent.key.scopes
  const granted = intersectGrants(claims.scopes, parentScopes)
  const foreign =
    claims.ownerId !== parent.key.ownerId || claims.keyCreatedAt !== parent.subject.createdAt
  return {
    key: verifiedKeyOf(kind, {
      id: parent.key.id,
      name: parent.key.name,
      ownerId: parent.key.ownerId,
      scopes: granted,
      expiresAt: Math.min(claims.expiresAt, parent.key.expiresAt),
      createdAt: parent.subject.createdAt,
      ...(claims.metadata === undefined ? {} : { metadata: claims.metadata }),
    }),
    subject: parent.subject,
    granted: new Set(granted),
    revoked: parent.revoked || foreign,
    noun: 'access token',
    limits: parent.limits,
    touchedAt: Number.NEGATIVE_INFINITY,
    cachedAt: parent.cachedAt,
  }
}

/** An access token judged by its claims alone (a `standalone` token kind: no store to read). */
function standaloneEntry(
  kind: string,
  claims: TokenClaims,
  defaults: readonly RateLimit[] | undefined,
): Entry {
  const subject = Object.freeze({
    id: claims.keyId,
    ownerId: claims.ownerId,
    createdAt: claims.keyCreatedAt,
  })
  return {
    key: verifiedKeyOf(kind, { ...claims, id: claims.keyId, createdAt: claims.keyCreatedAt }),
    subject,
    granted: new Set(claims.scopes),
    revoked: false,
    noun: 'access token',
    limits: limitPolicyOf({ id: claims.keyId, expiresAt: claims.expiresAt }, defaults),
    touchedAt: Number.NEGATIVE_INFINITY,
    cachedAt: Number.POSITIVE_INFINITY,
  }
}

/**
 * The grants held by both lists: a scope is granted by the result exactly when both grant
 * it. Of two grants where one covers the other (`projects:*` and `projects:read`), the
 * narrower one is kept.
 */
export function intersectGrants(a: readonly string[], b: readonly string[]): string[] {
  const both = new Set<string>()
  for (const grant of a) if (isSubsetOf([grant], b)) both.add(grant)
  for (const grant of b) if (isSubsetOf([grant], a)) both.add(grant)
  return [...both]
}
