import type { LimitOutcome, LimitPolicy } from '@keyward/core/adapter'
import type { RedisClient } from './client.js'
import { LuaScript } from './lua-script.js'

// One script for every operation, so the check and the charges are one atomic step.
// ARGV: mode, now ('' = TIME), cost, expireAt, n, then per rate: name, limit, window, index
// ('' = the current one), then credits: has, remaining, grantedAt, refill amount, interval.
// Modes: `charge` refuses (charging nothing) when any limit lacks `cost`; `add` charges
// unconditionally (credits floor at zero): approximate mode's reconciliation; `refund`
// gives `cost` back to the windows named and to the same credit grant.
// Returns: refused (0 none, 1 rate, 2 credits), balance (-1 none), credit reset ms (-1
// none), then per rate: count after, reset ms, window index.
const LIMIT_SCRIPT = new LuaScript(`
local mode = ARGV[1]
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local cost = tonumber(ARGV[3])
local n = tonumber(ARGV[5])
local state = {}
local flat = redis.call('HGETALL', KEYS[1])
for i = 1, #flat, 2 do state[flat[i]] = flat[i + 1] end
local refused = 0
local rates = {}
for i = 0, n - 1 do
  local at = 6 + i * 4
  local name, limit, window = ARGV[at], tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
  local index = tonumber(ARGV[at + 3]) or math.floor(now / window)
  local stored = tonumber(state['w:' .. name])
  -- Window indexes of another length say nothing about this one (a limit whose window was
  -- changed): start afresh rather than take the old index for a later, "stale" one.
  local length = tonumber(state['l:' .. name])
  if length ~= nil and length ~= window then stored = nil end
  local count = 0
  if stored == index then count = tonumber(state['c:' .. name]) end
  local stale = stored ~= nil and stored > index
  rates[i + 1] = { name = name, limit = limit, window = window, index = index, count = count, stale = stale }
  if mode == 'charge' and limit - count < cost then refused = 1 end
end
local at = 6 + n * 4
local credits = ARGV[at] == '1'
local balance, reset, period, grantedAt = -1, -1, 0, 0
if credits then
  local remaining = tonumber(ARGV[at + 1])
  grantedAt = tonumber(ARGV[at + 2])
  local amount, interval = tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4])
  if tonumber(state.cg) == grantedAt then
    balance, period = tonumber(state.cb), tonumber(state.cp)
  elseif mode == 'refund' then
    credits = false
  else
    balance, period = remaining, 0
  end
  if credits and interval > 0 then
    local current = math.max(0, math.floor((now - grantedAt) / interval))
    if current > period then
      period = current
      if balance < amount then balance = amount end
    end
    reset = grantedAt + (current + 1) * interval - now
  end
  if mode == 'charge' and refused == 0 and balance < cost then refused = 2 end
end
local out = { refused, balance, reset }
if refused == 0 then
  for _, rate in ipairs(rates) do
    if not rate.stale then
      if mode == 'refund' then rate.count = math.max(0, rate.count - cost) else rate.count = rate.count + cost end
      redis.call('HSET', KEYS[1], 'w:' .. rate.name, rate.index, 'c:' .. rate.name, rate.count, 'l:' .. rate.name, rate.window)
    end
  end
  if credits then
    if mode == 'refund' then balance = balance + cost else balance = math.max(0, balance - cost) end
    redis.call('HSET', KEYS[1], 'cg', grantedAt, 'cb', balance, 'cp', period)
    out[2] = balance
  end
  redis.call('PEXPIREAT', KEYS[1], ARGV[4])
end
for _, rate in ipairs(rates) do
  table.insert(out, rate.count)
  table.insert(out, (rate.index + 1) * rate.window - now)
  table.insert(out, rate.index)
end
return out
`)

/**
 * What the limit script does: `charge` checks and charges (or refuses, charging nothing);
 * `add` charges unconditionally (approximate mode's reconciliation, or a read with cost 0);
 * `refund` gives a charge back to the windows it was made in.
 */
export type LimitScriptMode = 'charge' | 'add' | 'refund'

/** One rate limit, in `policy.rates` order, as the script left it. */
export interface RateReply {
  /** Units counted in the window, after this script. */
  readonly count: number
  /** ms until the window ends. */
  readonly reset: number
  /** The window's index (epoch ms ÷ window length). */
  readonly window: number
}

/** What the limit script answered, decoded. */
export interface LimitScriptReply {
  /** Which limit refused a `charge` (nothing was charged), or `undefined`. */
  readonly refused: LimitOutcome['refused']
  /** Credits left after this script; `undefined` when the key has none. */
  readonly balance: number | undefined
  /** ms until the next credit refill; `undefined` when the credits do not refill. */
  readonly creditsReset: number | undefined
  readonly rates: readonly RateReply[]
}

const DAY = 86_400_000

/**
 * Runs the limit script on `key` for `policy`: `cost` units, in the `windows` given per rate
 * (default: the current ones by `now`, or by Redis `TIME` when `now` is `''`).
 */
export async function runLimitScript(
  redis: RedisClient,
  key: string,
  policy: LimitPolicy,
  mode: LimitScriptMode,
  now: number | '',
  cost: number,
  windows?: readonly number[],
): Promise<LimitScriptReply> {
  const args: (string | number)[] = [
    mode,
    now,
    cost,
    // Counters outlive the key by a day (and the longest window), then Redis drops them.
    policy.expiresAt + DAY + Math.max(0, ...policy.rates.map((rate) => rate.window)),
    policy.rates.length,
  ]
  policy.rates.forEach((rate, i) => {
    args.push(rate.name, rate.limit, rate.window, windows?.[i] ?? '')
  })
  const credits = policy.credits
  if (credits === undefined) args.push('0', 0, 0, 0, 0)
  else {
    args.push(
      '1',
      credits.remaining,
      credits.grantedAt,
      credits.refill?.amount ?? 0,
      credits.refill?.interval ?? 0,
    )
  }
  const reply = (await LIMIT_SCRIPT.run(redis, [key], args)) as number[]
  return decodeReply(reply, policy.rates.length)
}

function decodeReply(reply: readonly number[], rateCount: number): LimitScriptReply {
  const rates: RateReply[] = []
  for (let i = 0; i < rateCount; i++) {
    rates.push({
      count: reply[3 + i * 3]!,
      reset: reply[3 + i * 3 + 1]!,
      window: reply[3 + i * 3 + 2]!,
    })
  }
  return {
    refused: reply[0] === 1 ? 'rate_limited' : reply[0] === 2 ? 'usage_exceeded' : undefined,
    balance: reply[1]! < 0 ? undefined : reply[1]!,
    creditsReset: reply[2]! < 0 ? undefined : reply[2]!,
    rates,
  }
}

/** The outcome of a request as Redis counted it (exact mode's answer). */
export function outcomeOf(policy: LimitPolicy, reply: LimitScriptReply): LimitOutcome {
  return {
    refused: reply.refused,
    remaining: policy.rates.map((rate, i) => Math.max(0, rate.limit - reply.rates[i]!.count)),
    resets: reply.rates.map((rate) => rate.reset),
    windows: reply.rates.map((rate) => rate.window),
    credits: reply.balance,
    creditsReset: reply.creditsReset,
  }
}
