/**
 * The owner indexes of `RedisTokenStore` and one page read from them. Each owner has two
 * sorted sets in the store's hash tag: `{ns}:owner:<ownerId>` (ids scored by `createdAt`,
 * so newest first is a reverse range) and `{ns}:names:<ownerId>` (score 0, members
 * `<folded name>\0<createdAt, 16 digits>\0<id>`, so a name prefix is a lexicographic range
 * that carries each match's place in the order). The insert, update and delete scripts keep
 * both in step with the record; the folded name is also kept in the record's hash, as
 * `nameKey`, so a script can test a name without folding it (Lua's `lower` knows only ASCII).
 */
import { foldName, type ResolvedListOptions } from '@keyward/core/adapter'
import type { RedisClient } from './client.js'
import { LuaScript } from './lua-script.js'

/** The hash field holding the folded name (read by the scripts, ignored when decoding). */
export const NAME_KEY_FIELD = 'nameKey'

/**
 * The member of the names index that says it is complete for its owner: every record has
 * its member. Owners whose records were written before the index existed lack it until
 * their first name search builds the index ({@link LIST_NAMES_READY}).
 */
export const NAMES_READY = '\0'

/** A name search with at most this many matches sorts them; more scan the owner by time. */
export const SMALL_NAME_MATCHES = 1_000

/** Index entries one page call examines at most beyond the page itself (a rare filter stops there). */
export const SCAN_BUDGET = 1_000

/** The names-index member of a record. */
export function nameMember(folded: string, createdAt: number, id: string): string {
  return `${folded}\0${String(createdAt).padStart(16, '0')}\0${id}`
}

/** Lua: bytewise string order (Lua's `<` follows the server's locale, the sorted sets do not). */
export const LUA_BYTES_BEFORE = `
local function bytesBefore(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
`

/** Lua: the names-index member of the record at `key`, from its hash, or nil without `nameKey`. */
export const LUA_NAME_MEMBER = `
local function nameMemberOf(key, id)
  local fields = redis.call('HMGET', key, '${NAME_KEY_FIELD}', 'createdAt')
  if not fields[1] or not fields[2] then return nil end
  return fields[1] .. '\\0' .. string.rep('0', 16 - #fields[2]) .. fields[2] .. '\\0' .. id
end
`

// KEYS: owner set, names set. ARGV: prefix of record keys, cursor createdAt or '', cursor id,
// limit, scan budget, status or '', at, revokedBefore (-1: none), folded name prefix or '',
// small-match threshold. Returns {found, settled, stale} where found is {id, HGETALL fields}
// per record of the page, settled is 1 when one more match follows the page, 0 when the
// owner is exhausted, or {createdAt, id} of the last entry examined when the budget ran out.
const LIST_PAGE = new LuaScript(`${LUA_BYTES_BEFORE}
local prefix, cursorAt, cursorId = ARGV[1], ARGV[2], ARGV[3]
local limit, budget, wanted = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local at, revokedBefore, name = tonumber(ARGV[7]), tonumber(ARGV[8]), ARGV[9]
local found, stale, staleNames = {}, {}, {}

local function statusOf(f)
  if f[1] then return 'revoked' end
  local createdAt = tonumber(f[4])
  if createdAt and createdAt <= revokedBefore then return 'revoked' end
  if f[2] then return 'rotated' end
  local expiresAt = tonumber(f[3])
  if expiresAt and at >= expiresAt then return 'expired' end
  return 'active'
end

-- Judges one entry; true once the page is full and one more match was seen.
local function examine(id)
  local key = prefix .. id
  local f = redis.call('HMGET', key, 'revokedAt', 'rotatedTo', 'expiresAt', 'createdAt', '${NAME_KEY_FIELD}', 'name')
  if not f[4] and not f[6] and redis.call('EXISTS', key) == 0 then
    table.insert(stale, id)
    return false
  end
  local status = statusOf(f)
  if wanted == '' then
    if status == 'revoked' then return false end
  elseif status ~= wanted then return false end
  if name ~= '' then
    local folded = f[5] or string.lower(f[6] or '')
    if string.sub(folded, 1, #name) ~= name then return false end
  end
  if #found == limit then return true end
  table.insert(found, {id, redis.call('HGETALL', key)})
  return false
end

local function afterCursor(createdAt, id)
  if cursorAt == '' then return true end
  local c = tonumber(cursorAt)
  return createdAt < c or (createdAt == c and bytesBefore(id, cursorId))
end

local function byTime()
  local offset = 0
  if cursorAt ~= '' then
    offset = redis.call('ZCOUNT', KEYS[1], '(' .. cursorAt, '+inf')
    for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], cursorAt, cursorAt)) do
      if not bytesBefore(id, cursorId) then offset = offset + 1 end
    end
  end
  local examined, last = 0, nil
  while examined < budget do
    local batch = math.min(budget - examined, limit + 16)
    local entries = redis.call('ZREVRANGE', KEYS[1], offset, offset + batch - 1, 'WITHSCORES')
    for i = 1, #entries, 2 do
      examined = examined + 1
      last = {entries[i + 1], entries[i]}
      if examine(entries[i]) then return 1 end
    end
    if #entries < batch * 2 then return 0 end
    offset = offset + batch
  end
  return last
end

local function byName()
  local low, high = '[' .. name, '(' .. name .. '\\255'
  if redis.call('ZLEXCOUNT', KEYS[2], low, high) > tonumber(ARGV[10]) then return nil end
  local entries, seen = {}, {}
  for _, member in ipairs(redis.call('ZRANGEBYLEX', KEYS[2], low, high)) do
    local createdAt, id = string.match(member, '%z(%d+)%z([^%z]+)$')
    if id and not seen[id] and afterCursor(tonumber(createdAt), id) then
      seen[id] = true
      table.insert(entries, {createdAt, id, member})
    end
  end
  table.sort(entries, function(a, b)
    if a[1] ~= b[1] then return bytesBefore(b[1], a[1]) end
    return bytesBefore(b[2], a[2])
  end)
  for _, entry in ipairs(entries) do
    local before = #stale
    if examine(entry[2]) then return 1 end
    if #stale > before then table.insert(staleNames, entry[3]) end
  end
  return 0
end

local settled = nil
if name ~= '' then settled = byName() end
if settled == nil then settled = byTime() end
if #stale > 0 then redis.call('ZREM', KEYS[1], unpack(stale)) end
if #staleNames > 0 then redis.call('ZREM', KEYS[2], unpack(staleNames)) end
return {found, settled, stale}
`)

