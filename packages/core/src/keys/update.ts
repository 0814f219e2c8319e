import { toApiKey } from '../backends/record.js'
import { InvalidArgumentError } from '../errors.js'
import {
  type CreditsInput,
  parseCredits,
  parseRateLimits,
  type RateLimitInput,
} from '../limits/input.js'
import type { ScopeGrant } from '../scopes.js'
import type { ApiKey, KeyMetadata, KeyRecord, KeyRecordPatch } from '../types.js'
import {
  announceChange,
  announceSuspension,
  callBackend,
  type LifecycleContext,
} from './context.js'
import {
  type ActionContext,
  assertObjectArgument,
  type Instant,
  parseActor,
  parseAllowedIps,
  parseExpiry,
  parseMetadata,
  parseName,
} from './input.js'
import { explainRefusal, readActiveRecord } from './read.js'

/** Input of `keyward.keys.update`: what changes. */
export interface UpdateKeyInput<S extends string = string> {
  name?: string
  /** New expiry; at most `maxLifetime` from now. */
  expiresAt?: Instant
  /** New expiry as a lifetime from now. */
  expiresIn?: number | string
  scopes?: readonly ScopeGrant<S>[]
  metadata?: KeyMetadata
  /**
   * New rate limits, replacing the key's own (`[]`: none at all, whatever the deployment
   * defaults). `null` removes the key's own limits, so the deployment's `rateLimits` apply
   * again (none when the deployment has none).
   */
  rateLimits?: readonly RateLimitInput[] | null
  /**
   * A new credit grant: the balance becomes `remaining` now, with this refill. `null` removes
   * the credits: the key is unmetered again (a later grant starts a fresh balance).
   */
  credits?: CreditsInput | null
  /**
   * New network rules (see `CreateKeyInput.allowedIps`), replacing the key's; `null` or `[]`
   * removes them, so the key may be used from anywhere.
   */
  allowedIps?: readonly string[] | null
}

/**
 * `keyward.keys.update`: checks the input, then changes an active (or suspended) key in one
 * conditional store write, tells every instance and emits `updated`.
 */
export async function updateKey(
  ctx: LifecycleContext,
  id: string,
  input: UpdateKeyInput,
  action: ActionContext | undefined,
): Promise<ApiKey> {
  assertObjectArgument(input, 'input')
  const actor = parseActor(action)
  const at = ctx.now()
  const patch = parseKeyPatch(ctx, input, at)
  const changes = Object.keys(patch)
  // A suspended key may still be renamed or given other rules by the people managing it.
  const current = await readActiveRecord(ctx, id, at, true)
  if (patch.credits != null) keepCreditAccount(patch.credits, current)
  const updated = await callBackend(() => ctx.store.update(id, patch, { activeAt: at }))
  if (!updated) return explainRefusal(ctx, id, updated, at)
  await announceChange(ctx, updated.id)
  // A suspension is kept on the list until the key's end: a new end moves it.
  if (updated.suspendedAt !== undefined && patch.expiresAt !== undefined) {
    await announceSuspension(ctx, updated.id, updated.expiresAt)
  }
  const key = toApiKey(updated)
  await ctx.emit(
    { type: 'updated', key, changes, previous: toApiKey(current), at, ...actor },
    action,
  )
  return key
}

/** The store patch an update asks for; `InvalidArgumentError` when it asks for nothing. */
function parseKeyPatch(ctx: LifecycleContext, input: UpdateKeyInput, at: number): KeyRecordPatch {
  const patch: KeyRecordPatch = {}
  if (input.name !== undefined) patch.name = parseName(input.name)
  if (input.scopes !== undefined) patch.scopes = ctx.catalog.validateGrants(input.scopes)
  const expiresAt = parseExpiry(input, at, ctx.limits, false)
  if (expiresAt !== undefined) patch.expiresAt = expiresAt
  if (input.metadata !== undefined) patch.metadata = parseMetadata(input.metadata)!
  if (input.rateLimits !== undefined) {
    patch.rateLimits = input.rateLimits === null ? null : parseRateLimits(input.rateLimits)
  }
  if (input.credits !== undefined) {
    patch.credits = input.credits === null ? null : parseCredits(input.credits, at)
  }
  if (input.allowedIps !== undefined) {
    const rules = input.allowedIps === null ? [] : parseAllowedIps(input.allowedIps)
    patch.allowedIps = rules.length === 0 ? null : rules
  }
  if (Object.keys(patch).length === 0) {
    throw new InvalidArgumentError(
      'input',
      'Give at least one of name, expiresAt, expiresIn, scopes, metadata, rateLimits, credits, allowedIps.',
    )
  }
  return patch
}

/** Fits a new credit grant to the key it replaces the balance of. */
function keepCreditAccount(
  credits: NonNullable<KeyRecordPatch['credits']>,
  current: KeyRecord,
): void {
  // A successor by rotation keeps drawing on its predecessor's counters.
  const account = current.credits?.account
  if (account !== undefined) credits.account = account
  // Limiters tell grants apart by `grantedAt`: one in the same ms as the key's previous
  // grant would be taken for it, and its balance would not replace the one spent.
  const previous = current.credits?.grantedAt
  if (previous !== undefined && credits.grantedAt <= previous) credits.grantedAt = previous + 1
}
