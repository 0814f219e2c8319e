/**
 * A README's shell session (`pnpm start`, `VAR=…`, `curl …` with `# 201 …` comments) read
 * the way a reader runs it, so a test can run the session as written instead of a copy that
 * drifts from it.
 *
 * Reading rules, kept to what the README uses:
 * - A line ending in `\` continues on the next. `'…'` is literal, `"…"` and bare words expand
 *   `$VAR`; an unquoted `#` starting a word begins a comment; `;` separates statements.
 * - A value shown as `prefix…` (`kw_test_…`, `key_…`, `eyJ…`) stands for what the previous
 *   answer printed: the first value in it that starts with `prefix` and is not itself shortened.
 * - A command's comment, on its line or on the comment line right below it, documents its
 *   answer (see {@link documentedAnswer}).
 */

/** One command line of a session, with what the README says it answers. */
export interface SessionLine {
  /** Line in the README where the command starts, 1-based. */
  line: number
  /** The command, continuation lines joined. */
  command: string
  /** The comment documenting the answer, without `#`; `undefined` when none. */
  documented: string | undefined
}

/** What a command answered: an HTTP answer, or a program's printed output. */
export interface Answer {
  status?: number
  headers?: Headers
  text: string
}

/** What one command of a session answered, beside what the README documents. */
export interface SessionStep extends SessionLine {
  answer: Answer | undefined
}

/** The session's address, which the test replaces with where the example really listens. */
export const DOCUMENTED_ORIGIN = 'http://127.0.0.1:3000'

interface ShellLine {
  statements: string[][]
  comment: string | undefined
}

/** Splits a logical shell line into statements of words, expanding `$VAR` with `variable`. */
export function splitShellLine(line: string, variable: (name: string) => string): ShellLine {
  const statements: string[][] = [[]]
  let word: string | undefined
  let comment: string | undefined
  const end = () => {
    if (word !== undefined) statements.at(-1)?.push(word)
    word = undefined
  }
  const expandAt = (i: number): [string, number] => {
    const name = /^\{(\w+)\}|^(\w+)/.exec(line.slice(i + 1))
    if (!name) return ['$', i + 1]
    return [variable(name[1] ?? name[2] ?? ''), i + 1 + name[0].length]
  }
  let i = 0
  while (i < line.length) {
    const c = line[i] ?? ''
    if (/\s/.test(c)) {
      end()
      i++
    } else if (c === '#' && word === undefined) {
      comment = line.slice(i + 1).trim()
      break
    } else if (c === ';') {
      end()
      statements.push([])
      i++
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1)
      if (close < 0) throw new Error(`unclosed ' in: ${line}`)
      word = (word ?? '') + line.slice(i + 1, close)
      i = close + 1
    } else if (c === '"') {
      word ??= ''
      for (i++; line[i] !== '"'; ) {
        if (i >= line.length) throw new Error(`unclosed " in: ${line}`)
        if (line[i] === '$') {
          const [value, next] = expandAt(i)
          word += value
          i = next
        } else if (line[i] === '\\' && /["\\$`]/.test(line[i + 1] ?? '')) {
          word += line[i + 1]
          i += 2
        } else word += line[i++]
      }
      i++
    } else if (c === '$') {
      const [value, next] = expandAt(i)
      word = (word ?? '') + value
      i = next
    } else if (c === '\\') {
      word = (word ?? '') + (line[i + 1] ?? '')
      i += 2
    } else {
      word = (word ?? '') + c
      i++
    }
  }
  end()
  return { statements: statements.filter((words) => words.length > 0), comment }
}

/** The logical line starting at `physical[i]` (one ending in `\` joins the next), and its last index. */
function logicalLine(physical: readonly string[], i: number): [string, number] {
  let text = physical[i] ?? ''
  while (text.endsWith('\\') && i + 1 < physical.length)
    text = `${text.slice(0, -1)} ${physical[++i]}`
  return [text, i]
}

/** The command lines of a session block, each with the comment that documents its answer. */
export function sessionLines(block: string, firstLine: number): SessionLine[] {
  const lines: SessionLine[] = []
  const physical = block.split('\n')
  let last: SessionLine | undefined
  for (let i = 0; i < physical.length; i++) {
    const start = i
    let text: string
    ;[text, i] = logicalLine(physical, i)
    if (text.trim() === '') {
      last = undefined
      continue
    }
    const { statements, comment } = splitShellLine(text, () => '')
    if (statements.length === 0) {
      // A comment line right below a command without its own comment is that command's answer.
      if (last !== undefined && last.documented === undefined) last.documented = comment
      else last = undefined
      continue
    }
    last = { line: firstLine + 1 + start, command: text, documented: comment }
    lines.push(last)
  }
  return lines
}

/**
 * The commands of a ```console block (`$ curl …`, continued by `\`), each documented by the
 * output printed below it (unless that is only `…`). `#` lines describe, and are skipped.
 */
