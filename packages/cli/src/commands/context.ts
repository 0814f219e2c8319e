import type { Command } from 'commander'
import type { Backend } from '../backends/backend.js'
import { type BackendOptions, connectBackend } from '../backends/connect.js'
import type { CliIo } from '../cli-io.js'
import type { ExitCode } from '../exit-codes.js'

/** The options every command takes, before its name (`keyward --json keys list`). */
export interface GlobalOptions extends BackendOptions {
  json?: boolean
}

/** What every command's action works with: the streams, the global options, the backend. */
export interface CommandContext {
  io: CliIo
  /** The global options as parsed. */
  global(): GlobalOptions
  /** Whether `--json` was given. */
  json(): boolean
  /** Writes `text` to stdout as one line. */
  out(text: string): void
  /** Writes `text` to stderr as one line: what a person reads, never what a pipe takes. */
  info(text: string): void
  /** Writes `value` to stdout as indented JSON. */
  printJson(value: unknown): void
  /** Connects the backend the global options name, runs `work` on it, and closes it. */
  withBackend<T>(work: (backend: Backend) => Promise<T>, prefix?: string): Promise<T>
  /** Records the exit code the run ends with. */
  done(code: ExitCode): void
}

/** The context of `program`'s commands, writing to `io`; `done` receives the exit code. */
export function createCommandContext(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): CommandContext {
  const global = () => program.opts<GlobalOptions>()
  const out = (text: string) => {
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }
  return {
    io,
    global,
    json: () => global().json === true,
    out,
    info: (text) => {
      io.stderr.write(`${text}\n`)
    },
    printJson: (value) => out(JSON.stringify(value, null, 2)),
    async withBackend(work, prefix) {
      const backend = await connectBackend(global(), io.env, prefix)
      try {
        return await work(backend)
      } finally {
        await backend.close()
      }
    },
    done,
  }
}
