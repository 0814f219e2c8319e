import type { LimitContext } from '../limits/charge.js'
import type { TokenHasher } from '../token/hash.js'
import type { LegacyTokenTest } from '../token/legacy.js'
import type { TokenChecker } from '../token/token.js'
import type { RateLimit, RevocationList, TokenKind, TokenStore } from '../types.js'
import type { UsageRecorder } from '../usage/recorder.js'
import type { VerifyCache } from './cache.js'

/** A key ended by its rotation, presented again: what `onReuse` is told. */
export interface KeyReuse {
  keyId: string
  ownerId: string
  successorId: string
  /** Ended by the rotation (grace run out, or revoked by it), not by a revocation by hand. */
  byRotation: boolean
  /** The address the request came from, as the adapter decided it. */
  clientIp: string | undefined
  at: number
}

/**
 * What every step of the verification pipeline reads, built once per verifier by
 * `createVerifier` and passed to each step explicitly.
 */
export interface VerifyContext {
  readonly realm: string
  /** `{ realm }`, built once: the options of every `InvalidTokenError` the steps throw. */
  readonly errorOptions: { readonly realm: string }
  readonly now: () => number
  readonly hasher: TokenHasher
  /** Step 1: the token format of the configured prefixes, compiled once. */
  readonly tokens: TokenChecker
  /** Tokens of another format accepted (`legacyTokens`); `undefined`: none. */
  readonly isLegacyToken: LegacyTokenTest | undefined
  /** Token kinds (access tokens) tried before the API-key format. */
  readonly tokenKinds: readonly TokenKind[]
  readonly store: TokenStore
  readonly revocations: RevocationList
  /**
   * The list's `isSuspended`, bound once (`undefined` when the list has none): the suspension
   * step runs on every call.
   */
  readonly isSuspended: ((id: string) => boolean) | undefined
  readonly cache: VerifyCache
  /** Limits of keys that have none of their own (`createKeyward({ rateLimits })`). */
  readonly defaultRateLimits: readonly RateLimit[] | undefined
  /** What the limit step charges with. */
  readonly limits: LimitContext
  /** Counts each outcome per key in memory (no I/O); `undefined` when usage is off. */
  readonly usage: UsageRecorder | undefined
  readonly onError: (error: unknown) => void
  /** Records the reuse of a key a rotation ended (see `noticeReuse`). */
  readonly onReuse: (reuse: KeyReuse) => Promise<void>
  /** Ends the predecessor of a successor verified for the first time (see `handOver`). */
  readonly onFirstUse: (successorId: string, predecessorId: string) => Promise<void>
}
