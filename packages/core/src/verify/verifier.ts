import { InvalidTokenError, KeywardError } from '../errors.js'
import type { Limiter } from '../limits/policy.js'
import { requirementCompiler, type ScopeRequirement } from '../scopes.js'
import type { TokenHasher } from '../token/hash.js'
import type { LegacyTokenTest } from '../token/legacy.js'
import { compileTokenChecker } from '../token/token.js'
import type { RateLimit, RevocationList, TokenKind, TokenStore, VerifiedKey } from '../types.js'
import type { UsageRecorder } from '../usage/recorder.js'
import { DEPLOYMENT_USAGE_ID } from '../usage-types.js'
import { VerifyCache, type VerifyCacheOptions } from './cache.js'
import type { VerifyContext } from './context.js'
import type { Entry } from './entry.js'
import { lookupAccessToken, lookupApiKey, lookupCurrent } from './lookup.js'
import {
  chargeLimits,
  checkExpiry,
  checkNetwork,
  checkRevocation,
  checkScopes,
  checkSuspension,
  countRefusal,
  countUse,
  handOver,
  noticeReuse,
} from './steps.js'

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
  /**
   * The address the request comes from, as the adapter decided it (the socket's peer, or a
   * trusted proxy's forwarded address; never a header the client controls). Keys with
   * `allowedIps` are refused from elsewhere, and without it (403 `ip_not_allowed`). Default:
   * none, so only keys without network rules verify.
   */
  clientIp?: string
  /** The request's `User-Agent`, kept (at most 256 characters) with the key's last use. Default: none. */
  userAgent?: string
}

/** What {@link createVerifier} is built from: `createKeyward`'s options, resolved. */
export interface VerifierConfig {
  prefixes: ReadonlySet<string>
  /** Tokens of another format accepted (`legacyTokens`), tested only after the Keyward shape fails. */
  legacyTokens: LegacyTokenTest | undefined
  realm: string
  now: () => number
  hasher: TokenHasher
  store: TokenStore
  revocations: RevocationList
  tokenKinds: readonly TokenKind[]
  cache: Required<VerifyCacheOptions>
  /** Counts outcomes per key; `undefined` when usage is off. */
  usage: UsageRecorder | undefined
  validateRequirement: (scope: string) => void
  onError: (error: unknown) => void
  /** Counts and charges per-key limits. */
  limiter: Limiter
  /** Limits of keys that have none of their own (`createKeyward({ rateLimits })`). */
  defaultRateLimits: readonly RateLimit[] | undefined
  /** Records the reuse of a key a rotation ended (`keys/reuse.ts`). */
  onReuse: VerifyContext['onReuse']
  /** Ends the predecessor of a rotation until first use once its successor verified. */
  onFirstUse: (successorId: string, predecessorId: string) => Promise<void>
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
    clientIp?: string,
    userAgent?: string,
  ): VerifiedKey | Promise<VerifiedKey>
  /**
   * Re-checks a credential verified earlier against the state at this moment: a fresh store
   * read of the key (of an access token's parent), then revocation, suspension, expiry and
   * the network rules for `clientIp` (a key with rules and no `clientIp` is refused). Resolves
   * to the credential as it stands now (current scopes and end).
   */
  recheck(key: VerifiedKey, clientIp?: string): Promise<VerifiedKey>
  /** Compiles (and memoizes) the requirement of a set of verify options. */
  requirement(options: VerifyOptions | undefined): ScopeRequirement | undefined
  /** Drops the cached entry of key `id`, after a change made through this instance. */
  forget(id: string): void
  /** Stops listening to the revocation list. */
  close(): void
}

// The pipeline of DESIGN.md. Steps 1–3 find a credential's entry: parse (prefix, length,
// alphabet and checksum, before any hashing or store access), hash, and look it up (cache,
// then store). Steps 4–11 judge the entry on every call, cached or not (steps.ts): revocation,
// suspension, expiry, network, scopes, limits, success, usage. The limit step sits between
// scopes and success, so a request refused for anything else costs nothing.

/**
 * Verifies `token` (see {@link Verifier.check}): the whole pipeline, in order. Synchronous on
 * an API key's cache hit where hashing is synchronous.
 */
