import { Command, CommanderError } from 'commander'
import type { CliIo } from './cli-io.js'
import { registerAudit } from './commands/audit.js'
import { registerCheck } from './commands/check.js'
import { createCommandContext, type GlobalOptions } from './commands/context.js'
import { helpExample } from './commands/help-example.js'
import { registerImport } from './commands/import.js'
import { registerKeys } from './commands/keys.js'
import { registerRevokeAll } from './commands/revoke-all.js'
import { registerScan } from './commands/scan.js'
import { EXIT, type ExitCode } from './exit-codes.js'
import { reportFailure } from './report-failure.js'

/**
 * Runs `keyward` with `argv` (the arguments after the command name) and resolves to its exit
 * code (see `EXIT`). Never rejects: every failure is a message on stderr and a code.
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok
  const program = createProgram(io, (code) => {
    exitCode = code
  })
  try {
    // Bare `keyward` is someone finding their way: the help, as `--help` gives it (exit 0).
    await program.parseAsync(argv.length === 0 ? ['--help'] : [...argv], { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its own message (or the help) already.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage
    }
    return reportFailure(io, program.opts<GlobalOptions>().json === true, error)
  }
}

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }
}

/** The `keyward` program: its global options, and every command registered on it. */
function createProgram(io: CliIo, done: (code: ExitCode) => void): Command {
  const program = new Command('keyward')
    .description(
      'Manage Keyward API keys from a terminal: list, create, rotate and revoke keys, revoke everything in an incident, read the audit log, and check or scan for leaked tokens.',
    )
    .version('0.1.0')
    .option('--redis <url>', 'connect to the Redis the application uses (default: $REDIS_URL)')
    .option(
      '--namespace <namespace>',
      "the application's Redis namespace (default: $KEYWARD_NAMESPACE, else keyward)",
    )
    .option(
      '--database <url>',
      'connect to the PostgreSQL the application keeps its keys in (default: $DATABASE_URL); with --redis too, revocations go through Redis (the mixed deployment)',
    )
    .option(
      '--schema <schema>',
      "the application's PostgreSQL schema (default: $DATABASE_SCHEMA, else public)",
    )
    .option(
      '--api <url>',
      "a running application's management API, e.g. https://api.example.com/api-keys; the admin token is read from $KEYWARD_API_TOKEN, never from the command line",
    )
    .option('--json', 'print JSON for scripts (errors too, on stderr)')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 done, 1 found (scan), malformed (check) or invalid lines (import), 2 usage, 3 refused
(no such key, inactive key, credential refused), 4 backend unavailable, 5 aborted.
Environment: REDIS_URL, KEYWARD_NAMESPACE, DATABASE_URL, DATABASE_SCHEMA, KEYWARD_PEPPER,
KEYWARD_PREFIX, KEYWARD_API_TOKEN, KEYWARD_LEGACY_TOKENS.`,
    )
    .addHelpText(
      'after',
      helpExample('REDIS_URL=redis://127.0.0.1:6379 keyward keys list --owner org_42'),
    )

  const ctx = createCommandContext(program, io, done)
  registerKeys(program, ctx)
  registerRevokeAll(program, ctx)
  registerImport(program, ctx)
  registerAudit(program, ctx)
  registerCheck(program, ctx)
  registerScan(program, ctx)

  // Every command throws instead of exiting the process, and writes to `io`.
  const everyCommand = (command: Command): Command[] => [
    command,
    ...command.commands.flatMap(everyCommand),
  ]
  for (const command of everyCommand(program)) {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
  }
  return program
}
