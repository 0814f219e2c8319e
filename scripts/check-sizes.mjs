// Keeps the code in rooms a reader can take in at once: no source file in packages/*/src over
// 500 lines and no function over 100 lines. errors.ts (one hierarchy, kept together on
// purpose) and the testing kit's case tables (lists of cases, read one case at a time) are
// exempt. Exits 1 and names each offender.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

const MAX_FILE_LINES = 500
const MAX_FUNCTION_LINES = 100
const root = join(import.meta.dirname, '..')
const exempt = [
  /^packages\/core\/src\/errors\.ts$/,
  /^packages\/core\/src\/testing\/(lib\/[a-z-]+-cases|[a-z-]+-conformance|adapter-cases)\.ts$/,
]

const sources = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'dist') return []
    if (statSync(path).isDirectory()) return sources(path)
    return /\.tsx?$/.test(name) && !/\.test(-d)?\.ts$/.test(name) ? [path] : []
  })

const offences = []
for (const pkg of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', pkg, 'src')
  if (!statSync(src, { throwIfNoEntry: false })?.isDirectory()) continue
  for (const path of sources(src)) {
    const file = relative(root, path)
    if (exempt.some((pattern) => pattern.test(file))) continue
    const text = readFileSync(path, 'utf8')
    const lines = text.split('\n').length
    if (lines > MAX_FILE_LINES) offences.push(`${file}: ${lines} lines (at most ${MAX_FILE_LINES})`)
    const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true)
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line
        const end = source.getLineAndCharacterOfPosition(node.end).line
        if (end - start + 1 > MAX_FUNCTION_LINES) {
          const name = node.name?.getText() ?? '(anonymous)'
          offences.push(
            `${file}:${start + 1}: ${name} is ${end - start + 1} lines (at most ${MAX_FUNCTION_LINES})`,
          )
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
}
for (const offence of offences) console.error(offence)
if (offences.length > 0) process.exit(1)
console.log('sizes: every source file and function within bounds')
