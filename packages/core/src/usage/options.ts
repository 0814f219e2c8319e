import { MemoryUsageBackend } from '../backends/memory-usage-backend.js'
import { configDuration } from '../duration.js'
import {
  assertImplements,
  assertObject,
  oneOfOption,
  positiveIntegerOption,
} from '../lib/options.js'
import type { UsageBackend, UsageGranularity } from '../usage-types.js'

/** `createKeyward({ usage })`: per-key usage by outcome, counted in memory and flushed in batches. */
export interface UsageOptions {
  /**
   * Where usage is kept. Default: a new `MemoryUsageBackend` (this process only); give
   * `RedisUsageBackend` or `PostgresUsageBackend` to share it between instances and keep it.
   */
  backend?: UsageBackend
  /**
   * How often, in ms, each instance writes what it counted: one backend write per flush, and
   * one on `close()`. A crash loses at most this long of counts. A positive integer.
   * Default `5_000`.
   */
  flushInterval?: number
  /**
   * How long buckets are kept, per granularity: seconds or a duration string. Defaults:
   * `minutes: '48h'`, `hours: '90d'`, `days: '400d'`. Older buckets are pruned on each flush.
   */
  retention?: { minutes?: number | string; hours?: number | string; days?: number | string }
  /**
   * Which client address is kept with the last use and the last 5 distinct addresses:
   * `'full'` as the adapter decided it; `'truncated'` to its /24 (IPv4) or /48 (IPv6);
   * `'off'` none. Default `'full'`.
   */
  addresses?: 'full' | 'truncated' | 'off'
}

/** {@link UsageOptions} checked and completed; `undefined` when usage is off (`usage: false`). */
export interface ResolvedUsage {
  readonly backend: UsageBackend
  /** In ms. */
  readonly flushInterval: number
  /** In ms, per granularity. */
  readonly retention: Readonly<Record<UsageGranularity, number>>
  readonly addresses: 'full' | 'truncated' | 'off'
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Resolves `createKeyward`'s `usage` option; throws `TypeError('usage.<option> must be …')`. */
export function resolveUsageOptions(value: unknown): ResolvedUsage | undefined {
  if (value === false) return undefined
  const options = (value ?? {}) as UsageOptions
  assertObject(options, 'usage')
  const backend = options.backend ?? new MemoryUsageBackend()
  assertImplements(backend, 'usage.backend', ['write', 'buckets', 'totals', 'whereFrom'])
  const retention = options.retention ?? {}
  assertObject(retention, 'usage.retention')
  return {
    backend,
    flushInterval: positiveIntegerOption(options.flushInterval, 'usage.flushInterval', 5_000),
    retention: {
      minute: configDuration(retention.minutes, 'usage.retention.minutes', 48 * HOUR),
      hour: configDuration(retention.hours, 'usage.retention.hours', 90 * DAY),
      day: configDuration(retention.days, 'usage.retention.days', 400 * DAY),
    },
    addresses: oneOfOption(
      options.addresses,
      'usage.addresses',
      ['full', 'truncated', 'off'],
      'full',
    ),
  }
}
