import type { RedisClient } from './client.js'
import { LuaScript } from './lua-script.js'

// KEYS: any key of the namespace, only so that a Cluster routes the call to the node that
// owns the namespace's slot (a plain `TIME` goes to whichever node ioredis picks). TIME is
// only read, never followed by a write, so the script is allowed on every Redis version.
const TIME = new LuaScript(`return redis.call('TIME')`)

const DIGITS = /^\d{1,16}$/

/** A `TIME` reply field (a bulk string of digits) as a number, or `NaN`. */
const integer = (value: unknown): number =>
  typeof value === 'string' && DIGITS.test(value)
    ? Number(value)
    : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
      ? value
      : Number.NaN

/** Epoch ms of a `TIME` reply `[seconds, microseconds]`: `seconds * 1000 + floor(µs / 1000)`. */
export function epochMsOfTime(reply: unknown): number {
  if (Array.isArray(reply) && reply.length === 2) {
    const seconds = integer(reply[0])
    const micros = integer(reply[1])
    if (micros < 1_000_000) {
      const ms = seconds * 1_000 + Math.floor(micros / 1_000)
      if (Number.isSafeInteger(ms)) return ms
    }
  }
  throw new Error(
    `Redis TIME answered something that is not a time: ${JSON.stringify(reply)?.slice(0, 80)}`,
  )
}

/**
 * Reads the clock of the Redis node that holds `key` (`TIME`), as integer epoch ms. Rejects
 * with an `Error` saying so when Redis cannot be reached or answers nonsense.
 */
export async function redisTime(client: RedisClient, key: string): Promise<number> {
  let reply: unknown
  try {
    reply = await TIME.run(client, [key], [])
  } catch (error) {
    throw new Error(
      `could not read the time from Redis (TIME): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
  return epochMsOfTime(reply)
}
