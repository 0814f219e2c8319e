// The text of Lit's css`` templates (those with no `${…}`) through esbuild's CSS minifier:
// shorter numbers and colours (`0.5em` → `.5em`, `#ffffff` → `#fff`), no quotes where a
// selector needs none, no white space around `>` or inside `( … )`. Custom properties' values
// are kept as written. Run after collapse-templates.mjs; everything else of the source is kept.
import { transformSync } from 'esbuild'

/**
 * `source` (TypeScript) with each css`` template's text minified.
 * @param {string} source
 * @returns {string}
 */
export function minifyStyles(source) {
  return source.replace(/\bcss`([^`$\\]*)`/g, (_, text) => {
    const { code } = transformSync(text, { loader: 'css', minify: true })
    return `css\`${code.trim().replace(/[`\\]|\$\{/g, '\\$&')}\``
  })
}
