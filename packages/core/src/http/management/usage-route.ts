/**
 * `GET /:id/usage` and `GET /usage`: a key's counts by outcome over time, and its owner's
 * totals per key, with what the OpenAPI document says of them.
 */
import { NotFoundError } from '../../errors.js'
import { MAX_USAGE_BUCKETS } from '../../usage/read.js'
import { USAGE_OUTCOMES, type UsageGranularity, type UsageOutcomes } from '../../usage-types.js'
import type { ManagementResponse } from '../request.js'
import type { Caller, ManagementContext } from './context.js'
import { jsonResponse } from './json.js'
import { ownedKey, queryParameters } from './key-routes.js'
import { type JsonSchema, objectSchema, type RouteOperation } from './operation.js'

/** `GET /:id/usage` as JSON: bucket starts as ISO 8601. */
export interface KeyUsageJson {
  keyId: string
  granularity: UsageGranularity
  buckets: { start: string; outcomes: UsageOutcomes }[]
}

/** `GET /usage` as JSON: the range summed and each key's totals. */
export interface UsageSummaryJson {
  from: string
  to: string
  granularity: UsageGranularity
  keys: { keyId: string; outcomes: UsageOutcomes }[]
}

const iso = (at: number) => new Date(at).toISOString()

/** Usage off (`createKeyward({ usage: false })`): the routes are 404 like an unknown path. */
function usageOf(ctx: ManagementContext): NonNullable<ManagementContext['usage']> {
  if (ctx.usage === undefined) throw new NotFoundError()
  return ctx.usage
}

/**
 * `GET /:id/usage?from=&to=&granularity=`: one of the caller's owner's keys (another owner's is
 * 404, as on every route), one bucket per `granularity` from `from` to `to`, empty ones included.
 */
export async function getKeyUsage(
  ctx: ManagementContext,
  caller: Caller,
  id: string,
  query: URLSearchParams,
): Promise<ManagementResponse> {
  const usage = usageOf(ctx)
  const options = queryParameters(query, ['from', 'to', 'granularity'])
  await ownedKey(ctx, caller, id, true)
  const read = await usage.get(id, options as Parameters<typeof usage.get>[1])
  const json: KeyUsageJson = {
    keyId: read.keyId,
    granularity: read.granularity,
    buckets: read.buckets.map((bucket) => ({
      start: iso(bucket.start),
      outcomes: bucket.outcomes,
    })),
  }
  return jsonResponse(200, json)
}

/** `GET /usage?from=&to=`: every key of the caller's owner with its totals in the range. */
export async function summarizeUsage(
  ctx: ManagementContext,
  caller: Caller,
  query: URLSearchParams,
): Promise<ManagementResponse> {
  const usage = usageOf(ctx)
  const options = queryParameters(query, ['from', 'to'])
  // The owner is always the caller's: no parameter can name another.
  const summary = await usage.summary(caller.ownerId, options)
  const json: UsageSummaryJson = {
    from: iso(summary.from),
    to: iso(summary.to),
    granularity: summary.granularity,
    keys: summary.keys,
  }
  return jsonResponse(200, json)
}

const granularity: JsonSchema = { type: 'string', enum: ['minute', 'hour', 'day'] }

/** Counts by outcome: only outcomes that happened are present. */
function outcomesSchema(): JsonSchema {
  return objectSchema(
    Object.fromEntries(USAGE_OUTCOMES.map((outcome) => [outcome, { type: 'integer' }])),
    USAGE_OUTCOMES,
  )
}

/** The `KeyUsage` and `UsageSummary` schemas of the OpenAPI document. */
export function usageSchemas(): { KeyUsage: JsonSchema; UsageSummary: JsonSchema } {
  const instant = { type: 'string', format: 'date-time' }
  return {
    KeyUsage: objectSchema({
      keyId: { type: 'string' },
      granularity,
      buckets: {
        type: 'array',
        items: objectSchema({ start: instant, outcomes: outcomesSchema() }),
      },
    }),
    UsageSummary: objectSchema({
      from: instant,
      to: instant,
      granularity,
      keys: {
        type: 'array',
        items: objectSchema({ keyId: { type: 'string' }, outcomes: outcomesSchema() }),
      },
    }),
  }
}

const range = (what: string) => [
  {
    name: 'from',
    description: `The first ${what} holds this instant (ISO 8601).`,
    schema: { type: 'string', format: 'date-time' },
  },
  {
    name: 'to',
    description: 'Up to this instant, exclusive (ISO 8601); default now.',
    schema: { type: 'string', format: 'date-time' },
  },
]

/** What the OpenAPI document says of `GET /:id/usage`. */
export const KEY_USAGE_OPERATION: RouteOperation = {
  operationId: 'getKeyUsage',
  summary: "A key's verifications by outcome over time",
  description:
    'One bucket per `granularity` (minute, hour or UTC day) from the bucket holding `from` ' +
    '(default: an hour, two days or 30 days back) to `to`, empty ones included, at most ' +
    `${MAX_USAGE_BUCKETS}: \`valid\` and each refusal of the key (its access tokens count toward ` +
    'it). Instances flush their counts every few seconds (5 s by default), so the latest ' +
    "bucket grows for a while. Another owner's key is 404.",
  tag: 'API keys',
  query: [
    ...range('bucket'),
    { name: 'granularity', description: 'Bucket width; default `hour`.', schema: granularity },
  ],
  success: { status: 200, description: 'The buckets, oldest first.', schema: 'KeyUsage' },
}

/** What the OpenAPI document says of `GET /usage`. */
export const USAGE_SUMMARY_OPERATION: RouteOperation = {
  operationId: 'summarizeUsage',
  summary: "Totals by outcome for every key of the caller's owner",
  description:
    'Every key of the owner (revoked ones excepted), with its totals by outcome from `from` ' +
    '(default 30 days back) to `to`, summed over the finest granularity still kept for ' +
    '`from`, whose buckets the range is rounded to (`granularity` says which).',
  tag: 'API keys',
  query: range('summed bucket'),
  success: { status: 200, description: 'The totals per key.', schema: 'UsageSummary' },
}
