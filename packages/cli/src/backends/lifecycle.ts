import {
  type AuditLog,
  createKeyward,
  InvalidArgumentError,
  type KeyUsageJson,
  type Keyward,
  NotFoundError,
  type RevocationList,
  type TokenStore,
  UnavailableError,
  type UsageBackend,
} from '@keyward/core'
import {
  type AuditQueryInput,
  type AuditViewPage,
  type Backend,
  keyView,
  type UsageQueryInput,
} from './backend.js'

/** The prefix new tokens get when none is given: core's default, for production keys. */
export const DEFAULT_PREFIX = 'kw_live'

/** What a store backend is made of: the shared store and list, and how to see every owner. */
export interface LifecycleParts {
  /** Shown in messages, e.g. `Redis at redis://host:6379 (namespace keyward)`. */
  description: string
  store: TokenStore
  revocations: RevocationList
  /** The applications' audit log: the CLI's changes land there too, and `audit` reads it. */
  audit: AuditLog
  /** The applications' usage backend, which `keys usage` reads. */
  usage: UsageBackend
  /** Every owner id with a key in `store`, for `keys list` without `--owner`. */
  owners(): Promise<string[]>
  /** Why loading the revocation state failed, as said to the user (no secret in it). */
  loadFailure: string
  /** Prefix new tokens are issued with. Default `'kw_live'`. */
  prefix?: string
  /** The applications' `pepper`, if they use one. */
  pepper?: string
  /** Ends the connections, after the list is closed. Never rejects. */
  disconnect(): Promise<void>
}

/**
 * A {@link Backend} over a store and revocation list the applications share: every command
 * goes through core's lifecycle, exactly as one more application instance would, so a
 * revocation reaches every running instance at once.
 */
/**
 * A command, not a request: it may wait up to 2 minutes for a backend busy with its own batches
 * (an import pipelines thousands of writes) or shared with other heavy work, rather than give up
 * after a request's 2 s. (A 1 000-record Redis batch once took over 30 s on a loaded machine.)
 */
const COMMAND_OPTIONS = { backendTimeout: 120_000, onError: () => {} } as const

export function lifecycleBackend(parts: LifecycleParts): Backend {
  const { store, revocations } = parts
  let keyward: Keyward | undefined
  /** One instance per run, issuing `prefix` (rotation keeps the key's own), with an import's `legacyTokens`. */
  const lifecycle = async (prefix = parts.prefix ?? DEFAULT_PREFIX, legacyTokens?: RegExp) => {
    keyward ??= createKeyward({
      prefix,
      ...(legacyTokens === undefined ? {} : { legacyTokens }),
      store,
      revocations,
      audit: { log: parts.audit },
      usage: { backend: parts.usage },
      ...(parts.pepper ? { pepper: parts.pepper } : {}),
      ...COMMAND_OPTIONS,
    })
    try {
      await keyward.ready()
    } catch (error) {
      throw new UnavailableError(parts.loadFailure, { cause: error })
    }
    return keyward
  }

  return {
    description: parts.description,
    async list(ownerId) {
      const { keys, now } = await lifecycle()
      const ids = ownerId === undefined ? await parts.owners() : [ownerId]
      const views = []
      for (const owner of ids) {
        for (const key of await keys.list(owner)) views.push(keyView(key, now()))
      }
      return views
    },
    async listPage(ownerId, query) {
      if (ownerId === undefined) {
        throw new InvalidArgumentError(
          'owner',
          'Give --owner (a store holds every owner), or --all to list every owner page by page.',
        )
      }
      const { keys, now } = await lifecycle()
      const page = await keys.listPage(ownerId, query)
      return { keys: page.keys.map((key) => keyView(key, now())), nextCursor: page.nextCursor }
    },
    owners: () => parts.owners(),
    async create(input) {
      const { keys, now } = await lifecycle()
      const { token, key } = await keys.create({
        name: input.name,
        ownerId: input.ownerId as string,
        scopes: input.scopes,
        ...(input.expiresIn === undefined ? {} : { expiresIn: input.expiresIn }),
        ...(input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }),
        ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
        ...(input.allowedIps === undefined ? {} : { allowedIps: input.allowedIps }),
      })
      return { token, key: keyView(key, now()) }
    },
    async update(id, input) {
      const { keys, now } = await lifecycle()
      return keyView(await keys.update(id, input), now())
    },
    async suspend(id, reason) {
      const { keys, now } = await lifecycle()
      return keyView(await keys.suspend(id, reason === undefined ? {} : { reason }), now())
    },
    async resume(id) {
      const { keys, now } = await lifecycle()
      return keyView(await keys.resume(id), now())
    },
    async rotate(id, options = {}) {
      const record = await store.get(id)
      if (!record) throw new NotFoundError(`No key ${id}.`)
      const { keys, now } = await lifecycle(record.prefix)
      const { token, key } = await keys.rotate(id, options)
      return { token, key: keyView(key, now()) }
    },
    async revoke(id) {
      const { keys } = await lifecycle()
      const key = await keys.get(id, { includeRevoked: true })
      if (!key) throw new NotFoundError(`No key ${id}.`)
      return keys.revoke(id)
    },
    importKeys: async (records, { legacyTokens }) =>
      (await lifecycle(undefined, legacyTokens)).keys.import(records as never),
    async revokeAll(ownerId) {
      const { keys } = await lifecycle()
      const { revokedBefore } = await keys.revokeAll(ownerId === undefined ? {} : { ownerId })
      return { revokedBefore: new Date(revokedBefore).toISOString() }
    },
    audit: async (ownerId, query) => auditPage(await lifecycle(), ownerId, query),
    usage: async (id, query) => keyUsage(await lifecycle(), id, query),
    async close() {
      // Closing flushes the audit events of this run's changes into the shared log.
      await (keyward ? keyward.close() : revocations.close()).catch(() => {})
      await parts.disconnect()
    },
  }
}

/** One page of a store's audit log as the management API answers it (times as ISO 8601). */
async function auditPage(
  keyward: Keyward,
  ownerId: string | undefined,
  query: AuditQueryInput,
): Promise<AuditViewPage> {
  if (ownerId === undefined) {
    throw new InvalidArgumentError('owner', 'Give --owner: a store holds every owner.')
  }
  const page = await keyward.audit.list({ ...query, ownerId })
  const events = page.events.map((event) => ({ ...event, at: new Date(event.at).toISOString() }))
  return { events, nextCursor: page.nextCursor }
}

/** A key's usage as the management API answers it (bucket starts as ISO 8601). */
async function keyUsage(
  keyward: Keyward,
  id: string,
  query: UsageQueryInput,
): Promise<KeyUsageJson> {
  if (!(await keyward.keys.get(id, { includeRevoked: true }))) {
    throw new NotFoundError(`No key ${id}.`)
  }
  const read = await keyward.usage!.get(id, query)
  const buckets = read.buckets.map(({ start, outcomes }) => ({
    start: new Date(start).toISOString(),
    outcomes,
  }))
  return { keyId: read.keyId, granularity: read.granularity, buckets }
}
