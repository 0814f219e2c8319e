import { createInterface } from 'node:readline'
import {
  InvalidArgumentError,
  isKeywardError,
  type KeyMetadata,
  parseDuration,
} from '@keyward/core'
import { Command, CommanderError, Option } from 'commander'
import { apiBackend } from './backends/api.js'
import type { Backend, KeyView } from './backends/backend.js'
import { connectPostgresBackend } from './backends/postgres.js'
import { connectRedisBackend } from './backends/redis.js'
import { checkToken } from './check.js'
import { EXIT, type ExitCode } from './exit-codes.js'
import { scanPaths } from './scan.js'

/** Where the CLI reads and writes; the real process streams by default. */
export interface CliIo {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  stdin: NodeJS.ReadableStream
  env: Record<string, string | undefined>
}

interface GlobalOptions {
  redis?: string
  namespace?: string
  database?: string
  schema?: string
  api?: string
  json?: boolean
}

/**
 * Connects to the stores the applications share. `--redis` / `--database` name the deployment
 * completely when either is given; otherwise `REDIS_URL` / `DATABASE_URL` do, as they do for
 * the applications. Both: keys in PostgreSQL, revocations through Redis (the mixed deployment).
 */
function connectStore(
  options: GlobalOptions,
  io: CliIo,
  prefix: string | undefined,
): Promise<Backend> | undefined {
  const fromFlags = options.redis !== undefined || options.database !== undefined
  const redisUrl = (fromFlags ? options.redis : io.env.REDIS_URL) || undefined
  const databaseUrl = (fromFlags ? options.database : io.env.DATABASE_URL) || undefined
  const namespace = options.namespace ?? (io.env.KEYWARD_NAMESPACE || 'keyward')
  const common = {
    ...(prefix === undefined ? {} : { prefix }),
    ...(io.env.KEYWARD_PEPPER ? { pepper: io.env.KEYWARD_PEPPER } : {}),
  }
  if (databaseUrl !== undefined) {
    const schema = options.schema ?? (io.env.DATABASE_SCHEMA || undefined)
    return connectPostgresBackend({
      url: databaseUrl,
      ...(schema === undefined ? {} : { schema }),
      ...(redisUrl === undefined ? {} : { redis: { url: redisUrl, namespace } }),
      ...common,
    })
  }
  if (redisUrl !== undefined) return connectRedisBackend({ url: redisUrl, namespace, ...common })
  return undefined
}

const EXIT_BY_CODE: Partial<Record<string, ExitCode>> = {
  invalid_argument: EXIT.usage,
  unavailable: EXIT.unavailable,
}

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
    await program.parseAsync([...argv], { from: 'user' })
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its own message (or the help) already.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage
    }
    return fail(io, program.opts<GlobalOptions>().json === true, error)
  }
}

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }
}

function fail(io: CliIo, json: boolean, error: unknown): ExitCode {
  let code: string
  let message: string
  let exitCode: ExitCode
  if (isKeywardError(error)) {
    code = error.code
    message = error.message
    exitCode = EXIT_BY_CODE[error.code] ?? EXIT.refused
  } else if (isFileError(error)) {
    code = 'file_error'
    message = `Cannot read ${error.path}: ${error.code}.`
    exitCode = EXIT.usage
  } else {
    code = 'unexpected'
    message = `Unexpected failure: ${(error as Error)?.message ?? String(error)}`
    exitCode = EXIT.unavailable
  }
  const field = (error as { field?: unknown }).field
  if (json) {
    io.stderr.write(
      `${JSON.stringify({ error: { code, message, ...(typeof field === 'string' ? { field } : {}) } })}\n`,
    )
  } else {
    io.stderr.write(`keyward: ${message}\n`)
  }
  return exitCode
}

function isFileError(error: unknown): error is { code: string; path: string } {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown }
  return typeof code === 'string' && typeof path === 'string' && /^E[A-Z]+$/.test(code)
}

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== ''),
]

