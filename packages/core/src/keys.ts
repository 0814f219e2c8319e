import { parseDuration } from './duration.js'
import { InvalidArgumentError, KeywardError, NotFoundError, UnavailableError } from './errors.js'
import type { TokenHasher } from './hash.js'
import {
  assertObject,
  parseInstant,
  parseMetadata,
  parseName,
  parseOwnerId,
} from './lib/key-input.js'
import { toApiKey } from './record.js'
import type { ScopeCatalog, ScopeGrant } from './scopes.js'
import { generateKeyId, generateToken, parseToken, tokenHint } from './token.js'
import type {
  ApiKey,
  KeyEvent,
  KeyMetadata,
  KeyRecord,
  KeyRecordPatch,
  RevocationList,
  TokenStore,
} from './types.js'

/** An instant: a `Date`, epoch milliseconds, or an ISO 8601 string. */
export type Instant = Date | number | string

/** Input of `keyward.keys.create`. */
export interface CreateKeyInput<S extends string = string> {
  /** Shown in UIs; 1–100 characters after trimming. */
  name: string
  /** Who the key belongs to. */
  ownerId: string
  /** Granted scopes: catalog scopes or wildcards covering some. At least one. */
  scopes: readonly ScopeGrant<S>[]
  /** When the key expires. Give this or `expiresIn`; without both, `defaultExpiresIn` applies. */
  expiresAt?: Instant
  /** Lifetime: seconds or `'90d' | '12h' | '30m'`. */
  expiresIn?: number | string
  /** Application data, JSON-serialisable, at most 4 KiB as JSON. */
  metadata?: KeyMetadata
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
}

/** Options of `keyward.keys.rotate`. */
export interface RotateKeyInput {
  /**
   * How long the old token keeps working: seconds or a duration string. Default `0`: the old
   * key is revoked at once. At most `maxGracePeriod`.
   */
  gracePeriod?: number | string
}

/** A key just created or rotated: the only time its token exists. */
export interface IssuedKey {
  /** The plaintext token. Show it once; it is not stored anywhere. */
  token: string
  key: ApiKey
}

