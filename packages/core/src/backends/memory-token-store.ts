import type {
  KeyRecord,
  KeyRecordPage,
  KeyRecordPatch,
  ListKeysOptions,
  TokenStore,
  UpdateCondition,
} from '../types.js'
import {
  comesAfter,
  encodeCursor,
  foldName,
  type KeyPosition,
  recordStatus,
  resolveListOptions,
  statusMatches,
} from './key-page.js'
import { assertRecordPatch, conditionActiveAt, meetsCondition } from './record.js'

const PATCHABLE = [
  'name',
  'scopes',
  'expiresAt',
  'metadata',
  'rotatedTo',
  'rotatedUntil',
  'pendingPredecessor',
  'revokedAt',
  'rateLimits',
  'credits',
  'allowedIps',
  'suspendedAt',
  'suspendReason',
] as const

/** The fields a patch may remove with `null` (assertRecordPatch refuses it for every other). */
type Removable =
  | 'rateLimits'
  | 'credits'
  | 'allowedIps'
  | 'suspendedAt'
  | 'suspendReason'
  | 'pendingPredecessor'

/**
 * The embedded {@link TokenStore}: records in process memory, lost on restart and not
 * shared between processes (use `@keyward/redis` for that). Records are copied on the way
 * in and out, so callers cannot change stored state by mutating what they hold.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #byId = new Map<string, KeyRecord>()
  readonly #idByHash = new Map<string, string>()
  /** Each owner's records, newest first (ties by id descending): pages start by binary search. */
  readonly #byOwner = new Map<string, KeyPosition[]>()

  /** How many records are stored. */
  get size(): number {
    return this.#byId.size
  }

  async findByHash(hash: string): Promise<KeyRecord | undefined> {
    const id = this.#idByHash.get(hash)
    return id === undefined ? undefined : this.#copy(id)
  }

  async get(id: string): Promise<KeyRecord | undefined> {
    return this.#copy(id)
  }

  /** One page in O(log n + page); a filter reads on until the page is full. */
  async listByOwner(ownerId: string, options?: ListKeysOptions): Promise<KeyRecordPage> {
    const { limit, after, status, name, at, revokedBefore } = resolveListOptions(
      options,
      Date.now(),
    )
    const owned = this.#byOwner.get(ownerId) ?? []
    const keys: KeyRecord[] = []
    for (let i = firstAfter(owned, after); i < owned.length; i++) {
      const record = this.#byId.get(owned[i]!.id)!
      if (!statusMatches(recordStatus(record, at, revokedBefore), status)) continue
      if (name !== undefined && !foldName(record.name).startsWith(name)) continue
      if (keys.length === limit) {
        return { keys, nextCursor: encodeCursor(keys[limit - 1]!) }
      }
      keys.push(structuredClone(record))
    }
    return { keys, nextCursor: null }
  }

  async insert(record: KeyRecord): Promise<void> {
    if (this.#byId.has(record.id)) throw new Error(`a key with id ${record.id} already exists`)
    if (this.#idByHash.has(record.hash)) throw new Error('a key with the same hash already exists')
    this.#byId.set(record.id, structuredClone(record))
    this.#idByHash.set(record.hash, record.id)
    const position = { createdAt: record.createdAt, id: record.id }
    const owned = this.#byOwner.get(record.ownerId)
    if (owned) owned.splice(firstAfter(owned, position), 0, position)
    else this.#byOwner.set(record.ownerId, [position])
  }

  /** Adds each record whose id and hash are new, in order; `false` for the others. */
  async insertMany(records: readonly KeyRecord[]): Promise<boolean[]> {
    const added: boolean[] = []
    for (const record of records) {
      const fresh = !this.#byId.has(record.id) && !this.#idByHash.has(record.hash)
      if (fresh) await this.insert(record)
      added.push(fresh)
    }
    return added
  }

  async update(
    id: string,
    patch: KeyRecordPatch,
    condition?: UpdateCondition,
  ): Promise<KeyRecord | undefined | null> {
    assertRecordPatch(patch)
    if (condition !== undefined) conditionActiveAt(condition)
    const record = this.#byId.get(id)
    if (!record) return undefined
    if (condition !== undefined && !meetsCondition(record, condition)) return null
    const next: KeyRecord = { ...record }
    // Only the fields a patch may change, and only those it gives: an `undefined` slipped in
    // by untyped code never takes a field (least of all `revokedAt`) away; `null` removes
    // the limits, the network rules or a suspension (assertRecordPatch refuses it elsewhere).
    for (const field of PATCHABLE) {
      const value = patch[field]
      if (value === null) delete next[field as Removable]
      else if (value !== undefined) Object.assign(next, { [field]: structuredClone(value) })
    }
    this.#byId.set(id, next)
    return structuredClone(next)
  }

  async delete(id: string): Promise<boolean> {
    const record = this.#byId.get(id)
    if (!record) return false
    this.#byId.delete(id)
    this.#idByHash.delete(record.hash)
    const owned = this.#byOwner.get(record.ownerId)
    if (owned) {
      const at = firstAfter(owned, record) - 1
      if (owned[at]?.id === id) owned.splice(at, 1)
      if (owned.length === 0) this.#byOwner.delete(record.ownerId)
    }
    return true
  }

  async touch(id: string, lastUsedAt: number): Promise<void> {
    const record = this.#byId.get(id)
    if (record && (record.lastUsedAt === undefined || record.lastUsedAt < lastUsedAt)) {
      record.lastUsedAt = lastUsedAt
    }
  }

  #copy(id: string): KeyRecord | undefined {
    const record = this.#byId.get(id)
    return record === undefined ? undefined : structuredClone(record)
  }
}

/** The index of the first position after `position` in a newest-first array (binary search). */
function firstAfter(owned: readonly KeyPosition[], position: KeyPosition | undefined): number {
  if (position === undefined) return 0
  let low = 0
  let high = owned.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (comesAfter(owned[middle]!, position)) high = middle
    else low = middle + 1
  }
  return low
}
