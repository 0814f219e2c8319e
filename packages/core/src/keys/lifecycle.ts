import type { ApiKey } from '../types.js'
import { createLifecycleContext, type LifecycleConfig, type LifecycleContext } from './context.js'
import { type CreateKeyInput, createKey, type IssuedKey } from './create.js'
import {
  type ImportKeyRecord,
  type ImportOptions,
  type ImportReport,
  importKeys,
} from './import.js'
import type { ActionContext } from './input.js'
import { type KeyPage, type ListPageOptions, listKeyPage, listKeys } from './list.js'
import { getKey } from './read.js'
import { type LeakOutcome, type LeakReport, reportLeak } from './report-leak.js'
import { revokeAllKeys, revokeKey } from './revoke.js'
import { type RotateKeyInput, rotateKey } from './rotate.js'
import { resumeKey, type SuspendKeyInput, suspendKey } from './suspend.js'
import { type UpdateKeyInput, updateKey } from './update.js'

// The public types of `keyward.keys`, each defined beside the operation that takes it.
export type { LifecycleConfig } from './context.js'
export type { CreateKeyInput, IssuedKey } from './create.js'
export type { ImportKeyRecord, ImportOptions, ImportReport, ImportResult } from './import.js'
export type { ActionContext, Instant } from './input.js'
export type { KeyPage, ListPageOptions } from './list.js'
export type { LeakOutcome, LeakReport } from './report-leak.js'
export type { RotateKeyInput } from './rotate.js'
export type { SuspendKeyInput } from './suspend.js'
export type { UpdateKeyInput } from './update.js'

/** The key lifecycle, `keyward.keys`. Invalid input rejects with `InvalidArgumentError`. */
export interface KeyLifecycle<S extends string = string> {
  create(input: CreateKeyInput<S>, context?: ActionContext): Promise<IssuedKey>
  /**
   * The keys of an owner that are not revoked (expired and rotated ones included), oldest
   * first. Walks every page, so it costs O(n) in the owner's keys: use `listPage` for lists
   * a person or a client reads.
   */
  list(ownerId: string): Promise<ApiKey[]>
  /**
   * Imports keys issued elsewhere so their tokens keep working (a plaintext `token`, Keyward
   * or matching `legacyTokens`, or the SHA-256 `hash` of one), each checked with `create`'s
   * rules. Resolves a report with one result per record (`imported` with its id, `duplicate`
   * when its digest is stored already, `invalid` with the field), never a token or digest;
   * re-importing the same records changes nothing. Emits `imported` per key.
   */
  import(
    records: readonly ImportKeyRecord<S>[],
    options?: ImportOptions,
    context?: ActionContext,
  ): Promise<ImportReport>
  /**
   * One page of an owner's keys, newest first (ties by id), O(page): `limit` 1–100 (default
   * 50), `cursor` (a previous page's `nextCursor`), `status` (absent: every key except
   * revoked ones) and `name` (a case-insensitive prefix). A page may hold fewer than `limit`
   * keys while `nextCursor` is not `null`; a forged cursor rejects `InvalidArgumentError`.
   */
  listPage(ownerId: string, options?: ListPageOptions): Promise<KeyPage>
  /**
   * A key that is not revoked, or `undefined` when it does not exist or was revoked. With
   * `{ includeRevoked: true }` a revoked key is returned too (its `revokedAt` says so).
   */
  get(id: string, options?: { includeRevoked?: boolean }): Promise<ApiKey | undefined>
  /**
   * Changes a key; the change reaches every instance's cache at once. Rejects
   * `NotFoundError`, and `KeyInactiveError` (409) for a key that is revoked, expired or
   * replaced by rotation: the check and the write are one atomic step in the store, so an
   * expired key can never be extended back to life.
   */
  update(id: string, input: UpdateKeyInput<S>, context?: ActionContext): Promise<ApiKey>
  /**
   * Issues a new secret for the same key data; the old one ends after the grace period.
   * A key has at most one successor: rotating a revoked, expired or already rotated key
   * rejects `KeyInactiveError` (409), however many rotations race.
   */
  rotate(id: string, input?: RotateKeyInput, context?: ActionContext): Promise<IssuedKey>
  /**
   * Suspends an active key: it (and its access tokens) stops verifying on every instance at
   * once with 401 `suspended_token`, cannot be rotated, mint or manage, until {@link
   * KeyLifecycle.resume}. Already suspended: resolves the key unchanged. Rejects
   * `NotFoundError`, and `KeyInactiveError` (409) for a revoked, expired or rotated key.
   */
  suspend(id: string, input?: SuspendKeyInput, context?: ActionContext): Promise<ApiKey>
  /**
   * Resumes a suspended key: it verifies again everywhere, unless it expired meanwhile. Not
   * suspended: resolves the key unchanged. Rejects `NotFoundError`, and `KeyInactiveError`
   * (409) for a revoked, expired or rotated key: a revocation is never lifted.
   */
  resume(id: string, context?: ActionContext): Promise<ApiKey>
  /**
   * Revokes a key everywhere, permanently (its record keeps `revokedAt`); idempotent.
   * Resolves `true` when a key that was not revoked yet was revoked.
   */
  revoke(id: string, context?: ActionContext): Promise<boolean>
  /**
   * Revokes every key of `ownerId`, or every key at all, in O(1): an epoch, not a loop.
   * Resolves to the epoch (epoch ms); keys created at or before it no longer verify.
   */
  revokeAll(
    options?: { ownerId?: string },
    context?: ActionContext,
  ): Promise<{ revokedBefore: number }>
  /**
   * A token was reported leaked: finds its key by the token's hash (revoked, expired and
   * rotated keys too), revokes it everywhere unless it is revoked already (a key still in its
   * rotation grace period is live, so it is revoked too), and emits a `leaked` event with
   * `where`. Resolves `undefined` when the token is malformed (wrong prefix, length or
   * checksum) or belongs to no stored key; rejects only when a backend fails (`unavailable`).
   */
  reportLeak(token: string, where?: LeakReport): Promise<LeakOutcome | undefined>
}

/** Builds `keyward.keys`: each operation bound to one context. */
export function createKeyLifecycle(config: LifecycleConfig): KeyLifecycle {
  return bindKeyLifecycle(createLifecycleContext(config))
}

/** `keyward.keys` over a context built already (which `createKeyward` also hands the verifier's hooks). */
export function bindKeyLifecycle(ctx: LifecycleContext): KeyLifecycle {
  return {
    create: (input, context) => createKey(ctx, input, context),
    list: (ownerId) => listKeys(ctx, ownerId),
    import: (records, options, context) => importKeys(ctx, records, options, context),
    listPage: (ownerId, options) => listKeyPage(ctx, ownerId, options),
    get: (id, options) => getKey(ctx, id, options),
    update: (id, input, context) => updateKey(ctx, id, input, context),
    rotate: (id, input, context) => rotateKey(ctx, id, input, context),
    suspend: (id, input, context) => suspendKey(ctx, id, input, context),
    resume: (id, context) => resumeKey(ctx, id, context),
    revoke: (id, context) => revokeKey(ctx, id, context),
    revokeAll: (options, context) => revokeAllKeys(ctx, options, context),
    reportLeak: (token, where) => reportLeak(ctx, token, where),
  }
}
