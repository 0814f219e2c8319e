import { keepRecentAddresses } from '../backends/usage-addresses.js'
import { InvalidArgumentError } from '../errors.js'
import { assertObjectArgument, type Instant, parseInstant } from '../keys/input.js'
import type { ApiKey } from '../types.js'
import { fromBackend } from '../unavailable.js'
import type {
  UsageBackend,
  UsageBucket,
  UsageGranularity,
  UsageOutcomes,
  UsageWhereFrom,
} from '../usage-types.js'
import type { UsageRecorder } from './recorder.js'

/** What `keyward.usage.get` takes. */
export interface UsageQuery {
  /** The first bucket holding this instant. Default: `to` minus 1 hour (minute), 2 days (hour), 30 days (day). */
  from?: Instant
  /** Buckets starting before this instant. Default: now. */
  to?: Instant
  /** Bucket width. Default `'hour'`. */
  granularity?: UsageGranularity
}

/** `keyward.usage.get`: a key's counts, one bucket per `granularity` from `from` to `to`, empty ones included. */
export interface KeyUsage {
  keyId: string
  granularity: UsageGranularity
  buckets: UsageBucket[]
}

/** What `keyward.usage.summary` takes: the range; default the last 30 days. */
export interface UsageSummaryQuery {
  from?: Instant
  to?: Instant
}

/** `keyward.usage.summary`: per key of an owner, its totals by outcome in the range (every key, zeros included). */
export interface UsageSummary {
  ownerId: string
  /** The range actually summed: whole buckets of `granularity`, epoch ms. */
  from: number
  to: number
  granularity: UsageGranularity
  keys: { keyId: string; outcomes: UsageOutcomes }[]
}

/** What reading usage needs, built once by `createKeyward`. */
export interface UsageContext {
  readonly backend: UsageBackend
  readonly recorder: UsageRecorder
  readonly retention: Readonly<Record<UsageGranularity, number>>
  readonly now: () => number
  readonly onError: (error: unknown) => void
}

export const BUCKET_WIDTHS: Readonly<Record<UsageGranularity, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
}
const DEFAULT_SPANS: Readonly<Record<UsageGranularity, number>> = {
  minute: 3_600_000,
  hour: 2 * 86_400_000,
  day: 30 * 86_400_000,
}
/** The most buckets one read answers (a week of minutes; about 27 years of days). */
export const MAX_USAGE_BUCKETS = 10_080
const GRANULARITIES: readonly UsageGranularity[] = ['minute', 'hour', 'day']

/** Reads the backend; its failures become 503 `unavailable`. */
const read = <T>(work: () => Promise<T>): Promise<T> =>
  fromBackend(work, 'The usage backend is unavailable.')

/** `granularity` of a query, or `InvalidArgumentError('granularity')`. */
export function parseGranularity(value: unknown): UsageGranularity {
  if (value === undefined) return 'hour'
  if (!GRANULARITIES.includes(value as UsageGranularity)) {
    throw new InvalidArgumentError('granularity', 'granularity must be minute, hour or day.')
  }
  return value as UsageGranularity
}

/** `from` and `to` of a query, `from` floored to its bucket; `InvalidArgumentError` naming the field. */
function parseRange(
  query: { from?: Instant; to?: Instant },
  width: number,
  span: number,
  now: number,
): { from: number; to: number } {
  // By default up to now included: the bucket holding this instant is read.
  const to = query.to === undefined ? now + 1 : parseInstant(query.to, 'to')
  let from = query.from === undefined ? Math.max(0, to - span) : parseInstant(query.from, 'from')
  from -= from % width
  if (from >= to) throw new InvalidArgumentError('to', 'to must be after from.')
  return { from, to }
}

