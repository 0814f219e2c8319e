import { toApiKey } from '../backends/record.js'
import { parseDuration } from '../duration.js'
import { InvalidArgumentError } from '../errors.js'
import type { KeyRecord, KeyRecordPatch } from '../types.js'
import {
  announceChange,
  announceRevocation,
  callBackend,
  type LifecycleContext,
} from './context.js'
import { chooseCreatedAt, type IssuedKey, issueKey } from './create.js'
import { type ActionContext, assertObjectArgument, parseActor } from './input.js'
import { explainRefusal, readActiveRecord } from './read.js'

/** Options of `keyward.keys.rotate`. */
export interface RotateKeyInput {
  /**
   * How long the old token keeps working: seconds or a duration string. Default `0`: the old
   * key is revoked at once (with `until: 'first-use'`: `maxGracePeriod`, and it must be more
   * than 0). At most `maxGracePeriod`.
   */
  gracePeriod?: number | string
  /**
   * `'first-use'`: the old key keeps working until the successor is first verified on any
   * instance, then ends on every instance within the revocation bound; `gracePeriod` caps the
   * wait. Absent: the old key ends when `gracePeriod` runs out.
   */
  until?: 'first-use'
}

/**
 * `keyward.keys.rotate`: issues a successor with the key's data, then ends the old key (at
 * once, or after the grace period) in one conditional store write, so a key gets at most one
 * successor; emits `rotated`.
 */
export async function rotateKey(
  ctx: LifecycleContext,
  id: string,
  input: RotateKeyInput = {},
  action: ActionContext | undefined,
): Promise<IssuedKey> {
  assertObjectArgument(input, 'input')
  const actor = parseActor(action)
  const at = ctx.now()
  const firstUse = parseUntil(input)
  const grace = parseGracePeriod(ctx, input, firstUse)
  const old = await readActiveRecord(ctx, id, at)
  // The successor exists before the old key ends, so a failure leaves the old key as it was.
  const { token, record } = await issueSuccessor(ctx, old, firstUse)
  const previousExpiresAt = Math.min(at + grace, old.expiresAt)
  const end = { at, grace, previousExpiresAt, firstUse }
  const ended = await endPredecessor(ctx, old, record, end)
  const successor = await takeLastState(ctx, ended, record)
  // Committed: the new token must reach the caller even if the announcement of the old
  // key's new end is lost (other instances then learn it within `cache.ttl`).
  if (grace > 0) await announceChange(ctx, old.id).catch(ctx.onError)
  const key = toApiKey(successor)
  await ctx.emit(
    { type: 'rotated', key, previousId: old.id, previousExpiresAt, at, ...actor },
    action,
  )
  return { token, key }
}

/** Whether the old key waits for the successor's first use (`until: 'first-use'`). */
function parseUntil(input: RotateKeyInput): boolean {
  const { until } = input as { until?: unknown }
  if (until === undefined) return false
  if (until !== 'first-use') {
    throw new InvalidArgumentError('until', "until must be 'first-use' when given.")
  }
  return true
}

/**
 * The grace period in milliseconds, at most `maxGracePeriod`: `0` when not given, or
 * `maxGracePeriod` when the old key waits for the first use (a wait of 0 would end it at once).
 */
function parseGracePeriod(ctx: LifecycleContext, input: RotateKeyInput, firstUse: boolean): number {
  const { maxGracePeriod } = ctx.limits
  const grace =
    input.gracePeriod === undefined
      ? firstUse
        ? maxGracePeriod
        : 0
      : parseDuration(input.gracePeriod, 'gracePeriod')
  if (firstUse && grace === 0) {
    throw new InvalidArgumentError(
      'gracePeriod',
      "gracePeriod must be more than 0 with until 'first-use'.",
    )
  }
  if (grace > maxGracePeriod) {
    throw new InvalidArgumentError(
      'gracePeriod',
      `gracePeriod must be at most ${maxGracePeriod / 1000} seconds.`,
    )
  }
  return grace
}