function checkToken(
  ctx: VerifyContext,
  token: string,
  requirement: ScopeRequirement | undefined,
  cost: number,
  clientIp: string | undefined,
  userAgent: string | undefined,
): VerifiedKey | Promise<VerifiedKey> {
  if (typeof token !== 'string') {
    throw new InvalidTokenError('malformed_token', 'The API key is malformed.', ctx.errorOptions)
  }
  // Most instances have no token kinds: the length test spares a cache hit the loop.
  if (ctx.tokenKinds.length !== 0) {
    return checkTokenKinds(ctx, token, requirement, cost, clientIp, userAgent)
  }
  return checkApiKey(ctx, token, requirement, cost, clientIp, userAgent)
}

/** Steps 1–3 for access tokens (a token kind accepts the token), else for API keys. */
function checkTokenKinds(
  ctx: VerifyContext,
  token: string,
  requirement: ScopeRequirement | undefined,
  cost: number,
  clientIp: string | undefined,
  userAgent: string | undefined,
): VerifiedKey | Promise<VerifiedKey> {
  for (const kind of ctx.tokenKinds) {
    if (kind.accepts(token)) {
      return lookupAccessToken(ctx, kind, token).then((entry) =>
        accept(ctx, entry, requirement, ctx.now(), cost, clientIp, userAgent),
      )
    }
  }
  return checkApiKey(ctx, token, requirement, cost, clientIp, userAgent)
}

/** Steps 1–3 for an API key, then the rest of the pipeline. */
function checkApiKey(
  ctx: VerifyContext,
  token: string,
  requirement: ScopeRequirement | undefined,
  cost: number,
  clientIp: string | undefined,
  userAgent: string | undefined,
): VerifiedKey | Promise<VerifiedKey> {
  // Step 1 (parse) rejects malformed tokens before the store is asked, always. Where
  // hashing is synchronous (Node), its costlier half (alphabet and checksum, ~130 ns) is
  // skipped on a cache hit: only a stored, hence well-formed, token can hash to a cached
  // hash. A mistyped token of the right prefix and length costs one extra SHA-256; no
  // answer changes. Measured in bench/ (verify cache hit ÷ floor).
  let legacy = false
  try {
    ctx.tokens.checkShape(token)
  } catch (error) {
    // Only a token that is not of our shape pays for the legacy pattern, and only with one.
    if (ctx.isLegacyToken?.(token) !== true) throw error
    legacy = true
  }
  const digest = ctx.hasher.hashSync?.(token)
  if (digest !== undefined) {
    const at = ctx.now()
    const cached = ctx.cache.find(digest, at)
    if (cached) return accept(ctx, cached, requirement, at, cost, clientIp, userAgent)
  }
  // A `legacyTokens` token has no checksum to check: the negative cache keeps the same
  // garbage to one store read.
  if (!legacy) ctx.tokens.check(token)
  return lookupApiKey(ctx, token, digest).then((entry) =>
    accept(ctx, entry, requirement, ctx.now(), cost, clientIp, userAgent),
  )
}

/**
 * Steps 4–11 on an entry; synchronous unless the limiter asks its backend. With usage on, the
 * outcome is counted against the key: a `try` costs nothing on the path that does not throw.
 */
function accept(
  ctx: VerifyContext,
  entry: Entry,
  requirement: ScopeRequirement | undefined,
  at: number,
  cost: number,
  clientIp: string | undefined,
  userAgent: string | undefined,
): VerifiedKey | Promise<VerifiedKey> {
  const usage = ctx.usage
  if (usage === undefined) return judge(ctx, entry, requirement, at, cost, clientIp)
  let verified: VerifiedKey | Promise<VerifiedKey>
  try {
    verified = judge(ctx, entry, requirement, at, cost, clientIp)
  } catch (error) {
    countRefusal(usage, entry, at, error)
    throw error
  }
  if (!(verified instanceof Promise)) {
    countUse(usage, entry, at, clientIp, userAgent)
    return verified
  }
  // A limited key whose limiter asked its backend.
  return verified.then(
    (key) => {
      countUse(usage, entry, at, clientIp, userAgent)
      return key
    },
    (error: unknown) => {
      countRefusal(usage, entry, at, error)
      throw error
    },
  )
}