/** `keyward.usage.get`: every bucket of `keyId` in the range, oldest first, empty ones as `{}`. */
export async function getKeyUsage(
  ctx: UsageContext,
  keyId: string,
  query: UsageQuery = {},
): Promise<KeyUsage> {
  if (typeof keyId !== 'string' || keyId === '') {
    throw new InvalidArgumentError('id', 'id must be a key id.')
  }
  assertObjectArgument(query, 'options')
  const granularity = parseGranularity(query.granularity)
  const width = BUCKET_WIDTHS[granularity]
  const { from, to } = parseRange(query, width, DEFAULT_SPANS[granularity], ctx.now())
  if ((to - from) / width > MAX_USAGE_BUCKETS) {
    throw new InvalidArgumentError(
      'from',
      `from and to may span at most ${MAX_USAGE_BUCKETS} buckets of a ${granularity}.`,
    )
  }
  const stored = await read(() => ctx.backend.buckets(keyId, granularity, from, to))
  const byStart = new Map(stored.map((bucket) => [bucket.start, bucket.outcomes]))
  const buckets: UsageBucket[] = []
  for (let start = from; start < to; start += width) {
    buckets.push({ start, outcomes: byStart.get(start) ?? {} })
  }
  return { keyId, granularity, buckets }
}

/**
 * `keyward.usage.summary`: totals per key of `keyIds` (an owner's keys) in one backend read,
 * summed over the finest granularity still kept for `from` (minutes within their retention,
 * then hours, then days), so `from` and `to` are rounded to that granularity's buckets.
 */
export async function summarizeUsage(
  ctx: UsageContext,
  ownerId: string,
  keyIds: readonly string[],
  query: UsageSummaryQuery = {},
): Promise<UsageSummary> {
  assertObjectArgument(query, 'options')
  const now = ctx.now()
  const requested = parseRange(query, 1, DEFAULT_SPANS.day, now)
  const granularity =
    GRANULARITIES.find((candidate) => requested.from >= now - ctx.retention[candidate]) ?? 'day'
  const width = BUCKET_WIDTHS[granularity]
  const from = requested.from - (requested.from % width)
  const to = requested.to
  const totals = await read(() => ctx.backend.totals(keyIds, granularity, from, to))
  return {
    ownerId,
    from,
    to,
    granularity,
    keys: keyIds.map((keyId) => ({ keyId, outcomes: totals.get(keyId) ?? {} })),
  }
}

/**
 * Where each key was used from: the backend's answer merged with what this instance counted
 * since its last flush (so an instance reads its own last use at once). A backend failure
 * leaves the keys as stored (reported to `onError`): a list never fails for want of usage.
 */
export async function whereFrom(
  ctx: UsageContext,
  keyIds: readonly string[],
): Promise<Map<string, UsageWhereFrom>> {
  let found: Map<string, UsageWhereFrom>
  try {
    found = keyIds.length === 0 ? new Map() : await ctx.backend.whereFrom(keyIds)
  } catch (error) {
    ctx.onError(error)
    found = new Map()
  }
  for (const keyId of keyIds) {
    const pending = ctx.recorder.pending(keyId)
    if (pending === undefined) continue
    const stored = found.get(keyId)
    if (stored === undefined) {
      found.set(keyId, pending)
      continue
    }
    if (pending.lastUse !== undefined && (stored.lastUse?.at ?? -1) <= pending.lastUse.at) {
      stored.lastUse = pending.lastUse
    }
    let recentIps = stored.recentIps
    for (const address of pending.recentIps) recentIps = keepRecentAddresses(recentIps, address)
    stored.recentIps = recentIps
  }
  return found
}

/** `keys` with where each was last used from; `lastUsedAt` becomes the usage's last use when later. */
export async function withWhereFrom<K extends ApiKey>(ctx: UsageContext, keys: K[]): Promise<K[]> {
  const found = await whereFrom(
    ctx,
    keys.map((key) => key.id),
  )
  for (const key of keys) {
    const usage = found.get(key.id)
    if (usage === undefined) continue
    key.recentIps = usage.recentIps
    if (usage.lastUse === undefined) continue
    key.lastUsed = usage.lastUse
    if (key.lastUsedAt === undefined || key.lastUsedAt < usage.lastUse.at) {
      key.lastUsedAt = usage.lastUse.at
    }
  }
  return keys
}
