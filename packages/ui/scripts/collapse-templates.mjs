// The markup and styles of Lit's html`` and css`` templates with the source's indentation
// left out: in markup, each run of white space that holds a line break becomes one space (HTML
// treats such runs as one space); in styles, runs of white space become one space, and none is
// kept around `{`, `}`, `;` and `,`, inside `(` and `)` or after `:` (where CSS gives white
// space no meaning). The page renders the same. Everything else of the source (code, strings,
// comments, untagged templates) is kept as is.

const TAG = /\b(html|css)\s*$/

/** @type {Record<string, (text: string) => string>} */
const COLLAPSE = {
  html: (text) => text.replace(/[ \t\r]*\n\s*/g, ' '),
  css: (text) =>
    text
      .replace(/\s+/g, ' ')
      .replace(/ ?([{};,]) ?/g, '$1')
      .replace(/\( | \)/g, (pair) => pair.trim())
      .replace(/: /g, ':'),
}

/**
 * `source` (TypeScript) with the text of its `html` and `css` tagged templates collapsed.
 * @param {string} source
 * @returns {string}
 */
export function collapseTemplates(source) {
  return code(source, 0, false)[0]
}

/**
 * Code from `i` to its end, or (`inExpression`) to the `}` closing a template's `${`:
 * [the code with its templates read, the index after it].
 * @param {string} src
 * @param {number} i
 * @param {boolean} inExpression
 * @returns {[string, number]}
 */
function code(src, i, inExpression) {
  let out = ''
  let depth = 0
  while (i < src.length) {
    const c = src[i]
    const next = src[i + 1]
    if (c === '/' && (next === '/' || next === '*')) {
      const end = next === '/' ? src.indexOf('\n', i) : src.indexOf('*/', i) + 2
      const stop = end <= 1 ? src.length : end
      out += src.slice(i, stop)
      i = stop
    } else if (c === "'" || c === '"') {
      let j = i + 1
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1
      out += src.slice(i, j + 1)
      i = j + 1
    } else if (c === '`') {
      const [text, j] = template(src, i + 1, COLLAPSE[TAG.exec(out)?.[1] ?? ''])
      out += `\`${text}`
      i = j
    } else if (c === '\\') {
      out += src.slice(i, i + 2)
      i += 2
    } else {
      if (c === '{') depth++
      if (c === '}') {
        if (inExpression && depth === 0) return [out, i + 1]
        depth--
      }
      out += c
      i++
    }
  }
  if (inExpression) throw new Error('collapseTemplates: a ${ is never closed')
  return [out, i]
}

/**
 * A template literal from `i` (just after its backtick): [its text, expressions and closing
 * backtick, the index after it], the text collapsed by `collapse` when given.
 * @param {string} src
 * @param {number} i
 * @param {((text: string) => string) | undefined} collapse
 * @returns {[string, number]}
 */
function template(src, i, collapse) {
  let out = ''
  let text = ''
  const flush = () => {
    out += collapse ? collapse(text) : text
    text = ''
  }
  while (i < src.length) {
    const c = src[i]
    if (c === '\\') {
      text += src.slice(i, i + 2)
      i += 2
    } else if (c === '`') {
      flush()
      return [`${out}\``, i + 1]
    } else if (c === '$' && src[i + 1] === '{') {
      flush()
      const [expression, j] = code(src, i + 2, true)
      out += `\${${expression}}`
      i = j
    } else {
      text += c
      i++
    }
  }
  throw new Error('collapseTemplates: a template literal is never closed')
}
