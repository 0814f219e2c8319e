import { keepRecentAddresses, newestFirst } from '../backends/usage-addresses.js'
import { truncateAddress } from '../lib/address-truncation.js'
import type {
  UsageAddress,
  UsageBatch,
  UsageGranularity,
  UsageOutcome,
  UsageWhereFrom,
} from '../usage-types.js'
import type { ResolvedUsage } from './options.js'

/**
 * Each instance's usage counter: the verifier records every outcome here, in memory (a map
 * lookup and an increment, no I/O), and the recorder hands the counts to the usage backend in
 * one write per flush: `flushInterval` after the first count since the last flush, and on
 * `close()`. What a crash loses is what was counted since the last flush: at most one
 * `flushInterval`.
 */
export interface UsageRecorder {
  /**
   * Counts one verification of `keyId` (an access token: its parent key; unknown and
   * malformed tokens: `DEPLOYMENT_USAGE_ID`). A `valid` one is also the key's last use, from
   * `clientIp` with `userAgent`.
   */
  record(
    keyId: string,
    outcome: UsageOutcome,
    at: number,
    clientIp?: string,
    userAgent?: string,
  ): void
  /** The last use and addresses counted here since the last flush, not yet in the backend. */
  pending(keyId: string): UsageWhereFrom | undefined
  /** Writes everything counted now; resolves once written (or failed, kept for the next flush). */
  flush(): Promise<void>
  /** Flushes, and stops the timer. */
  close(): Promise<void>
}

/** Longest `User-Agent` kept, in characters. */
export const MAX_USER_AGENT = 256
/** Distinct addresses a key keeps between two flushes; the oldest seen go first. */
const MAX_PENDING_ADDRESSES = 16

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
const WIDTHS: Readonly<Record<UsageGranularity, number>> = { minute: MINUTE, hour: HOUR, day: DAY }

type Counts = Partial<Record<UsageOutcome, number>>

/** What one key counted since the last flush. */
interface PendingKey {
  /** The minute of the latest count, and its counts: most calls land in the same minute. */
  minute: number
  current: Counts
  minutes: Map<number, Counts>
  /** The last valid verification, `-1` when none. */
  lastAt: number
  lastIp: string | undefined
  lastUserAgent: string | undefined
  /** The address as the adapter gave it last, and as it is kept: spares truncating a run again. */
  rawIp: string | undefined
  keptIp: string | undefined
  seen: UsageAddress | undefined
  addresses: Map<string, UsageAddress>
}

function pendingKey(): PendingKey {
  return {
    minute: -1,
    current: {},
    minutes: new Map(),
    lastAt: -1,
    lastIp: undefined,
    lastUserAgent: undefined,
    rawIp: undefined,
    keptIp: undefined,
    seen: undefined,
    addresses: new Map(),
  }
}

/** Builds an instance's recorder over the resolved `usage` option. */
export function createUsageRecorder(
  usage: ResolvedUsage,
  now: () => number,
  onError: (error: unknown) => void,
): UsageRecorder {
  let keys = new Map<string, PendingKey>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> = Promise.resolve()
  // While the backend keeps failing (an outage), only the first failure is reported.
  let failing = false

  const keepAddress =
    usage.addresses === 'off'
      ? () => undefined
      : usage.addresses === 'truncated'
        ? truncateAddress
        : (ip: string) => ip

  const used = (key: PendingKey, at: number, clientIp?: string, userAgent?: string) => {
    if (at < key.lastAt) return
    key.lastAt = at
    key.lastUserAgent = userAgent
    if (clientIp === undefined) {
      key.lastIp = undefined
      return
    }
    if (clientIp !== key.rawIp) {
      key.rawIp = clientIp
      key.keptIp = keepAddress(clientIp)
      key.seen = key.keptIp === undefined ? undefined : addressOf(key, key.keptIp, at)
    }
    key.lastIp = key.keptIp
    if (key.seen !== undefined) key.seen.lastSeen = at
  }

  const write = async () => {
    if (keys.size === 0) return
    const taken = keys
    keys = new Map()
    try {
      await usage.backend.write(batchOf(taken, now(), usage.retention))
      failing = false
    } catch (error) {
      // Kept for the next flush, merged with what was counted meanwhile.
      for (const [keyId, key] of taken) keys.set(keyId, mergeKeys(key, keys.get(keyId)))
      arm()
      if (!failing) onError(error)
      failing = true
    }
  }
  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    running = running.then(write)
    return running
  }
  const arm = () => {
    timer = setTimeout(() => {
      timer = undefined
      void flush()
    }, usage.flushInterval)
    // A pending flush never keeps a process alive: `close()` flushes what is left.
    ;(timer as { unref?: () => void }).unref?.()
  }

  return {
    record(keyId, outcome, at, clientIp, userAgent) {
      let key = keys.get(keyId)
      if (key === undefined) {
        key = pendingKey()
        keys.set(keyId, key)
        if (timer === undefined) arm()
      }
      const minute = at - (at % MINUTE)
      let counts = key.current
      if (minute !== key.minute) {
        counts = key.minutes.get(minute) ?? {}
        key.minutes.set(minute, counts)
        key.current = counts
        key.minute = minute
      }
      counts[outcome] = (counts[outcome] ?? 0) + 1
      if (outcome === 'valid') used(key, at, clientIp, userAgent)
    },
    pending(keyId) {
      const key = keys.get(keyId)
      if (key === undefined || key.lastAt < 0) return undefined
      return {
        lastUse: lastUseOf(key),
        recentIps: [...key.addresses.values()].map((address) => ({ ...address })).sort(newestFirst),
      }
    },
    flush,
    close: flush,
  }
}

