import { InvalidArgumentError, type KeyStatus } from '@keyward/core'
import type { Command } from 'commander'
import type { Backend, KeyView, PageQuery } from '../backends/backend.js'
import { EXIT } from '../exit-codes.js'
import type { CommandContext } from './context.js'
import { helpExample } from './help-example.js'

/** The statuses `--status` takes (absent: every key except revoked ones). */
const STATUSES: readonly KeyStatus[] = ['active', 'expired', 'revoked', 'rotated']
/** `--all` stops after this many pages of one owner (10 million keys at 100 a page). */
const MAX_PAGES = 100_000

interface ListOptions {
  owner?: string
  limit?: string
  cursor?: string
  status?: string
  name?: string
  all?: boolean
}

/** `keyward keys list`: one page of an owner's keys, or with `--all` every page, streamed. */
export function registerList(keys: Command, ctx: CommandContext): void {
  keys
    .command('list')
    .description(
      'list keys that are not revoked, newest first, a page at a time (--all: every page, streamed)',
    )
    .option('--owner <ownerId>', 'the owner whose keys to list (with --all: default every owner)')
    .option('--limit <n>', 'keys per page, 1–100 (default 50)')
    .option('--cursor <cursor>', 'start after a previous page: its nextCursor')
    .option('--status <status>', `only keys with this status: ${STATUSES.join(', ')}`)
    .option('--name <prefix>', 'only keys whose name starts with this (case-insensitive)')
    .option('--all', 'every page, printed as it arrives (--json: one key per line)')
    .addHelpText('after', helpExample('keyward --json keys list --owner org_42 --limit 100'))
    .action(async (options: ListOptions) => {
      const query = pageQuery(options)
      await ctx.withBackend((backend) =>
        options.all
          ? streamPages(ctx, backend, options.owner, query)
          : onePage(ctx, backend, options.owner, query),
      )
      ctx.done(EXIT.ok)
    })
}

/** The page options as the management API takes them; a bad one is a usage error naming it. */
function pageQuery(options: ListOptions): PageQuery {
  const query: PageQuery = {}
  if (options.limit !== undefined) {
    if (
      !/^[0-9]{1,3}$/.test(options.limit) ||
      Number(options.limit) < 1 ||
      Number(options.limit) > 100
    ) {
      throw new InvalidArgumentError('limit', '--limit must be an integer from 1 to 100.')
    }
    query.limit = Number(options.limit)
  }
  if (options.status !== undefined) {
    if (!STATUSES.includes(options.status as KeyStatus)) {
      throw new InvalidArgumentError('status', `--status must be one of ${STATUSES.join(', ')}.`)
    }
    query.status = options.status as KeyStatus
  }
  if (options.cursor !== undefined) query.cursor = options.cursor
  if (options.name !== undefined) query.name = options.name
  return query
}

/** One page: a table (or `{ keys, nextCursor }` as JSON), and how to ask for the next. */
async function onePage(
  ctx: CommandContext,
  backend: Backend,
  ownerId: string | undefined,
  query: PageQuery,
): Promise<void> {
  const page = await backend.listPage(ownerId, query)
  if (ctx.json()) {
    ctx.printJson(page)
    return
  }
  if (page.keys.length === 0) ctx.info('No keys.')
  else ctx.out(table(page.keys, true))
  if (page.nextCursor !== null) {
    ctx.info(`More keys follow: add --cursor ${page.nextCursor} (or --all for every page).`)
  }
}

/**
 * Every page of the owner (or of every owner the backend sees), each printed as it arrives:
 * memory stays one page whatever the owner holds. `--json` prints one key per line.
 */
async function streamPages(
  ctx: CommandContext,
  backend: Backend,
  ownerId: string | undefined,
  query: PageQuery,
): Promise<void> {
  const owners = ownerId === undefined && backend.owners ? await backend.owners() : [ownerId]
  let printed = 0
  for (const owner of owners) {
    let cursor = query.cursor
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await backend.listPage(owner, {
        ...query,
        limit: query.limit ?? 100,
        ...(cursor === undefined ? {} : { cursor }),
      })
      if (ctx.json()) for (const key of page.keys) ctx.out(JSON.stringify(key))
      else if (page.keys.length > 0) ctx.out(table(page.keys, printed === 0))
      printed += page.keys.length
      if (page.nextCursor === null || page.nextCursor === cursor) break
      cursor = page.nextCursor
    }
  }
  if (printed === 0 && !ctx.json()) ctx.info('No keys.')
}

/** Keys as aligned columns, with the header line when `header`. */
export function table(keys: readonly KeyView[], header = true): string {
  const rows = [
    ['ID', 'OWNER', 'NAME', 'HINT', 'SCOPES', 'EXPIRES', 'STATUS'],
    ...keys.map((key) => [
      key.id,
      key.ownerId,
      key.name,
      key.hint,
      key.scopes.join(' ') || '-',
      key.expiresAt,
      key.status,
    ]),
  ]
  return columns(rows)
    .slice(header ? 0 : 1)
    .join('\n')
}

/** Rows as aligned columns, two spaces apart, one line each. */
export function columns(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  )
}
