import { readFile } from 'node:fs/promises'

/**
 * What the HTML comment right before a code block says about running it:
 * - `<!-- not-runnable: <why> -->`: a fragment (a call shape with placeholders); not run.
 * - `<!-- runs-after: <heading> -->`: it continues the first TypeScript block under that
 *   heading (its `app`, `keyward`…), so both run as one module, the earlier one first.
 * - `<!-- runs-as: <path> -->`: the file at `path` (from the README's folder) is this block
 *   verbatim, and runs in that package's own tests.
 */
export type BlockMarker =
  | { kind: 'not-runnable'; why: string }
  | { kind: 'runs-after'; heading: string }
  | { kind: 'runs-as'; path: string }

/** A fenced code block of a README. */
export interface CodeBlock {
  /** The heading it sits under, without the `#`s (`Example`); the title for blocks above any `##`. */
  heading: string
  /** The fence's info string: `ts`, `sh`, `console`… */
  lang: string
  /** The block's text, ending with a newline. */
  code: string
  /** The line of the opening fence, 1-based, for messages. */
  line: number
  marker: BlockMarker | undefined
}

const MARKER = /^<!--\s*(not-runnable|runs-after|runs-as):\s*(.*?)\s*-->$/

function markerOf(line: string | undefined): BlockMarker | undefined {
  const match = MARKER.exec(line?.trim() ?? '')
  if (!match) return undefined
  const [, kind, value = ''] = match
  if (kind === 'not-runnable') return { kind, why: value }
  if (kind === 'runs-after') return { kind, heading: value }
  return { kind: 'runs-as', path: value }
}

/** Every fenced code block of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n')
  const blocks: CodeBlock[] = []
  let heading = ''
  let lastText: string | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const title = /^#{1,6}\s+(.*)$/.exec(line)
    if (title) heading = title[1] ?? ''
    const fence = /^```(\S*)\s*$/.exec(line)
    if (!fence) {
      if (line.trim() !== '') lastText = line
      continue
    }
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i] ?? '')
    blocks.push({
      heading,
      lang: fence[1] ?? '',
      code: `${body.join('\n')}\n`,
      line: start + 1,
      marker: markerOf(lastText),
    })
    lastText = undefined
  }
  return blocks
}

/** The TypeScript blocks of the README at `path` (from the repository root). */
export async function typescriptBlocks(root: string, path: string): Promise<CodeBlock[]> {
  const blocks = codeBlocks(await readFile(`${root}${path}`, 'utf8'))
  return blocks.filter((block) => block.lang === 'ts')
}

/**
 * The module that runs `block`: its own code after that of the blocks it continues
 * (`runs-after`, followed back to a block that stands alone). ES imports are hoisted, so the
 * imports of a later block may sit below the earlier block's statements.
 */
export function programOf(block: CodeBlock, blocks: readonly CodeBlock[]): string {
  const parts = [block.code]
  const seen = new Set([block])
  let current = block
  while (current.marker?.kind === 'runs-after') {
    const { heading } = current.marker
    const earlier = blocks.find((candidate) => candidate.heading === heading)
    if (earlier === undefined || seen.has(earlier)) {
      throw new Error(`line ${current.line}: no TypeScript block under "${heading}" to run after`)
    }
    seen.add(earlier)
    parts.unshift(earlier.code)
    current = earlier
  }
  return parts.join('\n')
}
