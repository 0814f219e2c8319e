import { InvalidArgumentError } from '@keyward/core'
import type { Command } from 'commander'
import { EXIT } from '../exit-codes.js'
import { type FileImportReport, importJsonlFile } from '../import-file.js'
import type { CommandContext } from './context.js'
import { helpExample } from './help-example.js'

interface ImportCommandOptions {
  legacyTokens?: string
}

/**
 * `keyward import FILE.jsonl`: keys issued elsewhere, one JSON record a line, imported into
 * the store batch by batch; a summary and each refused line, exit 1 when any line was invalid.
 */
export function registerImport(program: Command, ctx: CommandContext): void {
  program
    .command('import')
    .description(
      'import keys issued elsewhere from a JSONL file: one record a line, {"token"|"hash", "name", "ownerId", "scopes", "expiresAt"|"expiresIn", "metadata"?}; a re-run of the same file changes nothing. Exits 1 when any line was invalid',
    )
    .argument('<file>', 'the JSONL file')
    .option(
      '--legacy-tokens <pattern>',
      "the applications' legacyTokens pattern (a regular expression), for plaintext tokens of another format (default: $KEYWARD_LEGACY_TOKENS)",
    )
    .addHelpText(
      'after',
      helpExample(
        "DATABASE_URL=postgres://… keyward import keys.jsonl --legacy-tokens '^sk_[0-9a-f]{40}$'",
      ),
    )
    .action(async (file: string, options: ImportCommandOptions) => {
      const legacyTokens = legacyPattern(options.legacyTokens ?? ctx.io.env.KEYWARD_LEGACY_TOKENS)
      const report = await ctx.withBackend(async (backend) => {
        const importKeys = backend.importKeys?.bind(backend)
        if (!importKeys) {
          throw new InvalidArgumentError(
            'api',
            'import needs the store: give --redis or --database (or REDIS_URL, DATABASE_URL).',
          )
        }
        return importJsonlFile(file, (records) =>
          importKeys(records, legacyTokens === undefined ? {} : { legacyTokens }),
        )
      })
      if (ctx.json()) ctx.printJson(report)
      else printReport(ctx, report)
      ctx.done(report.invalid > 0 ? EXIT.found : EXIT.ok)
    })
}

/** The pattern given as text, compiled; refused when it is no regular expression. */
function legacyPattern(source: string | undefined): RegExp | undefined {
  if (source === undefined || source === '') return undefined
  try {
    return new RegExp(source)
  } catch {
    throw new InvalidArgumentError('legacy-tokens', '--legacy-tokens must be a regular expression.')
  }
}

/** Each refused line on stdout (never its content), then the counts. */
function printReport(ctx: CommandContext, report: FileImportReport): void {
  for (const result of report.results) {
    if (result.status === 'invalid') {
      ctx.out(`line ${result.line}: invalid ${result.field}: ${result.message}`)
    }
  }
  const total = report.imported + report.duplicates + report.invalid
  ctx.out(
    `Imported ${report.imported} of ${total} record${total === 1 ? '' : 's'}: ${report.duplicates} duplicate${report.duplicates === 1 ? '' : 's'} (already stored), ${report.invalid} invalid.`,
  )
}
