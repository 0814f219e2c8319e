import { toApiKey } from '../backends/record.js'
import { parseDuration } from '../duration.js'
import { InvalidArgumentError, KeyInactiveError, NotFoundError } from '../errors.js'
import {
  type CreditsInput,
  parseCredits,
  parseRateLimits,
  type RateLimitInput,
} from '../limits/limits.js'
import type { ScopeCatalog, ScopeGrant } from '../scopes.js'
import type { TokenHasher } from '../token/hash.js'
import { generateKeyId, generateToken, parseToken, tokenHint } from '../token/token.js'
import type {
  ApiKey,
  KeyEvent,
  KeyMetadata,
  KeyRecord,
  KeyRecordPatch,
  KeyStatus,
  RevocationList,
  TokenStore,
} from '../types.js'
import { fromBackend } from '../unavailable.js'
import { assertObject, parseInstant, parseMetadata, parseName, parseOwnerId } from './input.js'

/** An instant: a `Date`, epoch milliseconds, or an RFC 3339 date-time string with its offset (`2027-01-31T00:00:00Z`). */
export type Instant = Date | number | string

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
}

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
}

/** Options of `keyward.keys.rotate`. */
export interface RotateKeyInput {
  /**
   * How long the old token keeps working: seconds or a duration string. Default `0`: the old
   * key is revoked at once. At most `maxGracePeriod`.
   */
  gracePeriod?: number | string
}

/** Where a leaked token was found, as its reporter tells; each field optional, kept in the `leaked` event. */
export interface LeakReport {
  /** Where the token was seen, e.g. the URL of a commit's file on GitHub. */
  url?: string
  /** What kind of place, e.g. GitHub's `content`, `commit`, `issue_comment`, `npm`. */
  source?: string
  /** Who reported it, e.g. `'github'`. */
  reporter?: string
}

/** What {@link KeyLifecycle.reportLeak} did about a token that belongs to a stored key. */
export interface LeakOutcome {
  /** The key the token belongs to, as it is now (revoked). */
  key: ApiKey
  /** `true` when this report revoked the key; `false` when it was revoked already. */
  revoked: boolean
}

/**
 * Who makes a lifecycle change, for audit events: the optional last argument of `create`,
 * `update`, `rotate`, `revoke` and `revokeAll`. The management API passes its caller.
 */
export interface ActionContext {
  /**
   * Named as the event's `actor`: `'key:<id>'` for an API key, or the application's own name
   * for a signed-in person (`'person:42'`). Default: none, and events carry no `actor`.
   */
  actor?: string
}

/** A key just created or rotated: the only time its token exists. */
export interface IssuedKey {
  /** The plaintext token. Show it once; it is not stored anywhere. */
  token: string
  key: ApiKey
}

