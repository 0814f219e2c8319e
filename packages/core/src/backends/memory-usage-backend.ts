import type {
  UsageAddress,
  UsageBackend,
  UsageBatch,
  UsageBucket,
  UsageGranularity,
  UsageLastUse,
  UsageOutcome,
  UsageOutcomes,
  UsageWhereFrom,
} from '../usage-types.js'
import { keepRecentAddresses } from './usage-addresses.js'

/**
 * The embedded {@link UsageBackend}: usage in process memory, lost on restart and not shared
 * between processes (use `RedisUsageBackend` or `PostgresUsageBackend` for that). Buckets older
 * than each flush's retention are dropped on that flush.
 */
export class MemoryUsageBackend implements UsageBackend {
  /** `keyId` → granularity → bucket start → counts. */
  readonly #buckets = new Map<string, Record<UsageGranularity, Map<number, UsageOutcomes>>>()
  readonly #lastUses = new Map<string, UsageLastUse>()
  readonly #addresses = new Map<string, UsageAddress[]>()

  async write(batch: UsageBatch): Promise<void> {
    for (const { keyId, granularity, start, outcome, count } of batch.counts) {
      let key = this.#buckets.get(keyId)
      if (key === undefined) {
        key = { minute: new Map(), hour: new Map(), day: new Map() }
        this.#buckets.set(keyId, key)
      }
      const bucket = key[granularity].get(start) ?? {}
      bucket[outcome] = (bucket[outcome] ?? 0) + count
      key[granularity].set(start, bucket)
    }
    for (const { keyId, ...lastUse } of batch.lastUses) {
      const stored = this.#lastUses.get(keyId)
      if (stored === undefined || stored.at < lastUse.at) this.#lastUses.set(keyId, lastUse)
    }
    for (const { keyId, ...address } of batch.addresses) {
      this.#addresses.set(keyId, keepRecentAddresses(this.#addresses.get(keyId) ?? [], address))
    }
    for (const granularities of this.#buckets.values()) {
      for (const granularity of ['minute', 'hour', 'day'] as const) {
        for (const start of granularities[granularity].keys()) {
          if (start < batch.pruneBefore[granularity]) granularities[granularity].delete(start)
        }
      }
    }
  }

  async buckets(
    keyId: string,
    granularity: UsageGranularity,
    from: number,
    to: number,
  ): Promise<UsageBucket[]> {
    const stored = this.#buckets.get(keyId)?.[granularity]
    if (stored === undefined) return []
    return [...stored]
      .filter(([start]) => start >= from && start < to)
      .sort(([a], [b]) => a - b)
      .map(([start, outcomes]) => ({ start, outcomes: { ...outcomes } }))
  }

  async totals(
    keyIds: readonly string[],
    granularity: UsageGranularity,
    from: number,
    to: number,
  ): Promise<Map<string, UsageOutcomes>> {
    const totals = new Map<string, UsageOutcomes>()
    for (const keyId of keyIds) {
      const buckets = await this.buckets(keyId, granularity, from, to)
      if (buckets.length === 0) continue
      const sum: UsageOutcomes = {}
      for (const { outcomes } of buckets) {
        for (const [outcome, count] of Object.entries(outcomes) as [UsageOutcome, number][]) {
          sum[outcome] = (sum[outcome] ?? 0) + count
        }
      }
      totals.set(keyId, sum)
    }
    return totals
  }

  async whereFrom(keyIds: readonly string[]): Promise<Map<string, UsageWhereFrom>> {
    const found = new Map<string, UsageWhereFrom>()
    for (const keyId of keyIds) {
      const lastUse = this.#lastUses.get(keyId)
      const recentIps = this.#addresses.get(keyId) ?? []
      if (lastUse === undefined && recentIps.length === 0) continue
      found.set(keyId, {
        lastUse: lastUse && { ...lastUse },
        recentIps: recentIps.map((address) => ({ ...address })),
      })
    }
    return found
  }
}
