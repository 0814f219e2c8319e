import { compileIpRules, type IpMatcher } from '../lib/ip-rules.js'
import { type LimitPolicy, limitPolicyOf } from '../limits/policy.js'
import { isSubsetOf } from '../scopes.js'
import type { KeyRecord, RateLimit, RevocationSubject, TokenClaims, VerifiedKey } from '../types.js'

/** The `kind` of a key verified by its own token (not an access token of some token kind). */
export const API_KEY = 'api_key'

/**
 * What a cache entry holds: everything the per-call steps need, precomputed. An API key's
 * entry comes from its stored record; an access token's is its claims bounded by its parent
 * key's entry (see {@link combine}).
 */
export interface Entry {
  key: VerifiedKey
  subject: RevocationSubject
  granted: ReadonlySet<string>
  /** The record carries `revokedAt` (or the token does not belong to the parent's record): revoked whatever the list says. */
  revoked: boolean
  /** The record carries `suspendedAt` (an access token: its parent's): suspended whatever the list says. */
  suspended: boolean
  /**
   * The key's network rules (an access token: its parent's), compiled once when the entry is
   * built; `undefined` when it may be used from anywhere (the network step is then skipped).
   */
  network: IpMatcher | undefined
  /** How messages name the credential: `'API key'` or `'access token'`. */
  noun: string
  /** The key's limits, `undefined` when nothing limits it (the limit step is then skipped). */
  limits: LimitPolicy | undefined
  /**
   * The key a rotation until first use keeps alive until this key's first verification;
   * `undefined` for every other entry (the pipeline then pays one property check). Cleared
   * when this entry hands the predecessor over, so each instance does it at most once.
   */
  pendingPredecessor: string | undefined
  /**
   * For a key a rotation replaced: its successor, and whether the key ended by that rotation
   * (its grace ran out, or the rotation revoked it) rather than by a revocation by hand.
   * `undefined` for every other key (the pipeline then pays one property check).
   */
  rotatedOut: { successorId: string; byRotation: boolean } | undefined
  /** When this entry last reported a reuse: at most one report a minute. */
  reusedAt: number
  /**
   * When an API key's entry was read from the store; it is reused for `cache.ttl` from then
   * (see `VerifyCache.find`). An access token's entry shares its parent's; a standalone
   * token's never goes stale (its claims end it).
   */
  cachedAt: number
}

/** An access token's verified claims (they never change), and their last combination with the parent's entry. */
export interface ClaimsEntry {
  kind: string
  claims: TokenClaims
  parent: Entry | undefined
  combined: Entry | undefined
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
export function recordEntry(
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
    suspended: record.suspendedAt !== undefined,
    network:
      record.allowedIps === undefined || record.allowedIps.length === 0
        ? undefined
        : compileIpRules(record.allowedIps),
    noun: 'API key',
    limits: limitPolicyOf(record, defaults),
    pendingPredecessor: record.pendingPredecessor,
    rotatedOut:
      record.rotatedTo === undefined
        ? undefined
        : {
            successorId: record.rotatedTo,
            // A rotation revokes at or after the key's end; a revocation by hand comes before it.
            byRotation: record.revokedAt === undefined || record.revokedAt >= record.expiresAt,
          },
    reusedAt: Number.NEGATIVE_INFINITY,
    cachedAt,
  }
}

/**
 * An access token's entry: its claims bounded by its parent key's current entry. It ends
 * when the parent ends (revocation by id, by the owner's or the global epoch judged by the
 * parent's creation, expiry, the end of a rotation's grace), is refused while the parent is
 * suspended and outside the parent's network rules, and grants only what both the token and
 * the parent grant now. A token whose claims do not match the parent's record
 * (another owner, another creation time) is treated as revoked.
 */
export function combine(kind: string, claims: TokenClaims, parent: Entry): Entry {
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
      // Stryker disable next-line ConditionalExpression: verifiedKeyOf leaves an undefined metadata out either way
      ...(claims.metadata === undefined ? {} : { metadata: claims.metadata }),
    }),
    subject: parent.subject,
    granted: new Set(granted),
    revoked: parent.revoked || foreign,
    suspended: parent.suspended,
    network: parent.network,
    noun: 'access token',
    limits: parent.limits,
    pendingPredecessor: undefined,
    rotatedOut: undefined,
    reusedAt: Number.NEGATIVE_INFINITY,
    cachedAt: parent.cachedAt,
  }
}

/**
 * An access token judged by its claims alone (a `standalone` token kind: no store to read):
 * the parent's network rules are unknown here, and its suspension only through the list.
 */
export function standaloneEntry(
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
    suspended: false,
    network: undefined,
    noun: 'access token',
    limits: limitPolicyOf({ id: claims.keyId, expiresAt: claims.expiresAt }, defaults),
    pendingPredecessor: undefined,
    rotatedOut: undefined,
    reusedAt: Number.NEGATIVE_INFINITY,
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
