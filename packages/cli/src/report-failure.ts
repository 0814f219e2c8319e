import { isKeywardError } from '@keyward/core'
import type { CliIo } from './cli-io.js'
import { EXIT, type ExitCode } from './exit-codes.js'

const EXIT_BY_CODE: Partial<Record<string, ExitCode>> = {
  invalid_argument: EXIT.usage,
  unavailable: EXIT.unavailable,
}

/** What a file system error code means to someone who named the path. */
const FILE_ERROR_WORDS: Partial<Record<string, string>> = {
  ENOENT: 'no such file or directory, or a symbolic link to none (ENOENT)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'permission denied (EPERM)',
  ELOOP: 'a loop of symbolic links (ELOOP)',
  ENOTDIR: 'a part of the path is not a directory (ENOTDIR)',
}

/**
 * Tells the user on stderr why a command failed (as `{ error: { code, message, field? } }`
 * with `--json`) and returns the exit code for it: core's errors by their code, an unreadable
 * file as usage, anything else as unavailable.
 */
export function reportFailure(io: CliIo, json: boolean, error: unknown): ExitCode {
  let code: string
  let message: string
  let exitCode: ExitCode
  if (isKeywardError(error)) {
    code = error.code
    message = error.message
    exitCode = EXIT_BY_CODE[error.code] ?? EXIT.refused
  } else if (isFileError(error)) {
    code = 'file_error'
    message = `Cannot read ${error.path}: ${FILE_ERROR_WORDS[error.code] ?? error.code}.`
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
