import { LRUCache } from 'lru-cache'
import { InvalidTokenError, KeywardError, UnavailableError } from './errors.js'
import type { TokenHasher } from './hash.js'
import { assertKeyRecord } from './record.js'
import { type ScopeRequirement, scopeRequirement } from './scopes.js'
import { compileTokenChecker, type TokenChecker } from './token.js'
import type {
  KeyRecord,
  RevocationList,
  RevocationSubject,
  TokenClaims,
  TokenKind,
  TokenStore,
  VerifiedKey,
} from './types.js'

/** Per-call options of `keyward.verify`. */
export interface VerifyOptions<S extends string = string> {
  /** Every one of these scopes is required. Default: none. */
  scopes?: readonly S[]
  /** At least one of these scopes is required. Default: none. */
  anyScopes?: readonly S[]
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

/** What a cache entry holds: everything the per-call checks need, precomputed. */
interface Entry {
  key: VerifiedKey
  subject: RevocationSubject
  granted: ReadonlySet<string>
  /** When this entry last queued a `lastUsedAt` write: spares the per-key lookup on most hits. */
  touchedAt: number
  /**
   * When an API key's entry was read from the store; it is reused for `cache.ttl` from then.
   * Checked against the clock `accept` reads anyway, which is cheaper than lru-cache's own
   * TTL bookkeeping on the hot path, and follows an injected clock.
   */
  cachedAt: number
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
}

/** The verification pipeline, built once per `createKeyward`. */
export interface Verifier {
  /**
   * Verifies `token`; returns synchronously when no I/O is needed (a cache hit where hashing
   * is synchronous, or a failure found before the store), else a promise. Throws or rejects
   * with a `KeywardError`.
   */
  check(token: string, requirement?: ScopeRequirement): VerifiedKey | Promise<VerifiedKey>
  /** Compiles (and memoizes) the requirement of a set of verify options. */
  requirement(options: VerifyOptions | undefined): ScopeRequirement | undefined
  /** Drops the cached entry of key `id`, after a change made through this instance. */
  forget(id: string): void
  /** Drops every cached entry. */
  clear(): void
  /** Stops listening to the revocation list. */
  close(): void
}

const MAX_MEMOIZED_REQUIREMENTS = 256
const NONE: readonly string[] = Object.freeze([])

/** Builds the verifier: caches, event subscription and the pipeline of DESIGN's order. */
export function createVerifier(config: VerifierConfig): Verifier {
  const { prefixes, realm, now, hasher, store, revocations, tokenKinds, touchInterval } = config
  const errorOptions = { realm }
  const perf = { now }
  const byId = new Map<string, string>()
  const tokens: TokenChecker = compileTokenChecker(prefixes, realm)
  const ttl = config.cache.ttl
  const positive =
    config.cache.max > 0
      ? new LRUCache<string, Entry>({
          max: config.cache.max,
          dispose: (entry, hash) => {
            if (byId.get(entry.key.id) === hash) byId.delete(entry.key.id)
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
  const touched = new LRUCache<string, number>({ max: Math.max(config.cache.max, 1_000) })
  const requirements = new Map<string, ScopeRequirement>()

  const forget = (id: string) => {
    const hash = byId.get(id)
    if (hash !== undefined) positive?.delete(hash)
  }
  const unsubscribe = revocations.subscribe((event) => {
    // Revocations need no eviction: they are checked on every call, cached or not.
    if (event.type === 'updated') forget(event.id)
    else if (event.type === 'reset') {
      positive?.clear()
      negative?.clear()
    }
  })

  const unknown = () =>
    new InvalidTokenError('unknown_token', 'The API key is not recognised.', errorOptions)

  /** Steps 4–7: revocation, expiry, scopes, success. Synchronous, on every call. */
  const accept = (
    entry: Entry,
    requirement: ScopeRequirement | undefined,
    at: number,
  ): VerifiedKey => {
    if (revocations.isRevoked(entry.subject)) {
      throw new InvalidTokenError('revoked_token', 'The API key has been revoked.', errorOptions)
    }
    if (at >= entry.key.expiresAt) {
      throw new InvalidTokenError('expired_token', 'The API key has expired.', errorOptions)
    }
    requirement?.check(entry.granted, realm)
    if (at - entry.touchedAt >= touchInterval) {
      entry.touchedAt = at
      // Per key, not per entry: every access token of a key shares the key's minute.
      const id = entry.key.id
      const last = touched.get(id)
      if (last === undefined || at - last >= touchInterval) {
        touched.set(id, at)
        queueMicrotask(() => {
          store.touch(id, at).catch(config.onError)
        })
      }
    }
    return entry.key
  }

  const remember = (hash: string, entry: Entry) => {
    if (!positive) return
    positive.set(hash, entry)
    byId.set(entry.key.id, hash)
  }

  /** The cached entry for `hash` while it is fresh at `at`. */
  const cachedEntry = (hash: string, at: number): Entry | undefined => {
    const entry = positive?.get(hash)
    return entry !== undefined && at - entry.cachedAt < ttl ? entry : undefined
  }

  const lookup = async (token: string, hash: string | undefined): Promise<Entry> => {
    const digest = hash ?? (await hasher.hash(token))
    const cached = cachedEntry(digest, now())
    if (cached) return cached
    if (negative?.has(digest)) throw unknown()
    let record: KeyRecord | undefined
    try {
      record = await store.findByHash(digest)
      if (record !== undefined) assertKeyRecord(record, 'stored key record')
    } catch (error) {
      if (error instanceof KeywardError) throw error
      throw new UnavailableError('The key store is unavailable.', { ...errorOptions, cause: error })
    }
    if (record === undefined || record.hash !== digest) {
      negative?.set(digest, true)
      throw unknown()
    }
    const entry = entryOf('api_key', record, now())
    remember(digest, entry)
    return entry
  }

  const lookupExtension = async (kind: TokenKind, token: string): Promise<Entry> => {
    const digest = await hasher.hash(token)
    const cached = cachedEntry(digest, now())
    if (cached) return cached
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
    // Claims never change, so they stay fresh until they expire (`accept` then refuses them);
    // they are not indexed by key id because that slot belongs to the API key's own entry
    // (revocation is checked on every call anyway).
    const identity = { ...claims, id: claims.keyId, createdAt: claims.issuedAt }
    const entry = entryOf(kind.name, identity, Number.POSITIVE_INFINITY)
    positive?.set(digest, entry)
    return entry
  }

  const check = (
    token: string,
    requirement?: ScopeRequirement,
  ): VerifiedKey | Promise<VerifiedKey> => {
    if (typeof token !== 'string') {
      throw new InvalidTokenError('malformed_token', 'The API key is malformed.', errorOptions)
    }
    for (const kind of tokenKinds) {
      if (kind.accepts(token)) {
        return lookupExtension(kind, token).then((entry) => accept(entry, requirement, now()))
      }
    }
    // Step 1 (parse) rejects malformed tokens before the store is asked, always. Where
    // hashing is synchronous (Node), its costlier half (alphabet and checksum, ~130 ns) is
    // skipped on a cache hit: only a stored, hence well-formed, token can hash to a cached
    // hash. A mistyped token of the right prefix and length costs one extra SHA-256; no
    // answer changes. Measured in bench/ (verify cache hit ÷ floor).
    tokens.checkShape(token)
    const hash = hasher.hashSync?.(token)
    if (hash !== undefined) {
      const at = now()
      const cached = cachedEntry(hash, at)
      if (cached) return accept(cached, requirement, at)
    }
    tokens.check(token)
    return lookup(token, hash).then((entry) => accept(entry, requirement, now()))
  }

  const requirement = (options: VerifyOptions | undefined): ScopeRequirement | undefined => {
    if (!options) return undefined
    const all = options.scopes ?? NONE
    const any = options.anyScopes ?? NONE
    if (all.length === 0 && any.length === 0) return undefined
    // Per call, so the common case (one required scope) builds no string; scopes contain
    // no `|`, so the general keys cannot collide with it.
    const memoKey =
      any.length === 0 && all.length === 1 ? all[0]! : `${all.join(' ')}|${any.join(' ')}`
    let compiled = requirements.get(memoKey)
    if (!compiled) {
      for (const scope of [...all, ...any]) config.validateRequirement(scope)
      const allOf = scopeRequirement(all, 'all')
      const anyOf = scopeRequirement(any, 'any')
      compiled =
        any.length === 0
          ? allOf
          : all.length === 0
            ? anyOf
            : {
                scopes: [...allOf.scopes, ...anyOf.scopes],
                mode: 'all',
                check: (granted, at) => {
                  allOf.check(granted, at)
                  anyOf.check(granted, at)
                },
              }
      if (requirements.size >= MAX_MEMOIZED_REQUIREMENTS) requirements.clear()
      requirements.set(memoKey, compiled)
    }
    return compiled
  }

  return {
    check,
    requirement,
    forget,
    clear() {
      positive?.clear()
      negative?.clear()
    },
    close: unsubscribe,
  }
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

function entryOf(kind: string, identity: Identity, cachedAt: number): Entry {
  return {
    key: verifiedKeyOf(kind, identity),
    subject: Object.freeze({
      id: identity.id,
      ownerId: identity.ownerId,
      createdAt: identity.createdAt,
    }),
    granted: new Set(identity.scopes),
    touchedAt: Number.NEGATIVE_INFINITY,
    cachedAt,
  }
}
