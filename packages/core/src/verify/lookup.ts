import { assertKeyRecord } from '../backends/record.js'
import { InvalidTokenError, KeywardError } from '../errors.js'
import type { TokenHasher } from '../token/hash.js'
import type { KeyRecord, TokenClaims, TokenKind, VerifiedKey } from '../types.js'
import { fromBackend } from '../unavailable.js'
import type { VerifyContext } from './context.js'
import {
  API_KEY,
  type ClaimsEntry,
  combine,
  type Entry,
  recordEntry,
  standaloneEntry,
} from './entry.js'

// Step 3 of DESIGN.md's pipeline when the cache cannot answer at once: finding a credential's
// entry in the caches or the store, and caching what was read.

/** Step 2 — hash: SHA-256 (or HMAC with the pepper); synchronous where Node's one-shot hash exists. */
export function digest(hasher: TokenHasher, token: string): string | Promise<string> {
  return hasher.hashSync?.(token) ?? hasher.hash(token)
}

function unknownToken(ctx: VerifyContext): InvalidTokenError {
  return new InvalidTokenError('unknown_token', 'The API key is not recognised.', ctx.errorOptions)
}

/** Reads the store; a failing backend is `unavailable`, corrupt data too (never a key). */
function readRecord(
  ctx: VerifyContext,
  read: () => Promise<KeyRecord | undefined>,
): Promise<KeyRecord | undefined> {
  return fromBackend(
    async () => {
      const record = await read()
      if (record !== undefined) assertKeyRecord(record, 'stored key record')
      return record
    },
    'The key store is unavailable.',
    ctx.errorOptions,
  )
}

/**
 * Step 3 for an API key: the positive cache, the negative cache, then the store by hash.
 * `known` is the token's hash when the caller has it already.
 */
export async function lookupApiKey(
  ctx: VerifyContext,
  token: string,
  known: string | undefined,
): Promise<Entry> {
  const hash = known ?? (await digest(ctx.hasher, token))
  const cached = ctx.cache.find(hash, ctx.now())
  if (cached) return cached
  if (ctx.cache.isUnknown(hash)) throw unknownToken(ctx)
  const since = ctx.cache.startLookup()
  const record = await readRecord(ctx, () => ctx.store.findByHash(hash))
  if (record === undefined || record.hash !== hash) {
    ctx.cache.rememberUnknown(hash)
    throw unknownToken(ctx)
  }
  const entry = recordEntry(record, ctx.now(), ctx.defaultRateLimits)
  ctx.cache.remember(hash, entry, since)
  return entry
}

/** Step 3 for an access token's parent: its API key's entry, from the cache or the store by id. */
async function lookupParent(ctx: VerifyContext, id: string): Promise<Entry> {
  const cached = ctx.cache.findKey(id, ctx.now())
  if (cached) return cached
  const since = ctx.cache.startLookup()
  const record = await readRecord(ctx, () => ctx.store.get(id))
  if (record === undefined || record.id !== id) {
    throw new InvalidTokenError(
      'unknown_token',
      "The access token's API key no longer exists.",
      ctx.errorOptions,
    )
  }
  const entry = recordEntry(record, ctx.now(), ctx.defaultRateLimits)
  ctx.cache.remember(record.hash, entry, since)
  return entry
}

/** An access token's claims: verified by its kind once, then kept until they are evicted. */
async function verifyClaims(
  ctx: VerifyContext,
  kind: TokenKind,
  token: string,
  hash: string,
): Promise<ClaimsEntry> {
  const cached = ctx.cache.findClaims(hash)
  if (cached !== undefined) return cached
  let claims: TokenClaims
  try {
    claims = await kind.verify(token)
  } catch (error) {
    if (error instanceof KeywardError) throw error
    throw new InvalidTokenError('malformed_token', 'The access token is invalid.', {
      ...ctx.errorOptions,
      cause: error,
    })
  }
  const claimed: ClaimsEntry = { kind: kind.name, claims, parent: undefined, combined: undefined }
  ctx.cache.rememberClaims(hash, claimed)
  return claimed
}

/** Step 3 for an access token: its claims, bounded by the parent key's current entry. */
export async function lookupAccessToken(
  ctx: VerifyContext,
  kind: TokenKind,
  token: string,
): Promise<Entry> {
  const claimed = await verifyClaims(ctx, kind, token, await digest(ctx.hasher, token))
  if (kind.standalone === true) {
    claimed.combined ??= standaloneEntry(claimed.kind, claimed.claims, ctx.defaultRateLimits)
    return claimed.combined
  }
  const parent = await lookupParent(ctx, claimed.claims.keyId)
  if (claimed.parent !== parent || claimed.combined === undefined) {
    claimed.combined = combine(claimed.kind, claimed.claims, parent)
    claimed.parent = parent
  }
  return claimed.combined
}

/**
 * A credential verified earlier, as it stands now: a fresh store read of the key (of an
 * access token's parent), cached as any read is, and an access token bounded by it again.
 */
export async function lookupCurrent(ctx: VerifyContext, key: VerifiedKey): Promise<Entry> {
  const since = ctx.cache.startLookup()
  const record = await readRecord(ctx, () => ctx.store.get(key.id))
  if (record === undefined || record.id !== key.id) throw unknownToken(ctx)
  const parent = recordEntry(record, ctx.now(), ctx.defaultRateLimits)
  ctx.cache.remember(record.hash, parent, since)
  if (key.kind === API_KEY && key.createdAt === record.createdAt) return parent
  return combine(
    key.kind,
    {
      keyId: key.id,
      ownerId: key.ownerId,
      name: key.name,
      scopes: key.scopes,
      issuedAt: key.createdAt,
      expiresAt: key.expiresAt,
      keyCreatedAt: key.createdAt,
      // Stryker disable next-line ConditionalExpression: verifiedKeyOf leaves an undefined metadata out either way
      ...(key.metadata === undefined ? {} : { metadata: key.metadata }),
    },
    parent,
  )
}
