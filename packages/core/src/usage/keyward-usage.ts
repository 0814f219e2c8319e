import { DEPLOYMENT_USAGE_ID, type UsageBackend } from '../usage-types.js'
import type { ResolvedUsage } from './options.js'
import {
  getKeyUsage,
  type KeyUsage,
  summarizeUsage,
  type UsageContext,
  type UsageQuery,
  type UsageSummary,
  type UsageSummaryQuery,
} from './read.js'
import { createUsageRecorder } from './recorder.js'

/** `keyward.usage`: each key's verifications by outcome, and where it was last used from. */
export interface KeywardUsage {
  /** The backend in use. */
  readonly backend: UsageBackend
  /**
   * A key's counts by outcome (an access token's count toward its parent), one bucket per
   * `granularity` (default `'hour'`) from the bucket holding `from` to `to` (default now),
   * empty buckets included. Counts reach the backend with each instance's flush (every
   * `usage.flushInterval`). Bad options reject `InvalidArgumentError` naming them (422).
   */
  get(keyId: string, query?: UsageQuery): Promise<KeyUsage>
  /** Per key of `ownerId` (revoked ones excepted), its totals by outcome from `from` to `to` (default the last 30 days), in one backend read. */
  summary(ownerId: string, query?: UsageSummaryQuery): Promise<UsageSummary>
  /** Unknown and malformed tokens, which belong to no key, counted for the whole deployment. */
  deployment(query?: UsageQuery): Promise<KeyUsage>
  /** Writes what this instance counted now; resolves once the backend took it. */
  flush(): Promise<void>
}

/** The usage context of an instance: its recorder over the resolved `usage` option. */
export function createUsageContext(
  usage: ResolvedUsage,
  { now, onError }: { now: () => number; onError: (error: unknown) => void },
): UsageContext {
  return {
    backend: usage.backend,
    recorder: createUsageRecorder(usage, now, onError),
    retention: usage.retention,
    now,
    onError,
  }
}

/** `keyward.usage` over the usage context; `list` reads an owner's keys for the summary. */
export function bindKeywardUsage(
  usage: UsageContext,
  list: (ownerId: string) => Promise<{ id: string }[]>,
): KeywardUsage {
  return Object.freeze({
    backend: usage.backend,
    get: (keyId: string, query?: UsageQuery) => getKeyUsage(usage, keyId, query),
    async summary(ownerId: string, query?: UsageSummaryQuery) {
      const keys = await list(ownerId)
      return summarizeUsage(
        usage,
        ownerId,
        keys.map((key) => key.id),
        query,
      )
    },
    deployment: (query?: UsageQuery) => getKeyUsage(usage, DEPLOYMENT_USAGE_ID, query),
    flush: () => usage.recorder.flush(),
  })
}
