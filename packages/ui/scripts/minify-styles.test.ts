import { describe, expect, it } from 'vitest'
import { collapseTemplates } from './collapse-templates.mjs'
import { minifyStyles } from './minify-styles.mjs'

describe('minifyStyles (the browser bundle build)', () => {
  it('minifies css templates and leaves everything else', () => {
    const source = [
      'const a = css`:host{--_x:rgb(0 0 0 / 0.5);color:#ffffff}p > b{margin:0.5em 0 0}`',
      'const b = html`<p>0.5em #ffffff</p>`',
      "const c = '0.5em'",
    ].join('\n')
    expect(minifyStyles(source)).toBe(
      [
        'const a = css`:host{--_x:rgb(0 0 0 / .5);color:#fff}p>b{margin:.5em 0 0}`',
        'const b = html`<p>0.5em #ffffff</p>`',
        "const c = '0.5em'",
      ].join('\n'),
    )
  })

  it('leaves a css template with an expression as it is', () => {
    const source = `const a = css\`p{margin:0.5em}${'$'}{more}\``
    expect(minifyStyles(source)).toBe(source)
  })

  it('collapse then minify: the white space inside light-dark( … ) goes too', () => {
    const source =
      'const a = css`\n  :host {\n    --_bg: light-dark(\n      red,\n      blue\n    );\n  }\n`'
    expect(minifyStyles(collapseTemplates(source))).toBe(
      'const a = css`:host{--_bg:light-dark(red,blue)}`',
    )
  })
})
