import { InvalidArgumentError, isValidPrefix, type KeyMetadata, parseDuration } from '@keyward/core'
import type { Command } from 'commander'
import type { Backend } from '../backends/backend.js'
import { DEFAULT_PREFIX } from '../backends/lifecycle.js'
import { EXIT } from '../exit-codes.js'
import type { CommandContext } from './context.js'
import { helpExample } from './help-example.js'
import { ALLOW_IP_HELP, networksInWords, registerKeyChanges } from './key-changes.js'
import { registerList, table } from './keys-list.js'
import { registerUsage } from './keys-usage.js'
import { repeatable } from './repeatable.js'

/** `keyward keys list|create|update|rotate|suspend|resume|revoke|expiring|usage`: one key at a time. */
export function registerKeys(program: Command, ctx: CommandContext): void {
  const keys = program
    .command('keys')
    .description(
      'list, create, change, rotate, suspend, resume and revoke API keys, and show their usage',
    )
    .addHelpText('after', helpExample('keyward keys expiring --within 7d'))
  registerList(keys, ctx)
  registerCreate(keys, ctx)
  registerRotate(keys, ctx)
  registerKeyChanges(keys, ctx)
  registerRevoke(keys, ctx)
  registerExpiring(keys, ctx)
  registerUsage(keys, ctx)
}

interface CreateOptions {
  name: string
  owner?: string
  scope?: string[]
  expiresIn?: string
  expiresAt?: string
  metadata?: string
  prefix?: string
  allowIp?: string[]
}

function registerCreate(keys: Command, ctx: CommandContext): void {
  keys
    .command('create')
    .description('create a key; prints its token once, alone on stdout, so it can be piped')
    .requiredOption('--name <name>', 'what the key is for, 1–100 characters')
    .option('--owner <ownerId>', 'who the key belongs to (required with a store backend)')
    .option('--scope <scope>', 'grant a scope; repeat or separate with commas', repeatable)
    .option('--expires-in <duration>', 'lifetime: 90d, 12h, 30m or seconds')
    .option('--expires-at <date>', 'expiry as an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z')
    .option('--metadata <json>', 'application data, a JSON object')
    .option('--prefix <prefix>', 'token prefix (default: $KEYWARD_PREFIX, else kw_live)')
    .option('--allow-ip <cidr>', ALLOW_IP_HELP, repeatable)
    .addHelpText(
      'after',
      helpExample(
        'TOKEN=$(keyward keys create --owner org_42 --name "CI deploys" --scope projects:read --expires-in 90d)',
      ),
    )
    .action(async (options: CreateOptions) => {
      if (options.expiresIn === undefined && options.expiresAt === undefined) {
        throw new InvalidArgumentError('expires-in', 'Give --expires-in or --expires-at.')
      }
      const metadata = options.metadata === undefined ? undefined : parseMetadata(options.metadata)
      const prefix = options.prefix ?? (ctx.io.env.KEYWARD_PREFIX || undefined)
      if (prefix !== undefined && !isValidPrefix(prefix)) {
        const field = options.prefix === undefined ? 'KEYWARD_PREFIX' : 'prefix'
        throw new InvalidArgumentError(
          field,
          `${field === 'prefix' ? '--prefix' : 'KEYWARD_PREFIX'} must be lower-case letters and digits in underscore-separated words, at most 20 characters (kw_live, acme).`,
        )
      }
      const issued = await ctx.withBackend(async (backend) => {
        // The management API issues its application's own prefix; only a store can be given
        // one its applications do not accept.
        const store = ctx.global().api === undefined
        if (options.owner === undefined && store) {
          throw new InvalidArgumentError('owner', '--owner is required with a store backend.')
        }
        if (store) await warnOfUnusedPrefix(ctx, backend, prefix ?? DEFAULT_PREFIX)
        return backend.create({
          name: options.name,
          ...(options.owner === undefined ? {} : { ownerId: options.owner }),
          scopes: options.scope ?? [],
          ...(options.expiresIn === undefined ? {} : { expiresIn: seconds(options.expiresIn) }),
          ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
          ...(metadata === undefined ? {} : { metadata }),
          ...(options.allowIp === undefined ? {} : { allowedIps: options.allowIp }),
        })
      }, prefix)
      if (ctx.json()) ctx.printJson(issued)
      else {
        ctx.out(issued.token)
        ctx.info(
          `Created ${issued.key.id} "${issued.key.name}" for ${issued.key.ownerId}, expires ${issued.key.expiresAt}${issued.key.allowedIps ? `, ${networksInWords(issued.key)}` : ''}. The token is shown once; it is not stored.`,
        )
      }
      ctx.done(EXIT.ok)
    })
}

