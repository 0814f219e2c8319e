import { lstat, readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import {
  CHECKSUM_LENGTH,
  InvalidArgumentError,
  isValidPrefix,
  MAX_PREFIX_LENGTH,
  parseToken,
  SECRET_LENGTH,
  tokenHint,
} from '@keyward/core'

/** A Keyward token found in text. `token` is for the caller's use; never print it. */
export interface FoundToken {
  /** Offset of the token's first character in the text. */
  index: number
  prefix: string
  /** For display: `<prefix>_` + 4 characters + `…`. */
  hint: string
  token: string
}

/** A token found in a file, as `keyward scan` reports it (no token). */
export interface Finding {
  path: string
  /** 1-based. */
  line: number
  /** 1-based, in UTF-16 code units. */
  column: number
  prefix: string
  hint: string
}

// The part after a token's last `_`: 32 base62 of secret and 6 of checksum, not followed by
// more letters or digits.
const BODY = new RegExp(`_[0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}}(?![0-9A-Za-z])`, 'g')
const PREFIX_CHAR = /[a-z0-9_]/

/**
 * Every Keyward token in `text`: a prefix, `_`, 38 base62 characters, and a CRC-32 checksum
 * that matches. A look-alike passes the checksum by chance about once in 4 billion, so in
 * practice there are no false positives. With `prefixes`, only tokens of those prefixes.
 */
export function findTokens(text: string, prefixes: readonly string[] = []): FoundToken[] {
  const found: FoundToken[] = []
  for (const match of text.matchAll(BODY)) {
    const underscore = match.index
    const end = underscore + match[0].length
    // The run of prefix characters just before the `_`; the prefix is one of its tails
    // starting after a `_` (or at the run's start), longest first.
    let start = underscore
    while (
      start > 0 &&
      underscore - start < MAX_PREFIX_LENGTH &&
      PREFIX_CHAR.test(text[start - 1]!)
    )
      start--
    for (let from = start; from < underscore; from++) {
      if (from > start && text[from - 1] !== '_') continue
      const prefix = text.slice(from, underscore)
      if (!isValidPrefix(prefix)) continue
      if (prefixes.length > 0 && !prefixes.includes(prefix)) continue
      const token = text.slice(from, end)
      try {
        const parsed = parseToken(token, new Set([prefix]))
        found.push({ index: from, prefix, hint: tokenHint(prefix, parsed.secret), token })
        break
      } catch {
        // Not this prefix; a shorter tail may still be the token's.
      }
    }
  }
  return found
}

/** Options of {@link scanPaths}. */
export interface ScanOptions {
  /** Only tokens of these prefixes. Default: any prefix. */
  prefixes?: readonly string[]
  /** Directory names never entered. Default `['.git', 'node_modules']`. */
  skipDirectories?: readonly string[]
}

/**
 * Scans files, and directories recursively, for Keyward tokens. The paths given are followed
 * when they are symbolic links (a linked checkout or `.env`); links found inside directories
 * are not, so a walk never leaves the tree or loops. Rejects, naming the path, when a given
 * path cannot be read (missing, permission denied, a link to nothing) or is neither a file
 * nor a directory, so nothing unread is ever reported clean.
 */
export async function scanPaths(
  paths: readonly string[],
  options: ScanOptions = {},
): Promise<{ findings: Finding[]; files: number }> {
  const skip = new Set(options.skipDirectories ?? ['.git', 'node_modules'])
  const findings: Finding[] = []
  let files = 0

  const visit = async (path: string, explicit: boolean): Promise<void> => {
    const stats = explicit ? await stat(path) : await lstat(path)
    if (stats.isDirectory()) {
      if (!explicit && skip.has(path.split(/[\\/]/).pop()!)) return
      const entries = await readdir(path)
      entries.sort()
      for (const entry of entries) await visit(join(path, entry), false)
      return
    }
    if (!stats.isFile()) {
      if (explicit) throw new InvalidArgumentError('paths', `${path} is not a file or directory.`)
      return
    }
    files++
    const text = await readFile(path, 'utf8')
    for (const token of findTokens(text, options.prefixes)) {
      const before = text.slice(0, token.index)
      const lineStart = before.lastIndexOf('\n') + 1
      findings.push({
        path,
        line: before.split('\n').length,
        column: token.index - lineStart + 1,
        prefix: token.prefix,
        hint: token.hint,
      })
    }
  }

  for (const path of paths) await visit(path, true)
  return { findings, files }
}
