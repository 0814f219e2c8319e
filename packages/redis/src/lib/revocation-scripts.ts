import { LuaScript } from './lua-script.js'

/**
 * The writes of `RedisRevocationList`: each changes the stored state and publishes the change
 * on the channel in one atomic script, so the channel carries changes in the order they were
 * made, and a reload never misses a change that was announced.
 */

// KEYS: revoked ids. ARGV: now, id, expiresAt, channel, message.
export const REVOKE = new LuaScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local current = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[2]))
if current == nil or current < tonumber(ARGV[3]) then redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2]) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`)

// KEYS: owner epochs. ARGV: ownerId, at, channel, message. Epochs only move forward.
export const REVOKE_OWNER = new LuaScript(`
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]))
if current == nil or current < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`)

// KEYS: global epoch. ARGV: at, channel, message. The epoch only moves forward.
export const REVOKE_ALL = new LuaScript(`
local current = tonumber(redis.call('GET', KEYS[1]))
if current == nil or current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`)

// KEYS: suspended ids. ARGV: now, id, expiresAt, channel, message. Prunes entries of keys
// expired by now (never a live one); the entry takes the latest expiresAt given, so a key
// whose expiry was extended stays suspended as long as it lives.
export const SUSPEND = new LuaScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`)

// KEYS: suspended ids. ARGV: id, channel, message. Removes the entry, if any, and announces it.
export const RESUME = new LuaScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`)