/**
 * Warns in one line on stderr when the deployment holds keys and none of them (of the newest
 * 100 of each owner) has `prefix`.
 * Which prefixes the applications accept is their configuration, which no store records,
 * but the keys they issued show it; a token of a prefix they do not accept is refused as
 * malformed (the examples accept only kw_test, the CLI's default is kw_live).
 */
async function warnOfUnusedPrefix(
  ctx: CommandContext,
  backend: Backend,
  prefix: string,
): Promise<void> {
  // The newest page of each owner shows the prefixes in use; stop at the first key that has
  // `prefix`, so no owner is read beyond one page and a deployment using it stops early.
  const inUse = new Set<string>()
  for (const owner of backend.owners ? await backend.owners() : [undefined]) {
    const { keys } = await backend.listPage(owner, { limit: 100 })
    for (const key of keys) inUse.add(key.hint.slice(0, key.hint.lastIndexOf('_')))
    if (inUse.has(prefix)) return
  }
  if (inUse.size === 0) return
  ctx.info(
    `keyward: warning: the keys in ${backend.description} have the prefix ${[...inUse].sort().join(', ')}, not ${prefix}; applications that accept only those refuse this token as malformed (set --prefix or KEYWARD_PREFIX).`,
  )
}

function registerRotate(keys: Command, ctx: CommandContext): void {
  keys
    .command('rotate')
    .description('issue a new token for a key; prints it once, alone on stdout')
    .argument('<id>', 'the key id, key_…')
    .option('--grace <duration>', 'how long the old token keeps working, e.g. 1h (default: none)')
    .option(
      '--until <first-use>',
      'first-use: the old token works until the new one is first used (at most --grace, default the largest grace period)',
    )
    .addHelpText(
      'after',
      helpExample('keyward keys rotate key_3fA9xYz012345678 --until first-use --grace 1d'),
    )
    .action(async (id: string, options: { grace?: string; until?: string }) => {
      if (options.until !== undefined && options.until !== 'first-use') {
        throw new InvalidArgumentError('until', "--until takes only 'first-use'.")
      }
      const rotation = {
        ...(options.grace === undefined ? {} : { gracePeriod: seconds(options.grace) }),
        ...(options.until === undefined ? {} : { until: 'first-use' as const }),
      }
      const issued = await ctx.withBackend((backend) => backend.rotate(id, rotation))
      if (ctx.json()) ctx.printJson(issued)
      else {
        ctx.out(issued.token)
        ctx.info(`Rotated ${id} to ${issued.key.id}; the old token ${oldTokenEnd(options)}.`)
      }
      ctx.done(EXIT.ok)
    })
}

/** What `keys rotate` says of the old token's end. */
function oldTokenEnd(options: { grace?: string; until?: string }): string {
  if (options.until !== undefined) {
    const cap = options.grace === undefined ? '' : `, at most ${options.grace}`
    return `works until the new one is first used${cap}`
  }
  return options.grace ? `ends in ${options.grace}` : 'is revoked'
}

function registerRevoke(keys: Command, ctx: CommandContext): void {
  keys
    .command('revoke')
    .description('revoke a key everywhere, at once and for good')
    .argument('<id>', 'the key id, key_…')
    .addHelpText('after', helpExample('keyward keys revoke key_3fA9xYz012345678'))
    .action(async (id: string) => {
      const revoked = await ctx.withBackend((backend) => backend.revoke(id))
      if (ctx.json()) ctx.printJson({ id, revoked })
      else ctx.out(revoked ? `Revoked ${id}.` : `${id} was revoked already.`)
      ctx.done(EXIT.ok)
    })
}

function registerExpiring(keys: Command, ctx: CommandContext): void {
  keys
    .command('expiring')
    .description('list active keys that expire soon, soonest first (for reminders)')
    .option('--within <duration>', 'how soon: 7d, 12h, …', '7d')
    .option('--owner <ownerId>', 'only the keys of this owner')
    .addHelpText('after', helpExample('keyward keys expiring --within 7d --owner org_42'))
    .action(async (options: { within: string; owner?: string }) => {
      const within = parseDuration(seconds(options.within), 'within')
      const until = Date.now() + within
      const list = (await ctx.withBackend((backend) => backend.list(options.owner)))
        .filter((key) => key.status === 'active' && Date.parse(key.expiresAt) <= until)
        .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt))
      if (ctx.json()) ctx.printJson(list)
      else if (list.length === 0) ctx.info(`No key expires within ${options.within}.`)
      else ctx.out(table(list))
      ctx.done(EXIT.ok)
    })
}

/** A duration as typed: digits alone are seconds, anything else goes to core as is (`90d`). */
function seconds(value: string): string | number {
  return /^\d+$/.test(value) ? Number(value) : value
}

function parseMetadata(text: string): KeyMetadata {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new InvalidArgumentError('metadata', '--metadata must be a JSON object.')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError('metadata', '--metadata must be a JSON object.')
  }
  return value as KeyMetadata
}

/** Keys as aligned columns, a header first. */