/** Steps 4–10 on an entry: the verified key, or the refusal thrown. */
function judge(
  ctx: VerifyContext,
  entry: Entry,
  requirement: ScopeRequirement | undefined,
  at: number,
  cost: number,
  clientIp: string | undefined,
): VerifiedKey | Promise<VerifiedKey> {
  // Only a key a rotation replaced: one property check for every other.
  if (entry.rotatedOut !== undefined) noticeReuse(ctx, entry, at, clientIp)
  checkRevocation(ctx, entry)
  checkSuspension(ctx, entry)
  checkExpiry(ctx, entry, at)
  // Keys without network rules (most) pay one property check.
  if (entry.network !== undefined) checkNetwork(entry, clientIp)
  checkScopes(ctx, entry, requirement)
  if (entry.limits !== undefined) {
    const admitted = chargeLimits(ctx, entry, cost, at)
    // A successor of a rotation until first use counts as used once admitted (not when 429).
    if (entry.pendingPredecessor !== undefined) return handOverOnceAdmitted(ctx, entry, admitted)
    return admitted
  }
  // Only the successor of a rotation until first use, once per instance: one property check.
  if (entry.pendingPredecessor !== undefined) handOver(ctx, entry)
  // Step 10 — success: the frozen key handlers see.
  return entry.key
}

/** Hands a successor's predecessor over once the limit step admitted the request. */
function handOverOnceAdmitted(
  ctx: VerifyContext,
  entry: Entry,
  admitted: VerifiedKey | Promise<VerifiedKey>,
): VerifiedKey | Promise<VerifiedKey> {
  if (!(admitted instanceof Promise)) {
    handOver(ctx, entry)
    return admitted
  }
  return admitted.then((key) => {
    handOver(ctx, entry)
    return key
  })
}

/** Re-checks a credential verified earlier (see {@link Verifier.recheck}): steps 3–7 on a fresh read. */
async function recheckKey(
  ctx: VerifyContext,
  key: VerifiedKey,
  clientIp: string | undefined,
): Promise<VerifiedKey> {
  const entry = await lookupCurrent(ctx, key)
  const at = ctx.now()
  checkRevocation(ctx, entry)
  checkSuspension(ctx, entry)
  checkExpiry(ctx, entry, at)
  if (entry.network !== undefined) checkNetwork(entry, clientIp)
  return entry.key
}

/**
 * `check` with usage on: tokens that belong to no key (unknown, malformed) are counted per
 * deployment. Refusals of a known key were counted by `accept`; the valid path pays a `try`
 * and one `instanceof`.
 */
function countedCheck(ctx: VerifyContext, usage: UsageRecorder): Verifier['check'] {
  const countUnattributed = (error: unknown): never => {
    if (
      error instanceof KeywardError &&
      (error.code === 'unknown_token' || error.code === 'malformed_token')
    ) {
      usage.record(DEPLOYMENT_USAGE_ID, error.code, ctx.now())
    }
    throw error
  }
  return function countedCheck(token, requirement, cost = 1, clientIp, userAgent) {
    let verified: VerifiedKey | Promise<VerifiedKey>
    try {
      verified = checkToken(ctx, token, requirement, cost, clientIp, userAgent)
    } catch (error) {
      return countUnattributed(error)
    }
    return verified instanceof Promise ? verified.catch(countUnattributed) : verified
  }
}

/** Builds the verifier: its context (caches, compiled token format), the event subscription, and the pipeline bound to them. */
export function createVerifier(config: VerifierConfig): Verifier {
  const cache = new VerifyCache(config.cache, config.now)
  const ctx: VerifyContext = {
    realm: config.realm,
    errorOptions: { realm: config.realm },
    now: config.now,
    hasher: config.hasher,
    tokens: compileTokenChecker(config.prefixes, config.realm),
    isLegacyToken: config.legacyTokens,
    tokenKinds: config.tokenKinds,
    store: config.store,
    revocations: config.revocations,
    isSuspended: config.revocations.isSuspended?.bind(config.revocations),
    cache,
    defaultRateLimits: config.defaultRateLimits,
    limits: { limiter: config.limiter, now: config.now, onError: config.onError },
    usage: config.usage,
    onError: config.onError,
    onFirstUse: config.onFirstUse,
    onReuse: config.onReuse,
  }
  const compile = requirementCompiler(config.validateRequirement)
  return {
    check:
      config.usage === undefined
        ? (token, requirement, cost = 1, clientIp, userAgent) =>
            checkToken(ctx, token, requirement, cost, clientIp, userAgent)
        : countedCheck(ctx, config.usage),
    recheck: (key, clientIp) => recheckKey(ctx, key, clientIp),
    requirement: (options) => (options ? compile(options.scopes, options.anyScopes) : undefined),
    forget: (id) => cache.forget(id),
    close: cache.follow(config.revocations),
  }
}
