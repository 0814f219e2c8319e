import type { Command } from 'commander'
import { diagnoseToken } from '../check.js'
import { EXIT } from '../exit-codes.js'
import { readLine } from '../lib/read-line.js'
import type { CommandContext } from './context.js'
import { helpExample } from './help-example.js'
import { repeatable } from './repeatable.js'

/** `keyward check TOKEN`: offline, is this a well-formed Keyward token? */
export function registerCheck(program: Command, ctx: CommandContext): void {
  program
    .command('check')
    .description(
      "offline: is this a well-formed Keyward token? Says which part is wrong: prefix, length, alphabet or checksum. No store is asked. Give - to read the token from stdin, out of your shell's history",
    )
    .argument('<token>', 'the token, or - for stdin')
    .option('--prefix <prefix>', 'accept only this prefix; repeat for several', repeatable, [])
    .addHelpText('after', helpExample('keyward check - --prefix kw_live < suspicious.txt'))
    .action(async (given: string, options: { prefix: string[] }) => {
      const token = given === '-' ? ((await readLine(ctx.io.stdin)) ?? '').trim() : given
      const result = diagnoseToken(token, options.prefix)
      if (ctx.json()) ctx.printJson(result)
      else if (result.valid) ctx.out(`Well-formed ${result.prefix} token ${result.hint}`)
      else ctx.info(`Malformed (${result.part}): ${result.reason}`)
      ctx.done(result.valid ? EXIT.ok : EXIT.found)
    })
}
