import {
  InvalidArgumentError,
  type KeyUsageJson,
  parseDuration,
  USAGE_OUTCOMES,
} from '@keyward/core'
import type { Command } from 'commander'
import type { UsageQueryInput } from '../backends/backend.js'
import { EXIT } from '../exit-codes.js'
import type { CommandContext } from './context.js'
import { helpExample } from './help-example.js'
import { columns } from './keys-list.js'

interface UsageOptions {
  granularity?: string
  since?: string
}

const GRANULARITIES = ['minute', 'hour', 'day'] as const

/** `keyward keys usage ID`: a key's verifications by outcome over time, as a table or JSON. */
export function registerUsage(keys: Command, ctx: CommandContext): void {
  keys
    .command('usage')
    .description(
      "show a key's verifications by outcome over time (valid, revoked, rate limited, …)",
    )
    .argument('<id>', 'the key id (key_…)')
    .option('--granularity <width>', 'bucket width: minute, hour or day (default hour)')
    .option('--since <duration>', 'how far back: 60m, 48h, 30d (default: an hour, 2 days, 30 days)')
    .addHelpText('after', helpExample('keyward keys usage key_… --granularity day --since 30d'))
    .action(async (id: string, options: UsageOptions) => {
      const query = usageQuery(options, Date.now())
      const usage = await ctx.withBackend((backend) => backend.usage(id, query))
      if (ctx.json()) ctx.printJson(usage)
      else ctx.out(usageTable(usage))
      ctx.done(EXIT.ok)
    })
}

/** The query as the management API takes it; a bad option is a usage error naming it. */
export function usageQuery(options: UsageOptions, now: number): UsageQueryInput {
  const query: UsageQueryInput = {}
  if (options.granularity !== undefined) {
    if (!(GRANULARITIES as readonly string[]).includes(options.granularity)) {
      throw new InvalidArgumentError('granularity', '--granularity must be minute, hour or day.')
    }
    query.granularity = options.granularity as UsageQueryInput['granularity'] & string
  }
  if (options.since !== undefined) {
    if (!/^[0-9]+[dhms]$/.test(options.since)) {
      throw new InvalidArgumentError('since', '--since must be a duration like 30d, 48h or 60m.')
    }
    query.from = new Date(now - parseDuration(options.since, 'since')).toISOString()
  }
  return query
}

/** One row per bucket: its start, the total, then a column per outcome that happened at all. */
export function usageTable(usage: KeyUsageJson): string {
  const seen = USAGE_OUTCOMES.filter((outcome) =>
    usage.buckets.some((bucket) => (bucket.outcomes[outcome] ?? 0) > 0),
  )
  const rows = [
    ['START', 'TOTAL', ...seen.map((outcome) => outcome.toUpperCase())],
    ...usage.buckets.map((bucket) => {
      const counts = seen.map((outcome) => bucket.outcomes[outcome] ?? 0)
      const total = Object.values(bucket.outcomes).reduce((sum, n) => sum + (n ?? 0), 0)
      return [bucket.start, String(total), ...counts.map(String)]
    }),
  ]
  return columns(rows).join('\n')
}