/** The key lifecycle, `keyward.keys`. Invalid input rejects with `InvalidArgumentError`. */
export interface KeyLifecycle<S extends string = string> {
  create(input: CreateKeyInput<S>): Promise<IssuedKey>
  /** Live keys of an owner (not revoked), oldest first. */
  list(ownerId: string): Promise<ApiKey[]>
  /** A live key, or `undefined` when it does not exist or was revoked. */
  get(id: string): Promise<ApiKey | undefined>
  /** Changes a key; the change reaches every instance's cache at once. Rejects `NotFoundError`. */
  update(id: string, input: UpdateKeyInput<S>): Promise<ApiKey>
  /** Issues a new secret for the same key data; the old one ends after the grace period. */
  rotate(id: string, input?: RotateKeyInput): Promise<IssuedKey>
  /** Revokes a key everywhere; idempotent. Resolves `true` when a live key was revoked. */
  revoke(id: string): Promise<boolean>
  /**
   * Revokes every key of `ownerId`, or every key at all, in O(1): an epoch, not a loop.
   * Resolves to the epoch (epoch ms); keys created at or before it no longer verify.
   */
  revokeAll(options?: { ownerId?: string }): Promise<{ revokedBefore: number }>
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
  const backend = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (error) {
      if (error instanceof KeywardError) throw error
      throw new UnavailableError('The key store is unavailable.', { cause: error })
    }
  }

  /** A key's record changed: this instance's cache drops it now, the others when told. */
  const changed = async (id: string) => {
    config.forget(id)
    if (revocations.publishUpdate) await backend(() => revocations.publishUpdate!(id))
  }

  const isLive = (record: KeyRecord) =>
    !revocations.isRevoked({ id: record.id, ownerId: record.ownerId, createdAt: record.createdAt })

  const liveRecord = async (id: unknown): Promise<KeyRecord | undefined> => {
    if (typeof id !== 'string' || id === '')
      throw new InvalidArgumentError('id', 'id must be a key id.')
    const record = await backend(() => store.get(id))
    return record && isLive(record) ? record : undefined
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

  // The record stays until it expires, so every instance answers `revoked_token` (not
  // `unknown_token`) for it; list and get hide it because the revocation list says so.
  const revokeRecord = (record: KeyRecord) =>
    backend(() => revocations.revoke(record.id, record.expiresAt))

  return {
    async create(input) {
      assertObject(input, 'input')
      const at = now()
      const name = parseName(input.name)
      const ownerId = parseOwnerId(input.ownerId)
      const scopes = catalog.validateGrants(input.scopes)
      const expiresAt = expiryOf(input, at, true)!
      const metadata = parseMetadata(input.metadata)
      const { token, record } = await issue({
        name,
        ownerId,
        scopes,
        createdAt: at,
        expiresAt,
        ...(metadata === undefined ? {} : { metadata }),
      })
      const key = toApiKey(record)
      await emit({ type: 'created', key, at })
      return { token, key }
    },

    async list(ownerId) {
      const owner = parseOwnerId(ownerId)
      const records = await backend(() => store.listByOwner(owner))
      return records.filter(isLive).map(toApiKey)
    },

    async get(id) {
      const record = await liveRecord(id)
      return record && toApiKey(record)
    },

    async update(id, input) {
      assertObject(input, 'input')
      const at = now()
      const patch: KeyRecordPatch = {}
      if (input.name !== undefined) patch.name = parseName(input.name)
      if (input.scopes !== undefined) patch.scopes = catalog.validateGrants(input.scopes)
      const expiresAt = expiryOf(input, at, false)
      if (expiresAt !== undefined) patch.expiresAt = expiresAt
      if (input.metadata !== undefined) patch.metadata = parseMetadata(input.metadata)!
      const changes = Object.keys(patch)
      if (changes.length === 0) {
        throw new InvalidArgumentError(
          'input',
          'Give at least one of name, expiresAt, expiresIn, scopes, metadata.',
        )
      }
      if (!(await liveRecord(id))) throw new NotFoundError()
      const updated = await backend(() => store.update(id, patch))
      if (!updated) throw new NotFoundError()
      await changed(id)
      const key = toApiKey(updated)
      await emit({ type: 'updated', key, changes, at })
      return key
    },

    async rotate(id, input = {}) {
      assertObject(input, 'input')
      const at = now()
      const grace =
        input.gracePeriod === undefined ? 0 : parseDuration(input.gracePeriod, 'gracePeriod')
      if (grace > config.maxGracePeriod) {
        throw new InvalidArgumentError(
          'gracePeriod',
          `gracePeriod must be at most ${config.maxGracePeriod / 1000} seconds.`,
        )
      }
      const old = await liveRecord(id)
      if (!old) throw new NotFoundError()
      if (old.expiresAt <= at) {
        throw new InvalidArgumentError('id', 'The key has expired; create a new one instead.')
      }
      const { token, record } = await issue({
        name: old.name,
        ownerId: old.ownerId,
        scopes: old.scopes,
        createdAt: at,
        expiresAt: old.expiresAt,
        rotatedFrom: old.id,
        ...(old.metadata === undefined ? {} : { metadata: old.metadata }),
      })
      const previousExpiresAt = Math.min(at + grace, old.expiresAt)
      try {
        if (grace === 0) await revokeRecord(old)
        else {
          await backend(() => store.update(old.id, { expiresAt: previousExpiresAt }))
          await changed(old.id)
        }
      } catch (error) {
        // Leave nothing half-done: without the old key's end, the new key must not exist either.
        await store.delete(record.id).catch(config.onError)
        throw error
      }
      const key = toApiKey(record)
      await emit({ type: 'rotated', key, previousId: old.id, previousExpiresAt, at })
      return { token, key }
    },

    async revoke(id) {
      const record = await liveRecord(id)
      if (!record) return false
      await revokeRecord(record)
      await emit({ type: 'revoked', keyId: record.id, ownerId: record.ownerId, at: now() })
      return true
    },

    async revokeAll(options = {}) {
      assertObject(options, 'options')
      const at = now()
      if (options.ownerId === undefined) {
        await backend(() => revocations.revokeAll(at))
        await emit({ type: 'revoked_all', at })
      } else {
        const ownerId = parseOwnerId(options.ownerId)
        await backend(() => revocations.revokeOwner(ownerId, at))
        await emit({ type: 'revoked_all', ownerId, at })
      }
      return { revokedBefore: at }
    },
  }
}

function formatDays(ms: number): string {
  const days = ms / 86_400_000
  return Number.isInteger(days) ? `${days} days` : `${ms / 1000} seconds`
}