export function consoleLines(block: string, firstLine: number): SessionLine[] {
  const lines: SessionLine[] = []
  const physical = block.split('\n')
  for (let i = 0; i < physical.length; i++) {
    if (!physical[i]?.startsWith('$ ')) continue
    const start = i
    let command: string
    ;[command, i] = logicalLine(physical, i)
    command = command.slice(2)
    const output: string[] = []
    while (i + 1 < physical.length && /^[^$#\s]/.test(physical[i + 1] ?? ''))
      output.push(physical[++i] ?? '')
    const printed = output.join('\n')
    const documented = printed === '' || printed === '…' ? undefined : printed
    lines.push({ line: firstLine + 1 + start, command, documented })
  }
  return lines
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** `prefix…` filled in from `answer`: its first value starting with `prefix` that is complete. */
function fillIn(prefix: string, answer: Answer | undefined): string {
  const values = answer?.text.matchAll(new RegExp(`${escapeRegExp(prefix)}[\\w.~+/=-]*…?`, 'g'))
  for (const [value] of values ?? []) {
    if (!value.endsWith('…') && value.length > prefix.length) return value
  }
  throw new Error(`no value starting with ${prefix} in the previous answer: ${answer?.text}`)
}

/** The request `curl` sends for `words` (its arguments), with curl's defaults. */
export function curlRequest(words: readonly string[]): Request {
  let method: string | undefined
  let url: string | undefined
  const headers = new Headers()
  const data: string[] = []
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? ''
    const value = () => {
      const next = words[++i]
      if (next === undefined) throw new Error(`curl ${word} needs a value`)
      return next
    }
    if (word === '-i' || word === '-s') continue
    if (word === '-X') method = value()
    else if (word === '-H') {
      const header = value()
      const colon = header.indexOf(':')
      headers.append(header.slice(0, colon).trim(), header.slice(colon + 1).trim())
    } else if (word === '-d') data.push(value())
    else if (word === '-u') headers.set('authorization', `Basic ${btoa(value())}`)
    else if (word.startsWith('-')) throw new Error(`curl option ${word} is not understood here`)
    else url = word
  }
  if (url === undefined) throw new Error(`curl without a URL: ${words.join(' ')}`)
  // curl -d: a POST, the pieces joined by &, sent as a form unless a Content-Type is given.
  if (data.length > 0 && !headers.has('content-type')) {
    headers.set('content-type', 'application/x-www-form-urlencoded')
  }
  const body = data.length > 0 ? data.join('&') : undefined
  return new Request(url, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body }),
  })
}

/**
 * Runs `lines` in order against `example`, already started: `pnpm start…` answers what it
 * printed, assignments set variables (`variables` gives the first ones), and `curl` goes
 * through `fetch`, the documented origin replaced by the example's. Resolves with every step
 * and its answer.
 */
export async function runSession(
  lines: readonly SessionLine[],
  example: { url: string; output: string },
  variables: Record<string, string> = {},
): Promise<SessionStep[]> {
  const values = new Map(Object.entries(variables))
  let previous: Answer | undefined
  const steps: SessionStep[] = []
  for (const line of lines) {
    const { statements } = splitShellLine(line.command, (name) => {
      const value = values.get(name)
      if (value === undefined) throw new Error(`line ${line.line}: $${name} is not set`)
      return value
    })
    let answer: Answer | undefined
    for (const statement of statements) {
      const words = statement.map((word) =>
        word.replace(/[\w-]+…/g, (shown) => fillIn(shown.slice(0, -1), previous)),
      )
      const [command = '', ...args] = words
      const assignment = /^([A-Za-z_]\w*)=(.*)$/.exec(command)
      if (assignment && args.length === 0) {
        values.set(assignment[1] ?? '', assignment[2] ?? '')
      } else if (command === 'pnpm' && args[0]?.startsWith('start')) {
        answer = { text: example.output }
      } else if (command === 'curl') {
        const request = curlRequest(args.map((arg) => arg.replace(DOCUMENTED_ORIGIN, example.url)))
        const response = await fetch(request, { redirect: 'manual' })
        answer = { status: response.status, headers: response.headers, text: await response.text() }
      } else
        throw new Error(`line ${line.line}: ${command} is not a step this session runner knows`)
    }
    steps.push({ ...line, answer })
    if (answer !== undefined) previous = answer
  }
  return steps
}

/** What a comment says a command answers. */
export interface DocumentedAnswer {
  /** `# 201 …`: the status; without one the README shows a body, so a success (2xx). */
  status: number | undefined
  /** `"name":value` pairs shown in full (no `…`): somewhere in the JSON answer. */
  fields: [string, unknown][]
  /** `error="invalid_token"`-style attributes: in the `WWW-Authenticate` challenge. */
  challenge: string[]
  /** Free-standing quoted text (`"The API key has been revoked."`): in the answer's body. */
  phrases: string[]
}

/** Reads the facts of an answer comment such as `# 403  WWW-Authenticate: Bearer realm="api", …`. */
export function documentedAnswer(comment: string): DocumentedAnswer {
  const status = /^(\d{3})\b/.exec(comment)?.[1]
  const fields = [
    ...comment.matchAll(/"(\w+)":("[^"…]*"|-?\d+(?:\.\d+)?|true|false|null|\[\])(?=[,}])/g),
  ].map(([, name = '', value = '']): [string, unknown] => [name, JSON.parse(value)])
  const challenge = [...comment.matchAll(/(?<![\w"])\w+="[^"…]*"/g)].map(([attribute]) => attribute)
  const phrases = [...comment.matchAll(/(?:^|\s)"([^"…]+)"(?!\s*:)/g)].map(([, text = '']) => text)
  return { status: status === undefined ? undefined : Number(status), fields, challenge, phrases }
}

/** Whether `value` holds `name: expected` at any depth. */
export function holdsField(value: unknown, name: string, expected: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  if (name in record && JSON.stringify(record[name]) === JSON.stringify(expected)) return true
  return Object.values(record).some((inner) => holdsField(inner, name, expected))
}
