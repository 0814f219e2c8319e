import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { collapseTemplates } from './collapse-templates.mjs'

/** Source text with `#{` standing for a placeholder's `$` and `{`. */
const source = (...lines: string[]) => lines.join('\n').replaceAll('#{', `${'$'}{`)
const src = fileURLToPath(new URL('../src/', import.meta.url))

describe('collapseTemplates (the browser bundle build)', () => {
  it('leaves the indentation out of html and css templates, nested ones too, and nothing else', () => {
    const input = source(
      '// a `comment` with html`',
      "const s = 'it`s\\n  kept'",
      'const t = `untagged\n    kept #{1}`',
      'const v = html`<p>\n      #{a ? html`<b>\n  x</b>` : `c\n  d`}\n    </p>`',
      'const w = css`\n  :host {\n    color: red;\n  }\n`',
    )
    expect(collapseTemplates(input)).toBe(
      source(
        '// a `comment` with html`',
        "const s = 'it`s\\n  kept'",
        'const t = `untagged\n    kept #{1}`',
        'const v = html`<p> #{a ? html`<b> x</b>` : `c\n  d`} </p>`',
        'const w = css` :host{color:red;}`',
      ),
    )
  })

  it('changes only white space in every source file of the package', () => {
    const files = ['', 'lib/', 'views/'].flatMap((dir) =>
      readdirSync(`${src}${dir}`)
        .filter((name) => name.endsWith('.ts'))
        .map((name) => `${src}${dir}${name}`),
    )
    expect(files.length).toBeGreaterThan(30)
    let collapsed = 0
    for (const file of files) {
      const source = readFileSync(file, 'utf8')
      const result = collapseTemplates(source)
      expect(result.replace(/\s+/g, ''), file).toBe(source.replace(/\s+/g, ''))
      if (result !== source) collapsed++
    }
    expect(collapsed).toBeGreaterThan(10)
  })
})