/** The key lifecycle, `keyward.keys`. Invalid input rejects with `InvalidArgumentError`. */
export interface KeyLifecycle<S extends string = string> {
  create(input: CreateKeyInput<S>, context?: ActionContext): Promise<IssuedKey>
  /** The keys of an owner that are not revoked (expired and rotated ones included), oldest first. */
  list(ownerId: string): Promise<ApiKey[]>
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

export interface LifecycleConfig {
  prefix: string
  prefixes: ReadonlySet<string>
  catalog: ScopeCatalog<string>
  hasher: TokenHasher
  store: TokenStore
  revocations: RevocationList
  now: () => number
  maxLifetime: number
  defaultExpiresIn: number | undefined
  maxGracePeriod: number
  onEvent: ((event: KeyEvent) => void | Promise<void>) | undefined
  onError: (error: unknown) => void
  /** Drops this instance's cached verification of a key that just changed. */
  forget: (id: string) => void
}

/** Builds `keyward.keys`. */
export function createKeyLifecycle(config: LifecycleConfig): KeyLifecycle {
  const { store, revocations, now, catalog } = config

  const emit = async (event: KeyEvent) => {
    if (!config.onEvent) return
    try {
      await config.onEvent(event)
    } catch (error) {
      config.onError(error)
    }
  }

  /** Backend failures become `unavailable`; our own errors pass through. */
  const backend = <T>(work: () => Promise<T>): Promise<T> =>
    fromBackend(work, 'The key store is unavailable.')

  /** A key's record changed: this instance's cache drops it now, the others when told. */
  const changed = async (id: string) => {
    config.forget(id)
    if (revocations.publishUpdate) await backend(() => revocations.publishUpdate!(id))
  }

  /** Where a record stands at `at`; a revoke-all epoch counts as revocation. */
  const statusOf = (record: KeyRecord, at: number): KeyStatus => {
    if (
      record.revokedAt !== undefined ||
      revocations.isRevoked({ id: record.id, ownerId: record.ownerId, createdAt: record.createdAt })
    ) {
      return 'revoked'
    }
    if (record.rotatedTo !== undefined) return 'rotated'
    return at >= record.expiresAt ? 'expired' : 'active'
  }

  const recordOf = async (id: unknown): Promise<KeyRecord | undefined> => {
    if (typeof id !== 'string' || id === '')
      throw new InvalidArgumentError('id', 'id must be a key id.')
    return backend(() => store.get(id))
  }

  /** The record of `id` if it is active at `at`; else `NotFoundError` or `KeyInactiveError`. */
  const activeRecord = async (id: unknown, at: number): Promise<KeyRecord> => {
    const record = await recordOf(id)
    if (!record) throw new NotFoundError()
    const status = statusOf(record, at)
    if (status !== 'active') throw new KeyInactiveError(status)
    return record
  }

  /**
   * A conditional store update lost its condition: say why, from the record as it is now.
   * (`null` from the store: inactive; `undefined`: gone.)
   */
  const refused = async (id: string, outcome: null | undefined, at: number): Promise<never> => {
    const record = outcome === null ? await recordOf(id) : undefined
    if (!record) throw new NotFoundError()
    const status = statusOf(record, at)
    throw new KeyInactiveError(status === 'active' ? 'expired' : status)
  }

  /**
   * The shared clock that `createdAt` and revoke-all epochs come from (Redis `TIME` with the
   * Redis list), so instances with skewed clocks still order creations and revoke-alls right.
   */
  const sharedTime = (): Promise<number> | number =>
    revocations.time ? backend(() => revocations.time!()) : now()

  /**
   * A new key's `createdAt`: the shared clock, moved past a revoke-all epoch of the same
   * millisecond (an incident script that revokes everything and at once creates new keys
   * must not get keys that are dead on arrival). A few milliseconds at most; with a clock
   * that does not move (tests), the key is created as the clock says.
   */
  /** Whether an epoch the mirror knows covers `createdAt`; an unloaded or stale mirror knows none. */
  const bornRevoked = (ownerId: string, createdAt: number): boolean => {
    try {
      return revocations.isRevoked({ id: '', ownerId, createdAt })
    } catch {
      return false
    }
  }

  const birthTime = async (ownerId: string): Promise<number> => {
    let createdAt = await sharedTime()
    for (let attempt = 0; attempt < 3 && bornRevoked(ownerId, createdAt); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1))
      createdAt = await sharedTime()
    }
    return createdAt
  }

  const expiryOf = (
    input: { expiresAt?: unknown; expiresIn?: unknown },
    at: number,
    required: boolean,
  ) => {
    if (input.expiresAt !== undefined && input.expiresIn !== undefined) {
      throw new InvalidArgumentError('expiresAt', 'Give expiresAt or expiresIn, not both.')
    }
    let expiresAt: number | undefined
    let field = 'expiresAt'
    if (input.expiresAt !== undefined) expiresAt = parseInstant(input.expiresAt, 'expiresAt')
    else if (input.expiresIn !== undefined) {
      field = 'expiresIn'
      expiresAt = at + parseDuration(input.expiresIn, 'expiresIn')
    } else if (required) {
      if (config.defaultExpiresIn === undefined) {
        throw new InvalidArgumentError('expiresAt', 'expiresAt or expiresIn is required.')
      }
      expiresAt = at + config.defaultExpiresIn
    }
    if (expiresAt === undefined) return undefined
    if (expiresAt <= at) throw new InvalidArgumentError(field, `${field} must be in the future.`)
    if (expiresAt > at + config.maxLifetime) {
      throw new InvalidArgumentError(
        field,
        `${field} must be at most ${formatDays(config.maxLifetime)} from now.`,
      )
    }
    return expiresAt
  }

  const issue = async (fields: Omit<KeyRecord, 'id' | 'hash' | 'hint' | 'prefix'>) => {
    const token = generateToken(config.prefix)
    const { secret } = parseToken(token, config.prefixes)
    const record: KeyRecord = {
      ...fields,
      id: generateKeyId(),
      hash: await config.hasher.hash(token),
      prefix: config.prefix,
      hint: tokenHint(config.prefix, secret),
    }
    await backend(() => store.insert(record))
    return { token, record }
  }

  // The record keeps `revokedAt` for as long as it exists, so a revoked key never verifies
  // and never changes again, whatever the list prunes; the list entry is what makes every
  // instance refuse it at once, cached or not.
  const announceRevocation = async (id: string, expiresAt: number) => {
    await backend(() => revocations.revoke(id, expiresAt))
    config.forget(id)
  }

  const lifecycle: KeyLifecycle = {
    async create(input, context) {
      assertObject(input, 'input')
      const actor = actorOf(context)
      const at = now()
      const name = parseName(input.name)
      const ownerId = parseOwnerId(input.ownerId)
      const scopes = catalog.validateGrants(input.scopes)
      const expiresAt = expiryOf(input, at, true)!
      const metadata = parseMetadata(input.metadata)
      const rateLimits =
        input.rateLimits === undefined ? undefined : parseRateLimits(input.rateLimits)
      const credits = input.credits === undefined ? undefined : parseCredits(input.credits, at)
      const { token, record } = await issue({
        name,
        ownerId,
        scopes,
        createdAt: await birthTime(ownerId),
        expiresAt,
        ...(metadata === undefined ? {} : { metadata }),
        ...(rateLimits === undefined ? {} : { rateLimits }),
        ...(credits === undefined ? {} : { credits }),
      })
      const key = toApiKey(record)
      await emit({ type: 'created', key, at, ...actor })
      return { token, key }
    },

    async list(ownerId) {
      const owner = parseOwnerId(ownerId)
      const records = await backend(() => store.listByOwner(owner))
      const at = now()
      return records.filter((record) => statusOf(record, at) !== 'revoked').map(toApiKey)
    },

    async get(id, options = {}) {
      const record = await recordOf(id)
      if (!record) return undefined
      if (!options.includeRevoked && statusOf(record, now()) === 'revoked') return undefined
      return toApiKey(record)
    },

    async update(id, input, context) {
      assertObject(input, 'input')
      const actor = actorOf(context)
      const at = now()
      const patch: KeyRecordPatch = {}
      if (input.name !== undefined) patch.name = parseName(input.name)
      if (input.scopes !== undefined) patch.scopes = catalog.validateGrants(input.scopes)
      const expiresAt = expiryOf(input, at, false)
      if (expiresAt !== undefined) patch.expiresAt = expiresAt
      if (input.metadata !== undefined) patch.metadata = parseMetadata(input.metadata)!
      if (input.rateLimits !== undefined) {
        patch.rateLimits = input.rateLimits === null ? null : parseRateLimits(input.rateLimits)
      }
      if (input.credits !== undefined) {
        patch.credits = input.credits === null ? null : parseCredits(input.credits, at)
      }
      const changes = Object.keys(patch)
      if (changes.length === 0) {
        throw new InvalidArgumentError(
          'input',
          'Give at least one of name, expiresAt, expiresIn, scopes, metadata, rateLimits, credits.',
        )
      }
      const current = await activeRecord(id, at)
      // A successor by rotation keeps drawing on its predecessor's counters.
      const account = current.credits?.account
      if (patch.credits != null && account !== undefined) patch.credits.account = account
      // Limiters tell grants apart by `grantedAt`: one in the same ms as the key's previous
      // grant would be taken for it, and its balance would not replace the one spent.
      const previous = current.credits?.grantedAt
      if (patch.credits != null && previous !== undefined && patch.credits.grantedAt <= previous) {
        patch.credits.grantedAt = previous + 1
      }
      const updated = await backend(() => store.update(id as string, patch, { activeAt: at }))
      if (!updated) return refused(id as string, updated, at)
      await changed(updated.id)
      const key = toApiKey(updated)
      await emit({ type: 'updated', key, changes, at, ...actor })
      return key
    },

    async rotate(id, input = {}, context) {
      assertObject(input, 'input')
      const actor = actorOf(context)
      const at = now()
      const grace =
        input.gracePeriod === undefined ? 0 : parseDuration(input.gracePeriod, 'gracePeriod')
      if (grace > config.maxGracePeriod) {
        throw new InvalidArgumentError(
          'gracePeriod',
          `gracePeriod must be at most ${config.maxGracePeriod / 1000} seconds.`,
        )
      }
      const old = await activeRecord(id, at)
      // The successor exists before the old key ends, so a failure leaves the old key as it was.
      const { token, record } = await issue({
        name: old.name,
        ownerId: old.ownerId,
        scopes: old.scopes,
        createdAt: await birthTime(old.ownerId),
        expiresAt: old.expiresAt,
        rotatedFrom: old.id,
        ...(old.metadata === undefined ? {} : { metadata: old.metadata }),
        ...(old.rateLimits === undefined ? {} : { rateLimits: old.rateLimits }),
        ...(old.credits === undefined
          ? {}
          : { credits: { ...old.credits, account: old.credits.account ?? old.id } }),
      })
      const previousExpiresAt = Math.min(at + grace, old.expiresAt)
      let ended: KeyRecord | null | undefined
      try {
        // Without grace the old key is refused everywhere before the rotation commits, so a
        // failure here leaves the old key as it was and no successor behind.
        if (grace === 0) await announceRevocation(old.id, old.expiresAt)
        // One atomic step, the commit: only an active key gets a successor, so racing
        // rotations yield one.
        ended = await backend(() =>
          store.update(
            old.id,
            {
              rotatedTo: record.id,
              expiresAt: previousExpiresAt,
              ...(grace === 0 ? { revokedAt: at } : {}),
            },
            { activeAt: at },
          ),
        )
      } catch (error) {
        await store.delete(record.id).catch(config.onError)
        throw error
      }
      if (!ended) {
        await store.delete(record.id).catch(config.onError)
        return refused(old.id, ended, at)
      }
      // A change that landed between the read and the commit is the old key's last state:
      // the successor takes it (its scopes may only have narrowed).
      let successor = record
      const drift: KeyRecordPatch = {}
      if (ended.name !== record.name) drift.name = ended.name
      if (!sameScopes(ended.scopes, record.scopes)) drift.scopes = ended.scopes
      if (ended.metadata !== undefined && !sameJson(ended.metadata, record.metadata))
        drift.metadata = ended.metadata
      if (Object.keys(drift).length > 0) {
        successor = (await backend(() => store.update(record.id, drift))) ?? record
      }
      // Committed: the new token must reach the caller even if the announcement of the old
      // key's new end is lost (other instances then learn it within `cache.ttl`).
      if (grace > 0) await changed(old.id).catch(config.onError)
      const key = toApiKey(successor)
      await emit({ type: 'rotated', key, previousId: old.id, previousExpiresAt, at, ...actor })
      return { token, key }
    },

    async revoke(id, context) {
      const actor = actorOf(context)
      const record = await recordOf(id)
      if (!record) return false
      const at = now()
      const wasRevoked = statusOf(record, at) === 'revoked'
      if (record.revokedAt === undefined) {
        await backend(() => store.update(record.id, { revokedAt: at }))
      }
      // Also when the record says so already: a revoke that failed half-way is finished here.
      await announceRevocation(record.id, record.expiresAt)
      if (wasRevoked) return false
      await emit({ type: 'revoked', keyId: record.id, ownerId: record.ownerId, at, ...actor })
      return true
    },

    async revokeAll(options = {}, context) {
      assertObject(options, 'options')
      const actor = actorOf(context)
      const ownerId = options.ownerId === undefined ? undefined : parseOwnerId(options.ownerId)
      const at = await sharedTime()
      if (ownerId === undefined) {
        await backend(() => revocations.revokeAll(at))
        await emit({ type: 'revoked_all', at, ...actor })
      } else {
        await backend(() => revocations.revokeOwner(ownerId, at))
        await emit({ type: 'revoked_all', ownerId, at, ...actor })
      }
      return { revokedBefore: at }
    },

    async reportLeak(token, where = {}) {
      assertObject(where, 'where')
      try {
        parseToken(token, config.prefixes)
      } catch {
        return undefined // Not one of ours: nothing to look up, nothing to say about it.
      }
      const hash = await config.hasher.hash(token)
      const found = await backend(() => store.findByHash(hash))
      if (!found) return undefined
      const revoked = await lifecycle.revoke(found.id)
      const record = (await backend(() => store.get(found.id))) ?? found
      const at = now()
      const report: LeakReport = {}
      for (const field of ['url', 'source', 'reporter'] as const) {
        const value = where[field]
        if (typeof value === 'string' && value !== '') report[field] = value.slice(0, 2048)
      }
      await emit({
        type: 'leaked',
        keyId: record.id,
        ownerId: record.ownerId,
        revoked,
        ...report,
        at,
      })
      return { key: toApiKey(record), revoked }
    },
  }
  return lifecycle
}

/** The `actor` of an event, from a lifecycle call's optional context. */
function actorOf(context: ActionContext | undefined): { actor?: string } {
  if (context === undefined) return {}
  assertObject(context, 'context')
  const { actor } = context
  if (actor === undefined) return {}
  if (typeof actor !== 'string' || actor.trim() === '') {
    throw new InvalidArgumentError('actor', 'actor must be a non-blank string.')
  }
  return { actor }
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope))
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

function formatDays(ms: number): string {
  const days = ms / 86_400_000
  return Number.isInteger(days) ? `${days} days` : `${ms / 1000} seconds`
}