// KEYS: names set. ARGV: prefix of record keys, then id, name, folded name, … Gives each
// record that still has that name and no name-index entry yet its entry and its nameKey.
const INDEX_NAMES = new LuaScript(`
for i = 2, #ARGV, 3 do
  local id, name, folded = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = ARGV[1] .. id
  local fields = redis.call('HMGET', key, 'name', '${NAME_KEY_FIELD}', 'createdAt')
  if fields[1] == name and not fields[2] and fields[3] then
    redis.call('HSET', key, '${NAME_KEY_FIELD}', folded)
    redis.call('ZADD', KEYS[1], 0, folded .. '\\0' .. string.rep('0', 16 - #fields[3]) .. fields[3] .. '\\0' .. id)
  end
end
return 0
`)

/** What one page script read: the page's raw records and where the owner stands after them. */
export interface RawOwnerPage {
  readonly found: readonly (readonly [id: string, fields: unknown[]])[]
  /** More matches follow the page (`true`), none do (`false`), or resume after this entry. */
  readonly settled: boolean | { readonly createdAt: number; readonly id: string }
}

/** Runs the page script over an owner's indexes (see {@link LIST_PAGE}). */
export async function readOwnerPage(
  redis: RedisClient,
  keys: { owner: string; names: string; recordPrefix: string },
  options: ResolvedListOptions,
): Promise<RawOwnerPage> {
  const { limit, after, status, name, at, revokedBefore } = options
  const reply = (await LIST_PAGE.run(
    redis,
    [keys.owner, keys.names],
    [
      keys.recordPrefix,
      after === undefined ? '' : after.createdAt,
      after === undefined ? '' : after.id,
      limit,
      limit + SCAN_BUDGET,
      status ?? '',
      at,
      revokedBefore,
      name ?? '',
      SMALL_NAME_MATCHES,
    ],
  )) as [[string, unknown[]][], number | [string, string]]
  const [found, settled] = reply
  return {
    found,
    settled: Array.isArray(settled)
      ? { createdAt: Number(settled[0]), id: settled[1] }
      : settled === 1,
  }
}

/**
 * Builds an owner's names index from its records when it was written before the index
 * existed (no {@link NAMES_READY} member): every record gets its entry, a batch of 500 per
 * script, then the index is marked complete. Inserts, renames and deletes that run meanwhile
 * keep their own entries; a record deleted between the read and the script is skipped.
 */
export async function ensureNamesIndex(
  redis: RedisClient,
  keys: { owner: string; names: string; recordPrefix: string },
): Promise<void> {
  if ((await redis.zscore(keys.names, NAMES_READY)) !== null) return
  const total = await redis.zcard(keys.owner)
  for (let start = 0; start < total; start += 500) {
    const ids = await redis.zrange(keys.owner, String(start), String(start + 499))
    if (ids.length === 0) break
    const pipeline = redis.pipeline()
    for (const id of ids) pipeline.hget(`${keys.recordPrefix}${id}`, 'name')
    const names = (await pipeline.exec()) ?? []
    const args: string[] = [keys.recordPrefix]
    for (const [i, id] of ids.entries()) {
      const name = names[i]?.[1]
      if (typeof name === 'string') args.push(id, name, foldName(name))
    }
    if (args.length > 1) await INDEX_NAMES.run(redis, [keys.names], args)
  }
  await redis.zadd(keys.names, 0, NAMES_READY)
  // The names set lives as long as the owner set (the scripts extend both alike).
  const ttl = await redis.pttl(keys.owner)
  if (ttl > 0) await redis.pexpire(keys.names, ttl)
}
