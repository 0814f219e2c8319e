import type { Command } from 'commander'
import { EXIT } from '../exit-codes.js'
import { type Finding, scanPaths } from '../scan.js'
import type { CommandContext } from './context.js'
import { helpExample } from './help-example.js'
import { repeatable } from './repeatable.js'

/** `keyward scan [PATH…]`: leaked tokens in files, exit 1 when any is found. */
export function registerScan(program: Command, ctx: CommandContext): void {
  program
    .command('scan')
    .description(
      'find Keyward tokens in files (prefix and checksum, so no false positives); exits 1 when any is found, for pre-commit hooks and CI. Skips .git and node_modules inside directories',
    )
    .argument('[paths...]', 'files and directories to scan', ['.'])
    .option('--prefix <prefix>', 'only tokens of this prefix; repeat for several', repeatable, [])
    .addHelpText('after', helpExample('keyward scan . --prefix kw_live'))
    .action(async (paths: string[], options: { prefix: string[] }) => {
      const { findings, files } = await scanPaths(paths, { prefixes: options.prefix })
      if (ctx.json()) ctx.printJson(findings)
      else {
        for (const f of findings) {
          ctx.out(`${f.path}:${f.line}:${f.column}: ${f.prefix} token ${f.hint}`)
        }
        ctx.info(summary(findings, files))
      }
      ctx.done(findings.length > 0 ? EXIT.found : EXIT.ok)
    })
}

/** The closing line on stderr: clean, or how many tokens in how many files and what to do. */
function summary(findings: readonly Finding[], files: number): string {
  if (findings.length === 0) return `No Keyward token in ${files} file${files === 1 ? '' : 's'}.`
  const where = new Set(findings.map((f) => f.path)).size
  const them = findings.length === 1 ? 'it' : 'them'
  return `Found ${findings.length} Keyward token${findings.length === 1 ? '' : 's'} in ${where} file${where === 1 ? '' : 's'}: revoke ${them}, then remove ${them} from the files and their history.`
}
