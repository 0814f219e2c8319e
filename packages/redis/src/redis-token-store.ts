import type { KeyRecord, KeyRecordPage, ListKeysOptions, TokenStore } from '@keyward/core'
import {
  assertEpochMs,
  assertObject,
  conditionActiveAt,
  configDuration,
  encodeCursor,
  foldName,
  type KeyRecordPatch,
  nowOption,
  resolveListOptions,
  type UpdateCondition,
} from '@keyward/core/adapter'
import { assertRedisClient, explainReplyError, type RedisClient } from './lib/client.js'
import { LuaScript } from './lib/lua-script.js'
import { hashTag } from './lib/namespace.js'
import {
  ensureNamesIndex,
  LUA_NAME_MEMBER,
  NAME_KEY_FIELD,
  nameMember,
  readOwnerPage,
} from './lib/owner-page.js'
import { decodeRecord, encodePatch, encodeRecord, pairsToObject } from './lib/record-codec.js'

/** Options of {@link RedisTokenStore}. Invalid values throw `TypeError('<option> must be …')`. */
export interface RedisTokenStoreOptions {
  /**
   * Prefix of every key, used as a Redis Cluster hash tag (`{keyward}:key:…`) so that all
   * of them share one slot and each write is one atomic script. Give each application (or
   * test run) its own. 1–64 characters of `A-Z a-z 0-9 _ . : -`. Default `'keyward'`.
   */
  namespace?: string
  /**
   * How long a record is kept in Redis after its `expiresAt` or its `revokedAt`, whichever is
   * later (and at least this long after the write that set either), so `verify` still
   * recognises an expired or revoked key for a while rather than answering `unknown_token`;
   * then Redis deletes the record by itself, indexes with it. Revoking never shortens how
   * long a record is kept, and nothing brings a deleted record back: once gone, its key
   * answers `unknown_token` for good. Seconds or a duration string. Default `'1d'`.
   */
  retention?: number | string
  /** The clock that expiry times in Redis are computed from, epoch ms. Default `Date.now`. */
  now?: () => number
}

// KEYS: hash index. ARGV: the prefix of record keys (`{ns}:key:`), to which the indexed id is
// appended: the same hash tag, so the same slot on a Cluster, and one round trip per lookup.
// Returns nil when no key has the hash, else {id, fields as HGETALL gives them}; a read that
// fails (data of another type) gives its error message in place of the id or of the fields.
const FIND_BY_HASH = new LuaScript(`
local id = redis.pcall('GET', KEYS[1])
if not id then return false end
if type(id) == 'table' then return {false, id.err} end
local fields = redis.pcall('HGETALL', ARGV[1] .. id)
if fields.err then return {id, fields.err} end
return {id, fields}
`)

