import type { KeyRecord, KeyRecordPatch, TokenStore, UpdateCondition } from '../types.js'
import { assertRecordPatch, conditionActiveAt, meetsCondition } from './record.js'

const PATCHABLE = [
  'name',
  'scopes',
  'expiresAt',
  'metadata',
  'rotatedTo',
  'revokedAt',
  'rateLimits',
  'credits',
  'allowedIps',
  'suspendedAt',
  'suspendReason',
] as const

/** The fields a patch may remove with `null` (assertRecordPatch refuses it for every other). */
type Removable = 'rateLimits' | 'credits' | 'allowedIps' | 'suspendedAt' | 'suspendReason'

/**
 * The embedded {@link TokenStore}: records in process memory, lost on restart and not
 * shared between processes (use `@keyward/redis` for that). Records are copied on the way
 * in and out, so callers cannot change stored state by mutating what they hold.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #byId = new Map<string, KeyRecord>()
  readonly #idByHash = new Map<string, string>()
  readonly #idsByOwner = new Map<string, Set<string>>()

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

  async listByOwner(ownerId: string): Promise<KeyRecord[]> {
    const ids = this.#idsByOwner.get(ownerId)
    if (!ids) return []
    return [...ids]
      .map((id) => structuredClone(this.#byId.get(id)!))
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
  }

  async insert(record: KeyRecord): Promise<void> {
    if (this.#byId.has(record.id)) throw new Error(`a key with id ${record.id} already exists`)
    if (this.#idByHash.has(record.hash)) throw new Error('a key with the same hash already exists')
    this.#byId.set(record.id, structuredClone(record))
    this.#idByHash.set(record.hash, record.id)
    const owned = this.#idsByOwner.get(record.ownerId)
    if (owned) owned.add(record.id)
    else this.#idsByOwner.set(record.ownerId, new Set([record.id]))
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
    const owned = this.#idsByOwner.get(record.ownerId)
    owned?.delete(id)
    if (owned?.size === 0) this.#idsByOwner.delete(record.ownerId)
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
