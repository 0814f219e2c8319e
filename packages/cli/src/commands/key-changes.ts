import { InvalidArgumentError } from '@keyward/core'
import type { Command } from 'commander'
import type { KeyView, UpdateInput } from '../backends/backend.js'
import { EXIT } from '../exit-codes.js'
import type { CommandContext } from './context.js'
import { helpExample } from './help-example.js'
import { repeatable } from './repeatable.js'

// `keys update`, `keys suspend` and `keys resume`: changing a key that stays the same key.

/** The help of `--allow-ip`, on `keys create` and `keys update`. */
export const ALLOW_IP_HELP =
  'allow the key only from this address or CIDR range (IPv4 or IPv6); repeat or separate with commas'

/** Registers `keys update`, `keys suspend` and `keys resume` under `keys`. */
export function registerKeyChanges(keys: Command, ctx: CommandContext): void {
  registerUpdate(keys, ctx)
  registerSuspend(keys, ctx)
  registerResume(keys, ctx)
}

interface UpdateOptions {
  name?: string
  allowIp?: string[]
  clearAllowedIps?: boolean
}

function registerUpdate(keys: Command, ctx: CommandContext): void {
  keys
    .command('update')
    .description("change a key's name or the networks it may be used from")
    .argument('<id>', 'the key id, key_…')
    .option('--name <name>', 'a new name, 1–100 characters')
    .option('--allow-ip <cidr>', `${ALLOW_IP_HELP}; replaces the key's list`, repeatable)
    .option('--clear-allowed-ips', 'remove the network rules: the key works from anywhere again')
    .addHelpText(
      'after',
      helpExample(
        'keyward keys update key_3fA9xYz012345678 --allow-ip 203.0.113.0/24 --allow-ip 2001:db8::/32',
      ),
    )
    .action(async (id: string, options: UpdateOptions) => {
      const input = updateInput(options)
      const key = await ctx.withBackend((backend) => backend.update(id, input))
      if (ctx.json()) ctx.printJson(key)
      else ctx.out(`Updated ${id}: "${key.name}", ${networksInWords(key)}.`)
      ctx.done(EXIT.ok)
    })
}

/** The change the options ask for; at least one, and never both a list and its removal. */
function updateInput(options: UpdateOptions): UpdateInput {
  if (options.allowIp !== undefined && options.clearAllowedIps) {
    throw new InvalidArgumentError(
      'allow-ip',
      'Give --allow-ip (the new list) or --clear-allowed-ips, not both.',
    )
  }
  const input: UpdateInput = {
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.allowIp === undefined ? {} : { allowedIps: options.allowIp }),
    ...(options.clearAllowedIps ? { allowedIps: null } : {}),
  }
  if (Object.keys(input).length === 0) {
    throw new InvalidArgumentError(
      'name',
      'Nothing to change: give --name, --allow-ip or --clear-allowed-ips.',
    )
  }
  return input
}

function registerSuspend(keys: Command, ctx: CommandContext): void {
  keys
    .command('suspend')
    .description('pause a key everywhere, at once, until it is resumed (nothing else changes)')
    .argument('<id>', 'the key id, key_…')
    .option('--reason <text>', 'why, kept with the key (at most 200 characters)')
    .addHelpText(
      'after',
      helpExample('keyward keys suspend key_3fA9xYz012345678 --reason "unpaid invoice 4411"'),
    )
    .action(async (id: string, options: { reason?: string }) => {
      const key = await ctx.withBackend((backend) => backend.suspend(id, options.reason))
      if (ctx.json()) ctx.printJson(key)
      else {
        const why = key.suspendReason === undefined ? '' : ` (${key.suspendReason})`
        ctx.out(`Suspended ${id}${why}; it is refused until resumed.`)
      }
      ctx.done(EXIT.ok)
    })
}

function registerResume(keys: Command, ctx: CommandContext): void {
  keys
    .command('resume')
    .description('lift a suspension: the key works again at once, unless it expired meanwhile')
    .argument('<id>', 'the key id, key_…')
    .addHelpText('after', helpExample('keyward keys resume key_3fA9xYz012345678'))
    .action(async (id: string) => {
      const key = await ctx.withBackend((backend) => backend.resume(id))
      if (ctx.json()) ctx.printJson(key)
      else ctx.out(`Resumed ${id}; it is ${key.status}.`)
      ctx.done(EXIT.ok)
    })
}

/** Where a key may be used from, in words. */
export function networksInWords(key: KeyView): string {
  const entries = key.allowedIps ?? []
  return entries.length === 0 ? 'usable from anywhere' : `usable only from ${entries.join(', ')}`
}
