import type { UsageAddress } from '../usage-types.js'

/** How many distinct addresses a key keeps (issue 23: the last 5). */
export const RECENT_ADDRESSES = 5

/**
 * `addresses` with `seen` merged in (same address: earliest `firstSeen`, latest `lastSeen`),
 * newest `lastSeen` first (ties by address), at most {@link RECENT_ADDRESSES}.
 */
export function keepRecentAddresses(
  addresses: readonly UsageAddress[],
  seen: UsageAddress,
): UsageAddress[] {
  const merged = addresses.filter((address) => address.ip !== seen.ip)
  const same = addresses.find((address) => address.ip === seen.ip)
  merged.push(
    same === undefined
      ? { ...seen }
      : {
          ip: seen.ip,
          firstSeen: Math.min(same.firstSeen, seen.firstSeen),
          lastSeen: Math.max(same.lastSeen, seen.lastSeen),
        },
  )
  return merged.sort(newestFirst).slice(0, RECENT_ADDRESSES)
}

/** Orders addresses newest `lastSeen` first, ties by address. */
export function newestFirst(a: UsageAddress, b: UsageAddress): number {
  return b.lastSeen - a.lastSeen || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0)
}
