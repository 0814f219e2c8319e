import { InvalidArgumentError } from '@keyward/core'
import { type Command, Option } from 'commander'
import type { Backend } from '../backends/backend.js'
import { EXIT } from '../exit-codes.js'
import { readLine } from '../lib/read-line.js'
import type { CommandContext } from './context.js'
import { helpExample } from './help-example.js'

interface RevokeAllOptions {
  owner?: string
  everyone?: boolean
  yes?: boolean
}

/** `keyward revoke-all --owner ID | --everyone`: incident response, confirmed by typing. */
export function registerRevokeAll(program: Command, ctx: CommandContext): void {
  program
    .command('revoke-all')
    .description('incident response: revoke every key of an owner, or every key there is')
    .addOption(new Option('--owner <ownerId>', 'revoke every key of this owner'))
    .addOption(new Option('--everyone', 'revoke every key of every owner').conflicts('owner'))
    .option('--yes', 'do not ask for confirmation')
    .addHelpText('after', helpExample('keyward revoke-all --owner org_42'))
    .action(async (options: RevokeAllOptions) => {
      if (options.owner === undefined && !options.everyone) {
        throw new InvalidArgumentError('owner', 'Give --owner <ownerId> or --everyone.')
      }
      const outcome = await ctx.withBackend(async (backend) => {
        if (!options.yes && !(await confirmed(ctx, backend, options.owner))) {
          ctx.info('Aborted; nothing was revoked.')
          return undefined
        }
        return backend.revokeAll(options.owner)
      })
      if (!outcome) {
        ctx.done(EXIT.aborted)
        return
      }
      if (ctx.json()) ctx.printJson({ ownerId: options.owner ?? null, ...outcome })
      else
        ctx.out(
          `Revoked every key ${options.owner === undefined ? 'of every owner' : `of ${options.owner}`} created up to ${outcome.revokedBefore}.`,
        )
      ctx.done(EXIT.ok)
    })
}

/**
 * Asks on stderr, naming the deployment, and reads the answer from stdin: only the owner id
 * (or `everyone`) typed back confirms, so a stray `y` or a closed stdin revokes nothing.
 */
async function confirmed(
  ctx: CommandContext,
  backend: Backend,
  owner: string | undefined,
): Promise<boolean> {
  const expected = owner ?? 'everyone'
  ctx.io.stderr.write(
    `${owner === undefined ? 'This revokes EVERY key of EVERY owner' : `This revokes every key of owner "${owner}"`} in ${backend.description}, at once and for good.\nType ${owner === undefined ? '"everyone"' : 'the owner id'} to confirm: `,
  )
  const answer = await readLine(ctx.io.stdin)
  return answer?.trim() === expected
}