function createProgram(io: CliIo, done: (code: ExitCode) => void): Command {
  const program = new Command('keyward')
    .description(
      'Manage Keyward API keys from a terminal: list, create, rotate and revoke keys, revoke everything in an incident, and check or scan for leaked tokens.',
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
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 done, 1 found (scan) or malformed (check), 2 usage, 3 refused
(no such key, inactive key, credential refused), 4 backend unavailable, 5 aborted.
Environment: REDIS_URL, KEYWARD_NAMESPACE, DATABASE_URL, DATABASE_SCHEMA, KEYWARD_PEPPER,
KEYWARD_PREFIX, KEYWARD_API_TOKEN.`,
    )

  const global = () => program.opts<GlobalOptions>()
  const json = () => global().json === true
  const out = (text: string) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  const info = (text: string) => io.stderr.write(`${text}\n`)
  const printJson = (value: unknown) => out(JSON.stringify(value, null, 2))

  /** The backend the global options name, connected; closed after `work`. */
  const withBackend = async <T>(
    work: (backend: Backend) => Promise<T>,
    prefix?: string,
  ): Promise<T> => {
    const options = global()
    const apiUrl = options.api
    if (apiUrl !== undefined && (options.redis !== undefined || options.database !== undefined)) {
      throw new InvalidArgumentError(
        'api',
        'Give --api or a store (--redis, --database), not both.',
      )
    }
    let backend: Backend
    if (apiUrl !== undefined) {
      const token = io.env.KEYWARD_API_TOKEN
      if (!token) {
        throw new InvalidArgumentError(
          'KEYWARD_API_TOKEN',
          'Set KEYWARD_API_TOKEN to an API key holding the manage scope; it is never read from the command line.',
        )
      }
      if (!/^https?:\/\//.test(apiUrl)) {
        throw new InvalidArgumentError('api', '--api must be an http(s) URL.')
      }
      backend = apiBackend({ url: apiUrl, token })
    } else {
      const connecting = connectStore(options, io, prefix)
      if (!connecting) {
        throw new InvalidArgumentError(
          'backend',
          'Say where the keys live: --redis URL (or REDIS_URL), --database URL (or DATABASE_URL), or --api URL with KEYWARD_API_TOKEN.',
        )
      }
      backend = await connecting
    }
    try {
      return await work(backend)
    } finally {
      await backend.close()
    }
  }

  const keys = program.command('keys').description('list, create, rotate and revoke API keys')

  keys
    .command('list')
    .description('list keys that are not revoked, of one owner or of every owner')
    .option('--owner <ownerId>', 'only the keys of this owner')
    .action(async (options: { owner?: string }) => {
      const list = await withBackend((backend) => backend.list(options.owner))
      if (json()) printJson(list)
      else if (list.length === 0) info('No keys.')
      else out(table(list))
      done(EXIT.ok)
    })

  keys
    .command('create')
    .description('create a key; prints its token once, alone on stdout, so it can be piped')
    .requiredOption('--name <name>', 'what the key is for, 1–100 characters')
    .option('--owner <ownerId>', 'who the key belongs to (required with a store backend)')
    .option('--scope <scope>', 'grant a scope; repeat or separate with commas', collect)
    .option('--expires-in <duration>', 'lifetime: 90d, 12h, 30m or seconds')
    .option('--expires-at <date>', 'expiry as an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z')
    .option('--metadata <json>', 'application data, a JSON object')
    .option('--prefix <prefix>', 'token prefix (default: $KEYWARD_PREFIX, else kw_live)')
    .action(
      async (options: {
        name: string
        owner?: string
        scope?: string[]
        expiresIn?: string
        expiresAt?: string
        metadata?: string
        prefix?: string
      }) => {
        if (options.expiresIn === undefined && options.expiresAt === undefined) {
          throw new InvalidArgumentError('expires-in', 'Give --expires-in or --expires-at.')
        }
        const metadata =
          options.metadata === undefined ? undefined : parseMetadata(options.metadata)
        const issued = await withBackend(async (backend) => {
          if (options.owner === undefined && global().api === undefined) {
            throw new InvalidArgumentError('owner', '--owner is required with a store backend.')
          }
          return backend.create({
            name: options.name,
            ...(options.owner === undefined ? {} : { ownerId: options.owner }),
            scopes: options.scope ?? [],
            ...(options.expiresIn === undefined ? {} : { expiresIn: seconds(options.expiresIn) }),
            ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
            ...(metadata === undefined ? {} : { metadata }),
          })
        }, options.prefix ?? io.env.KEYWARD_PREFIX)
        if (json()) printJson(issued)
        else {
          out(issued.token)
          info(
            `Created ${issued.key.id} "${issued.key.name}" for ${issued.key.ownerId}, expires ${issued.key.expiresAt}. The token is shown once; it is not stored.`,
          )
        }
        done(EXIT.ok)
      },
    )

  keys
    .command('rotate')
    .description('issue a new token for a key; prints it once, alone on stdout')
    .argument('<id>', 'the key id, key_…')
    .option('--grace <duration>', 'how long the old token keeps working, e.g. 1h (default: none)')
    .action(async (id: string, options: { grace?: string }) => {
      const issued = await withBackend((backend) =>
        backend.rotate(id, options.grace === undefined ? undefined : seconds(options.grace)),
      )
      if (json()) printJson(issued)
      else {
        out(issued.token)
        info(
          `Rotated ${id} to ${issued.key.id}; the old token ${options.grace ? `ends in ${options.grace}` : 'is revoked'}.`,
        )
      }
      done(EXIT.ok)
    })

  keys
    .command('revoke')
    .description('revoke a key everywhere, at once and for good')
    .argument('<id>', 'the key id, key_…')
    .action(async (id: string) => {
      const revoked = await withBackend((backend) => backend.revoke(id))
      if (json()) printJson({ id, revoked })
      else out(revoked ? `Revoked ${id}.` : `${id} was revoked already.`)
      done(EXIT.ok)
    })

  keys
    .command('expiring')
    .description('list active keys that expire soon, soonest first (for reminders)')
    .option('--within <duration>', 'how soon: 7d, 12h, …', '7d')
    .option('--owner <ownerId>', 'only the keys of this owner')
    .action(async (options: { within: string; owner?: string }) => {
      const within = parseDuration(seconds(options.within), 'within')
      const until = Date.now() + within
      const list = (await withBackend((backend) => backend.list(options.owner)))
        .filter((key) => key.status === 'active' && Date.parse(key.expiresAt) <= until)
        .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt))
      if (json()) printJson(list)
      else if (list.length === 0) info(`No key expires within ${options.within}.`)
      else out(table(list))
      done(EXIT.ok)
    })

  program
    .command('revoke-all')
    .description('incident response: revoke every key of an owner, or every key there is')
    .addOption(new Option('--owner <ownerId>', 'revoke every key of this owner'))
    .addOption(new Option('--everyone', 'revoke every key of every owner').conflicts('owner'))
    .option('--yes', 'do not ask for confirmation')
    .action(async (options: { owner?: string; everyone?: boolean; yes?: boolean }) => {
      if (options.owner === undefined && !options.everyone) {
        throw new InvalidArgumentError('owner', 'Give --owner <ownerId> or --everyone.')
      }
      const outcome = await withBackend(async (backend) => {
        if (!options.yes) {
          const expected = options.owner ?? 'everyone'
          io.stderr.write(
            `${options.owner === undefined ? 'This revokes EVERY key of EVERY owner' : `This revokes every key of owner "${options.owner}"`} in ${backend.description}, at once and for good.\nType ${options.owner === undefined ? '"everyone"' : 'the owner id'} to confirm: `,
          )
          const answer = await readLine(io.stdin)
          if (answer?.trim() !== expected) {
            info('Aborted; nothing was revoked.')
            return undefined
          }
        }
        return backend.revokeAll(options.owner)
      })
      if (!outcome) {
        done(EXIT.aborted)
        return
      }
      if (json()) printJson({ ownerId: options.owner ?? null, ...outcome })
      else
        out(
          `Revoked every key ${options.owner === undefined ? 'of every owner' : `of ${options.owner}`} created up to ${outcome.revokedBefore}.`,
        )
      done(EXIT.ok)
    })

  program
    .command('check')
    .description(
      "offline: is this a well-formed Keyward token (prefix, length, checksum)? No store is asked. Give - to read the token from stdin, out of your shell's history",
    )
    .argument('<token>', 'the token, or - for stdin')
    .option('--prefix <prefix>', 'accept only this prefix; repeat for several', collect, [])
    .action(async (given: string, options: { prefix: string[] }) => {
      const token = given === '-' ? ((await readLine(io.stdin)) ?? '').trim() : given
      const result = checkToken(token, options.prefix)
      if (json()) printJson(result)
      else if (result.valid) out(`Well-formed ${result.prefix} token ${result.hint}`)
      else info(`Malformed: ${result.reason}`)
      done(result.valid ? EXIT.ok : EXIT.found)
    })

  program
    .command('scan')
    .description(
      'find Keyward tokens in files (prefix and checksum, so no false positives); exits 1 when any is found, for pre-commit hooks and CI. Skips .git and node_modules inside directories',
    )
    .argument('[paths...]', 'files and directories to scan', ['.'])
    .option('--prefix <prefix>', 'only tokens of this prefix; repeat for several', collect, [])
    .action(async (paths: string[], options: { prefix: string[] }) => {
      const { findings, files } = await scanPaths(paths, { prefixes: options.prefix })
      if (json()) printJson(findings)
      else {
        for (const f of findings) {
          out(`${f.path}:${f.line}:${f.column}: ${f.prefix} token ${f.hint}`)
        }
        const where = new Set(findings.map((f) => f.path)).size
        info(
          findings.length === 0
            ? `No Keyward token in ${files} file${files === 1 ? '' : 's'}.`
            : `Found ${findings.length} Keyward token${findings.length === 1 ? '' : 's'} in ${where} file${where === 1 ? '' : 's'}: revoke ${findings.length === 1 ? 'it' : 'them'}, then remove ${findings.length === 1 ? 'it' : 'them'} from the files and their history.`,
        )
      }
      done(findings.length > 0 ? EXIT.found : EXIT.ok)
    })

  for (const command of [program, keys, ...program.commands, ...keys.commands]) {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
  }
  return program
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

/** The next line of `input`, or `undefined` when it ends first. */
function readLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    const lines = createInterface({ input, terminal: false })
    let answered = false
    lines.once('line', (line) => {
      answered = true
      lines.close()
      resolve(line)
    })
    lines.once('close', () => {
      if (!answered) resolve(undefined)
    })
  })
}

function table(keys: readonly KeyView[]): string {
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
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
