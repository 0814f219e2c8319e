import { toApiKey } from '../backends/record.js'
import {
  type CreditsInput,
  parseCredits,
  parseRateLimits,
  type RateLimitInput,
} from '../limits/input.js'
import { revokedByEpoch } from '../revocation-types.js'
import type { ScopeGrant } from '../scopes.js'
import { generateKeyId, generateToken, parseToken, tokenHint } from '../token/token.js'
import type { ApiKey, KeyMetadata, KeyRecord } from '../types.js'
import { callBackend, type LifecycleContext, readSharedClock } from './context.js'
import {
  type ActionContext,
  assertObjectArgument,
  type Instant,
  parseActor,
  parseAllowedIps,
  parseExpiry,
  parseMetadata,
  parseName,
  parseOwnerId,
} from './input.js'

/** Input of `keyward.keys.create`. */
export interface CreateKeyInput<S extends string = string> {
  /** Shown in UIs; 1–100 code points after trimming, no control characters. */
  name: string
  /** Who the key belongs to. */
  ownerId: string
  /**
   * Granted scopes: catalog scopes or wildcards covering some. May be empty: the key then
   * identifies its owner and grants nothing.
   */
  scopes: readonly ScopeGrant<S>[]
  /** When the key expires. Give this or `expiresIn`; without both, `defaultExpiresIn` applies. */
  expiresAt?: Instant
  /** Lifetime: seconds or `'90d' | '12h' | '30m'`. */
  expiresIn?: number | string
  /** Application data, JSON-serialisable, at most 4 KiB as JSON. */
  metadata?: KeyMetadata
  /**
   * The key's rate limits, replacing the deployment defaults (`[]`: none at all). Default:
   * the deployment's `rateLimits`.
   */
  rateLimits?: readonly RateLimitInput[]
  /** Usage credits: each charge takes its cost from `remaining`. Default: none (unmetered). */
  credits?: CreditsInput
  /**
   * Networks the key may be used from: at most 100 IPv4 or IPv6 addresses and CIDR ranges
   * (`203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`), stored canonical. Elsewhere (or when
   * the adapter cannot tell the client's address) it is refused with 403 `ip_not_allowed`.
   * Default: none (`[]` too), and the key works from anywhere.
   */
  allowedIps?: readonly string[]
}

/** A key just created or rotated: the only time its token exists. */
export interface IssuedKey {
  /** The plaintext token. Show it once; it is not stored anywhere. */
  token: string
  key: ApiKey
}

/** A new key's stored fields, before it has a token. */
type UnissuedRecord = Omit<KeyRecord, 'id' | 'hash' | 'hint' | 'prefix'>

/** `keyward.keys.create`: checks the input, stores a new key and emits `created`. */
export async function createKey(
  ctx: LifecycleContext,
  input: CreateKeyInput,
  action: ActionContext | undefined,
): Promise<IssuedKey> {
  assertObjectArgument(input, 'input')
  const actor = parseActor(action)
  const at = ctx.now()
  const name = parseName(input.name)
  const ownerId = parseOwnerId(input.ownerId)
  const scopes = ctx.catalog.validateGrants(input.scopes)
  const expiresAt = parseExpiry(input, at, ctx.limits, true)
  const metadata = parseMetadata(input.metadata)
  const rateLimits = input.rateLimits === undefined ? undefined : parseRateLimits(input.rateLimits)
  const credits = input.credits === undefined ? undefined : parseCredits(input.credits, at)
  const allowedIps = input.allowedIps === undefined ? [] : parseAllowedIps(input.allowedIps)
  const { token, record } = await issueKey(ctx, {
    name,
    ownerId,
    scopes,
    createdAt: await chooseCreatedAt(ctx, ownerId),
    expiresAt,
    ...(metadata === undefined ? {} : { metadata }),
    ...(rateLimits === undefined ? {} : { rateLimits }),
    ...(credits === undefined ? {} : { credits }),
    ...(allowedIps.length === 0 ? {} : { allowedIps }),
  })
  const key = toApiKey(record)
  await ctx.emit({ type: 'created', key, at, ...actor }, action)
  return { token, key }
}

/** Generates a token for `fields` and stores the record; the token is returned, never kept. */
export async function issueKey(
  ctx: LifecycleContext,
  fields: UnissuedRecord,
): Promise<{ token: string; record: KeyRecord }> {
  const token = generateToken(ctx.prefix)
  const { secret } = parseToken(token, ctx.prefixes)
  const record: KeyRecord = {
    ...fields,
    id: generateKeyId(),
    hash: await ctx.hasher.hash(token),
    prefix: ctx.prefix,
    hint: tokenHint(ctx.prefix, secret),
  }
  await callBackend(() => ctx.store.insert(record))
  return { token, record }
}

/**
 * A new key's `createdAt`: the shared clock, moved past a revoke-all epoch of the same
 * millisecond (an incident script that revokes everything and at once creates new keys
 * must not get keys that are dead on arrival; an import batch: of any of its owners). A few
 * milliseconds at most; with a clock
 * that does not move (tests), the key is created as the clock says.
 */
export async function chooseCreatedAt(
  ctx: LifecycleContext,
  ownerId: string | Iterable<string>,
): Promise<number> {
  const owners = typeof ownerId === 'string' ? [ownerId] : [...ownerId]
  const dead = (at: number) => owners.some((owner) => bornRevoked(ctx, owner, at))
  let createdAt = await readSharedClock(ctx)
  for (let attempt = 0; attempt < 3 && dead(createdAt); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1))
    createdAt = await readSharedClock(ctx)
  }
  return createdAt
}

/** Whether an epoch the mirror knows covers `createdAt`; an unloaded or stale mirror knows none. */
function bornRevoked(ctx: LifecycleContext, ownerId: string, createdAt: number): boolean {
  try {
    return revokedByEpoch(ctx.revocations, ownerId, createdAt)
  } catch {
    return false
  }
}