/** The entry of `ip` among a key's pending addresses, added when new (the oldest seen dropped past the cap). */
function addressOf(key: PendingKey, ip: string, at: number): UsageAddress {
  let address = key.addresses.get(ip)
  if (address === undefined) {
    address = { ip, firstSeen: at, lastSeen: at }
    if (key.addresses.size >= MAX_PENDING_ADDRESSES) {
      const oldest = [...key.addresses.values()].sort(newestFirst).at(-1)!
      key.addresses.delete(oldest.ip)
    }
    key.addresses.set(ip, address)
  }
  return address
}

/** A key's last use as stored: the user agent cut to {@link MAX_USER_AGENT}, absent parts left out. */
function lastUseOf(key: PendingKey): { at: number; ip?: string; userAgent?: string } {
  const lastUse: { at: number; ip?: string; userAgent?: string } = { at: key.lastAt }
  if (key.lastIp !== undefined) lastUse.ip = key.lastIp
  if (key.lastUserAgent !== undefined && key.lastUserAgent !== '') {
    lastUse.userAgent = key.lastUserAgent.slice(0, MAX_USER_AGENT)
  }
  return lastUse
}

/**
 * One flush's batch: each minute's counts added to its minute, hour and UTC day (the roll-up
 * happens here, once per flush, so reads at any granularity need no work), last uses,
 * addresses, and the retention cut-offs at `at`.
 */
function batchOf(
  keys: ReadonlyMap<string, PendingKey>,
  at: number,
  retention: Readonly<Record<UsageGranularity, number>>,
): UsageBatch {
  const batch: UsageBatch = {
    counts: [],
    lastUses: [],
    addresses: [],
    pruneBefore: {
      minute: at - retention.minute,
      hour: at - retention.hour,
      day: at - retention.day,
    },
  }
  for (const [keyId, key] of keys) {
    const rolled = new Map<string, UsageBatch['counts'][number]>()
    for (const [minute, counts] of key.minutes) {
      for (const [outcome, count] of Object.entries(counts) as [UsageOutcome, number][]) {
        for (const granularity of ['minute', 'hour', 'day'] as const) {
          const start = minute - (minute % WIDTHS[granularity])
          const id = `${granularity} ${start} ${outcome}`
          const row = rolled.get(id)
          if (row === undefined) rolled.set(id, { keyId, granularity, start, outcome, count })
          else row.count += count
        }
      }
    }
    batch.counts.push(...rolled.values())
    if (key.lastAt >= 0) batch.lastUses.push({ keyId, ...lastUseOf(key) })
    for (const address of key.addresses.values()) batch.addresses.push({ keyId, ...address })
  }
  return batch
}

/** `failed` (a batch the backend refused) merged into `later` (counted since), as one pending key. */
function mergeKeys(failed: PendingKey, later: PendingKey | undefined): PendingKey {
  if (later === undefined) return failed
  for (const [minute, counts] of failed.minutes) {
    const into = later.minutes.get(minute) ?? {}
    for (const [outcome, count] of Object.entries(counts) as [UsageOutcome, number][]) {
      into[outcome] = (into[outcome] ?? 0) + count
    }
    later.minutes.set(minute, into)
    if (minute === later.minute) later.current = into
  }
  if (failed.lastAt > later.lastAt) {
    later.lastAt = failed.lastAt
    later.lastIp = failed.lastIp
    later.lastUserAgent = failed.lastUserAgent
  }
  let kept = [...later.addresses.values()]
  for (const address of failed.addresses.values()) kept = keepRecentAddresses(kept, address)
  later.addresses = new Map(kept.map((address) => [address.ip, address]))
  later.rawIp = undefined
  later.seen = undefined
  return later
}