// KEYS: record, hash index, owner set, names set. ARGV: id, createdAt, ttl ms, names member,
// field, value, … Returns 0, or 1 when the id exists, 2 when the hash exists, 3 when an owner
// key is foreign. A new owner's names set starts complete (its NAMES_READY member, `\0`).
const INSERT = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
local ownerType = redis.call('TYPE', KEYS[3]).ok
if ownerType ~= 'none' and ownerType ~= 'zset' then return 3 end
local namesType = redis.call('TYPE', KEYS[4]).ok
if namesType ~= 'none' and namesType ~= 'zset' then return 3 end
local ttl = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('SET', KEYS[2], ARGV[1], 'PX', ttl)
local ownerTtl = redis.call('PTTL', KEYS[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
if ownerTtl == -2 or (ownerTtl >= 0 and ownerTtl < ttl) then redis.call('PEXPIRE', KEYS[3], ttl) end
local namesTtl = redis.call('PTTL', KEYS[4])
if ownerType == 'none' and namesType == 'none' then redis.call('ZADD', KEYS[4], 0, '\\0') end
redis.call('ZADD', KEYS[4], 0, ARGV[4])
if namesTtl == -2 or (namesTtl >= 0 and namesTtl < ttl) then redis.call('PEXPIRE', KEYS[4], ttl) end
return 0
`)

// KEYS: record, hash index, owner set, names set.
// ARGV: id, hash, ownerId, activeAt or '' (no condition), now or '' (keep the TTL), retention ms,
// '1' or '' (notSuspended), the new folded name or '' (no rename), n (how many fields to
// remove), the n fields to remove, then field, value, … to set.
// Returns the whole record (HGETALL), nil when there is none, -1 when it changed under us,
// -2 when a condition was given and the record is not active at activeAt (or, with
// notSuspended, is suspended), -3 when its expiresAt is not a time so the condition cannot be
// judged; nothing is written for -1 to -3.
// The TTL, when asked, is #ttl's, from the record as written: retention past the later of
// expiresAt and revokedAt, or past now. A rename moves the record's names-set member.
const UPDATE = new LuaScript(`${LUA_NAME_MEMBER}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local function time(value)
  if type(value) ~= 'string' or #value > 16 or not string.match(value, '^%d+$') then return nil end
  return tonumber(value)
end
local current = redis.call('HMGET', KEYS[1], 'hash', 'ownerId', 'expiresAt', 'revokedAt', 'rotatedTo', 'suspendedAt')
if current[1] ~= ARGV[2] or current[2] ~= ARGV[3] then return -1 end
if ARGV[4] ~= '' then
  if current[4] or current[5] then return -2 end
  if ARGV[7] ~= '' and current[6] then return -2 end
  local expiresAt = time(current[3])
  if expiresAt == nil then return -3 end
  if expiresAt <= tonumber(ARGV[4]) then return -2 end
end
local namesType = redis.call('TYPE', KEYS[4]).ok
local renamed = ARGV[8] ~= '' and (namesType == 'zset' or namesType == 'none')
if renamed then
  local old = nameMemberOf(KEYS[1], ARGV[1])
  if old then redis.call('ZREM', KEYS[4], old) end
  redis.call('HSET', KEYS[1], '${NAME_KEY_FIELD}', ARGV[8])
  local member = nameMemberOf(KEYS[1], ARGV[1])
  if member then redis.call('ZADD', KEYS[4], 0, member) end
end
local removed = tonumber(ARGV[9])
if removed > 0 then redis.call('HDEL', KEYS[1], unpack(ARGV, 10, 9 + removed)) end
if #ARGV > 9 + removed then redis.call('HSET', KEYS[1], unpack(ARGV, 10 + removed)) end
if ARGV[5] ~= '' then
  local written = redis.call('HMGET', KEYS[1], 'expiresAt', 'revokedAt')
  local expiresAt = time(written[1])
  if expiresAt ~= nil then
    local keptFrom = math.max(expiresAt, time(written[2]) or 0)
    local ttl = math.max(keptFrom - tonumber(ARGV[5]), 0) + tonumber(ARGV[6])
    redis.call('PEXPIRE', KEYS[1], ttl)
    if redis.call('TYPE', KEYS[2]).ok == 'string' and redis.call('GET', KEYS[2]) == ARGV[1] then
      redis.call('PEXPIRE', KEYS[2], ttl)
    end
    for i = 3, 4 do
      if redis.call('TYPE', KEYS[i]).ok == 'zset' then
        local indexTtl = redis.call('PTTL', KEYS[i])
        if indexTtl >= 0 and indexTtl < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
      end
    end
  end
end
return redis.call('HGETALL', KEYS[1])
`)

// KEYS: record, hash index, owner set, names set. ARGV: id, hash, ownerId.
// Returns 1, 0 (none) or -1 (changed).
const DELETE = new LuaScript(`${LUA_NAME_MEMBER}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local current = redis.call('HMGET', KEYS[1], 'hash', 'ownerId')
if current[1] ~= ARGV[2] or current[2] ~= ARGV[3] then return -1 end
local member = nameMemberOf(KEYS[1], ARGV[1])
redis.call('DEL', KEYS[1])
if redis.call('TYPE', KEYS[2]).ok == 'string' and redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
if redis.call('TYPE', KEYS[3]).ok == 'zset' then redis.call('ZREM', KEYS[3], ARGV[1]) end
if member and redis.call('TYPE', KEYS[4]).ok == 'zset' then redis.call('ZREM', KEYS[4], member) end
return 1
`)

// KEYS: record. ARGV: lastUsedAt. Never creates a record, never moves lastUsedAt backwards.
const TOUCH = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local last = tonumber(redis.call('HGET', KEYS[1], 'lastUsedAt'))
if last == nil or last < tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'lastUsedAt', ARGV[1]) end
return 1
`)

const CHANGED = 'the key record changed while it was being written; retry'

/**
 * A {@link TokenStore} in Redis, shared by every process that points at the same server
 * and namespace. Each key is a hash (`{ns}:key:<id>`), found by an index from hash to id
 * (`{ns}:hash:<hash>`) and listed a page at a time through two sorted sets per owner:
 * `{ns}:owner:<ownerId>` scored by `createdAt` (newest first is a reverse range from the
 * cursor) and `{ns}:names:<ownerId>`, lexicographic on the lower-cased name, for name
 * prefixes. Owners written by a version before the names set get theirs built on their first
 * name search. Only what core hands it is stored: the token hash, never a token.
 *
 * Every write is one Lua script, so it is atomic and a duplicate id or hash writes
 * nothing; a conditional `update` checks that the record is active (and, with
 * `notSuspended`, not suspended) inside the same script.
 * Records expire in Redis `retention` after their `expiresAt` or `revokedAt`, whichever is
 * later. Every record read
 * is checked with core's `assertKeyRecord`: foreign or corrupt data rejects with a
 * `TypeError`, which the verifier reports as `unavailable`, never as a valid key.
 *
 * Takes the caller's ioredis `Redis` or `Cluster` and opens no connection of its own;
 * closing the client is the caller's business.
 */
export class RedisTokenStore implements TokenStore {
  /** The namespace every key of this store lives under. */
  readonly namespace: string
  readonly #redis: RedisClient
  readonly #tag: string
  readonly #retention: number
  readonly #now: () => number

  constructor(redis: RedisClient, options: RedisTokenStoreOptions = {}) {
    assertRedisClient(redis)
    assertObject(options)
    this.#tag = hashTag(options.namespace)
    this.namespace = this.#tag.slice(1, -1)
    this.#retention = configDuration(options.retention, 'retention', 86_400_000)
    this.#redis = redis
    this.#now = nowOption(options.now ?? Date.now)
  }

  async findByHash(hash: string): Promise<KeyRecord | undefined> {
    const indexKey = this.#hashKey(hash)
    const reply = (await this.#read(indexKey, () =>
      FIND_BY_HASH.run(this.#redis, [indexKey], [this.#recordKey('')]),
    )) as [string | null, string[] | string] | null
    if (reply === null) return undefined
    const [id, fields] = reply
    if (id === null) throw explainReplyError(new Error(String(fields)), indexKey)
    const key = this.#recordKey(id)
    if (typeof fields === 'string') throw explainReplyError(new Error(fields), key)
    if (fields.length === 0) return undefined
    const record = decodeRecord(pairsToObject(fields), key, id)
    if (record.hash !== hash) {
      throw new TypeError(
        `Redis key ${indexKey} is corrupt: it points to a record with another hash`,
      )
    }
    return record
  }

  async get(id: string): Promise<KeyRecord | undefined> {
    const key = this.#recordKey(id)
    const fields = await this.#read(key, () => this.#redis.hgetall(key))
    return Object.keys(fields).length === 0 ? undefined : decodeRecord(fields, key, id)
  }

  /**
   * One page in one script: a reverse range of the owner set from the cursor (O(log n +
   * page)), each entry judged in the script; a name prefix with at most 1 000 matches reads
   * the names set instead, else the owner set is scanned by time with the name tested.
   * Entries of records Redis has expired are dropped from the indexes on the way.
   */
  async listByOwner(ownerId: string, options?: ListKeysOptions): Promise<KeyRecordPage> {
    const resolved = resolveListOptions(options, this.#now())
    const keys = {
      owner: this.#ownerKey(ownerId),
      names: this.#namesKey(ownerId),
      recordPrefix: this.#recordKey(''),
    }
    if (resolved.name?.includes('\0')) return { keys: [], nextCursor: null }
    if (resolved.name !== undefined) {
      await this.#read(keys.names, () => ensureNamesIndex(this.#redis, keys))
    }
    const { found, settled } = await this.#read(keys.owner, () =>
      readOwnerPage(this.#redis, keys, resolved),
    )
    const records = found.map(([id, fields]) => {
      const key = this.#recordKey(id)
      const record = decodeRecord(pairsToObject(fields), key, id)
      if (record.ownerId !== ownerId) {
        throw new TypeError(
          `Redis key ${keys.owner} is corrupt: it lists a record of another owner`,
        )
      }
      return record
    })
    const last = records.at(-1)
    if (settled === false) return { keys: records, nextCursor: null }
    const resume = settled === true ? last! : settled
    return { keys: records, nextCursor: encodeCursor(resume) }
  }

  async insert(record: KeyRecord): Promise<void> {
    const outcome = await this.#insertOne(record)
    if (outcome === 1) throw new Error(`a key with id ${record.id} already exists`)
    if (outcome === 2) throw new Error('a key with the same hash already exists')
  }

  /**
   * The insert script once per record, all sent at once: the client pipelines them on its
   * connection (one round trip for the batch, each record still atomic), so an import of a
   * thousand records does not wait a thousand round trips. Every key shares the `{ns}` hash
   * tag, so on a cluster they go to one node.
   */
  async insertMany(records: readonly KeyRecord[]): Promise<boolean[]> {
    const outcomes = await Promise.all(records.map((record) => this.#insertOne(record)))
    return outcomes.map((outcome) => outcome === 0)
  }

  /** Runs the insert script: 0 added, 1 the id exists, 2 the hash exists; throws for foreign data. */
  async #insertOne(record: KeyRecord): Promise<number> {
    const fields = encodeRecord(record)
    const folded = foldName(record.name)
    const keys = [
      this.#recordKey(record.id),
      this.#hashKey(record.hash),
      this.#ownerKey(record.ownerId),
      this.#namesKey(record.ownerId),
    ]
    const ttl = this.#ttl(Math.max(record.expiresAt, record.revokedAt ?? 0))
    const member = nameMember(folded, record.createdAt, record.id)
    const args = [record.id, record.createdAt, ttl, member, ...fields, NAME_KEY_FIELD, folded]
    const outcome = await this.#read(keys[0]!, () => INSERT.run(this.#redis, keys, args))
    if (outcome === 3)
      throw new TypeError(
        `Redis key ${keys[2]} or ${keys[3]} holds data Keyward did not write (wrong type)`,
      )
    return outcome as number
  }

  async update(
    id: string,
    patch: KeyRecordPatch,
    condition?: UpdateCondition,
  ): Promise<KeyRecord | undefined | null> {
    const { set, removed } = encodePatch(patch)
    const activeAt = condition === undefined ? '' : conditionActiveAt(condition)
    const located = await this.#locate(id)
    if (!located) return undefined
    const keepsTtl = patch.expiresAt === undefined && patch.revokedAt === undefined
    const key = this.#recordKey(id)
    const keys = [
      key,
      this.#hashKey(located.hash),
      this.#ownerKey(located.ownerId),
      this.#namesKey(located.ownerId),
    ]
    const args = [
      id,
      located.hash,
      located.ownerId,
      activeAt,
      keepsTtl ? '' : this.#now(),
      this.#retention,
      condition?.notSuspended === true ? '1' : '',
      patch.name === undefined ? '' : foldName(patch.name),
      removed.length,
      ...removed,
      ...set,
    ]
    const reply = await this.#read(key, () => UPDATE.run(this.#redis, keys, args))
    if (reply === null) return undefined
    if (reply === -1) throw new Error(CHANGED)
    if (reply === -2) return null
    if (reply === -3) {
      throw new TypeError(
        `key record at Redis key ${key} is corrupt: expiresAt is missing or has the wrong type`,
      )
    }
    return decodeRecord(pairsToObject(reply as unknown[]), key, id)
  }

  async delete(id: string): Promise<boolean> {
    const located = await this.#locate(id)
    if (!located) return false
    const key = this.#recordKey(id)
    const keys = [
      key,
      this.#hashKey(located.hash),
      this.#ownerKey(located.ownerId),
      this.#namesKey(located.ownerId),
    ]
    const outcome = await this.#read(key, () =>
      DELETE.run(this.#redis, keys, [id, located.hash, located.ownerId]),
    )
    if (outcome === -1) throw new Error(CHANGED)
    return outcome === 1
  }

  async touch(id: string, lastUsedAt: number): Promise<void> {
    assertEpochMs(lastUsedAt, 'lastUsedAt')
    const key = this.#recordKey(id)
    await this.#read(key, () => TOUCH.run(this.#redis, [key], [lastUsedAt]))
  }

  /** The immutable fields that name a record's indexes, or `undefined` when there is no record. */
  async #locate(id: string): Promise<{ hash: string; ownerId: string } | undefined> {
    const key = this.#recordKey(id)
    const [hash, ownerId] = await this.#read(key, () => this.#redis.hmget(key, 'hash', 'ownerId'))
    if (hash == null && ownerId == null) return undefined
    if (hash == null || ownerId == null) {
      throw new TypeError(`key record at Redis key ${key} is corrupt: hash or ownerId is missing`)
    }
    return { hash, ownerId }
  }

  /**
   * Milliseconds Redis keeps a record that ends at `end` (the later of its `expiresAt` and
   * `revokedAt`): `retention` past it, or past now. The UPDATE script computes the same.
   */
  #ttl(end: number): number {
    return Math.max(end - this.#now(), 0) + this.#retention
  }

  async #read<T>(key: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command()
    } catch (error) {
      throw explainReplyError(error, key)
    }
  }

  #recordKey(id: string): string {
    return `${this.#tag}:key:${id}`
  }

  #hashKey(hash: string): string {
    return `${this.#tag}:hash:${hash}`
  }

  #ownerKey(ownerId: string): string {
    return `${this.#tag}:owner:${ownerId}`
  }

  #namesKey(ownerId: string): string {
    return `${this.#tag}:names:${ownerId}`
  }
}
