import { type AuditEventJson, InvalidArgumentError, parseDuration } from '@keyward/core'
import type { Command } from 'commander'
import type { AuditQueryInput } from '../backends/backend.js'
import { EXIT } from '../exit-codes.js'
import type { CommandContext } from './context.js'
import { helpExample } from './help-example.js'
import { columns } from './keys-list.js'

interface AuditOptions {
  owner?: string
  key?: string
  type?: string
  since?: string
  limit?: string
  cursor?: string
}

/** `keyward audit`: one page of an owner's audit log, newest first, like `keys list`. */
export function registerAudit(program: Command, ctx: CommandContext): void {
  program
    .command('audit')
    .description("show an owner's audit log: who changed which key, when and from where")
    .option('--owner <ownerId>', 'the owner whose events to show (required with a store)')
    .option('--key <keyId>', 'only events of this key')
    .option('--type <type>', 'only events of this type (created, updated, revoked, …)')
    .option('--since <when>', 'only events since an ISO 8601 time or a duration ago (7d, 12h)')
    .option('--limit <n>', 'events per page, 1–100 (default 50)')
    .option('--cursor <cursor>', 'start after a previous page: its nextCursor')
    .addHelpText('after', helpExample('keyward audit --owner org_42 --key key_… --since 7d'))
    .action(async (options: AuditOptions) => {
      const query = auditQuery(options, Date.now())
      const page = await ctx.withBackend((backend) => backend.audit(options.owner, query))
      if (ctx.json()) ctx.printJson(page)
      else {
        if (page.events.length === 0) ctx.info('No events.')
        else ctx.out(auditTable(page.events))
        if (page.nextCursor !== null) {
          ctx.info(`More events follow: add --cursor ${page.nextCursor}.`)
        }
      }
      ctx.done(EXIT.ok)
    })
}

/** The query as the management API takes it; a bad option is a usage error naming it. */
export function auditQuery(options: AuditOptions, now: number): AuditQueryInput {
  const query: AuditQueryInput = {}
  if (options.limit !== undefined) {
    const limit = Number(options.limit)
    if (!/^[0-9]{1,3}$/.test(options.limit) || limit < 1 || limit > 100) {
      throw new InvalidArgumentError('limit', '--limit must be an integer from 1 to 100.')
    }
    query.limit = limit
  }
  if (options.since !== undefined) query.from = sinceInstant(options.since, now)
  if (options.key !== undefined) query.keyId = options.key
  if (options.type !== undefined) query.type = options.type
  if (options.cursor !== undefined) query.cursor = options.cursor
  return query
}

/** `--since`: a duration ago (`7d`, `12h`, `30m`) or an ISO 8601 time, as ISO 8601. */
function sinceInstant(since: string, now: number): string {
  if (/^[0-9]+[dhms]$/.test(since)) {
    return new Date(now - parseDuration(since, 'since')).toISOString()
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(since) || Number.isNaN(Date.parse(since))) {
    throw new InvalidArgumentError(
      'since',
      '--since must be a duration like 7d, 12h or 30m, or an ISO 8601 time like 2026-12-01T00:00:00Z.',
    )
  }
  return since
}

/** Events as aligned columns: time, type, key, actor, client address, changed fields. */
export function auditTable(events: readonly AuditEventJson[]): string {
  const rows = [
    ['TIME', 'TYPE', 'KEY', 'ACTOR', 'FROM', 'CHANGED'],
    ...events.map((event) => [
      event.at,
      event.type,
      event.keyId ?? '-',
      event.actor ?? '-',
      event.clientIp ?? '-',
      Object.keys(event.changes ?? {}).join(' ') || '-',
    ]),
  ]
  return columns(rows).join('\n')
}