/** Stores the successor of `old`: its data under a new id and token, drawing on its credits. */
async function issueSuccessor(
  ctx: LifecycleContext,
  old: KeyRecord,
  firstUse: boolean,
): Promise<{ token: string; record: KeyRecord }> {
  return issueKey(ctx, {
    name: old.name,
    ownerId: old.ownerId,
    scopes: old.scopes,
    createdAt: await chooseCreatedAt(ctx, old.ownerId),
    expiresAt: old.expiresAt,
    rotatedFrom: old.id,
    ...(firstUse ? { pendingPredecessor: old.id } : {}),
    ...(old.metadata === undefined ? {} : { metadata: old.metadata }),
    ...(old.rateLimits === undefined ? {} : { rateLimits: old.rateLimits }),
    ...(old.allowedIps === undefined ? {} : { allowedIps: old.allowedIps }),
    ...(old.credits === undefined
      ? {}
      : { credits: { ...old.credits, account: old.credits.account ?? old.id } }),
  })
}

/**
 * The commit: marks `old` as rotated to `successor` and ending at `previousExpiresAt` (revoked
 * now without grace), only if it is still active. Returns the old record as it ended; when
 * that fails or is refused, the successor is deleted and the call rejects.
 *
 * Without grace the old key is refused everywhere before the commit: a list that cannot be
 * reached leaves the old key as it was and no successor behind. A commit that then fails or
 * is refused cannot take that refusal back (a revocation list only adds), so the record is
 * marked revoked too, and the key never reads as active while every instance refuses it.
 */
async function endPredecessor(
  ctx: LifecycleContext,
  old: KeyRecord,
  successor: KeyRecord,
  end: { at: number; grace: number; previousExpiresAt: number; firstUse: boolean },
): Promise<KeyRecord> {
  const { at, grace } = end
  let ended: KeyRecord | null | undefined
  let announced = false
  try {
    if (grace === 0) {
      await announceRevocation(ctx, old.id, old.expiresAt)
      announced = true
    }
    // One atomic step: only an active key gets a successor, so racing rotations yield one,
    // and a suspension landing meanwhile is never escaped through a successor.
    ended = await callBackend(() =>
      ctx.store.update(
        old.id,
        {
          rotatedTo: successor.id,
          expiresAt: end.previousExpiresAt,
          ...(end.firstUse ? { rotatedUntil: 'first-use' as const } : {}),
          ...(grace === 0 ? { revokedAt: at } : {}),
        },
        { activeAt: at, notSuspended: true },
      ),
    )
  } catch (error) {
    await ctx.store.delete(successor.id).catch(ctx.onError)
    if (announced) await recordRevocation(ctx, old.id, at)
    throw error
  }
  if (!ended) {
    await ctx.store.delete(successor.id).catch(ctx.onError)
    try {
      return await explainRefusal(ctx, old.id, ended, at)
    } finally {
      if (announced) await recordRevocation(ctx, old.id, at)
    }
  }
  return ended
}

/** Marks `id` revoked at `at` in the store unless it is revoked already; failures go to onError. */
async function recordRevocation(ctx: LifecycleContext, id: string, at: number): Promise<void> {
  try {
    const record = await callBackend(() => ctx.store.get(id))
    if (record !== undefined && record.revokedAt === undefined) {
      await callBackend(() => ctx.store.update(id, { revokedAt: at }))
    }
  } catch (error) {
    ctx.onError(error)
  }
}

/**
 * A change that landed between the read and the commit is the old key's last state: the
 * successor takes it (its scopes may only have narrowed). Returns the successor as stored.
 */
async function takeLastState(
  ctx: LifecycleContext,
  ended: KeyRecord,
  successor: KeyRecord,
): Promise<KeyRecord> {
  const drift: KeyRecordPatch = {}
  if (ended.name !== successor.name) drift.name = ended.name
  if (!sameScopes(ended.scopes, successor.scopes)) drift.scopes = ended.scopes
  if (ended.metadata !== undefined && !sameJson(ended.metadata, successor.metadata))
    drift.metadata = ended.metadata
  if (!sameJson(ended.allowedIps, successor.allowedIps)) drift.allowedIps = ended.allowedIps ?? null
  if (Object.keys(drift).length === 0) return successor
  return (await callBackend(() => ctx.store.update(successor.id, drift))) ?? successor
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope))
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
