// Builds dist/keyward-ui.js, the browser bundle: src/browser.ts with Lit, one minified ES
// module, the templates' white space collapsed (collapse-templates.mjs) on the way in, and the
// element's private reactive state (`_reveal`, `_menu`…: properties named `_` and a lower-case
// letter, which nothing else in the bundle has; Lit's own start with `_$`) given short names,
// as its private methods and fields (`#…`) already are.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { collapseTemplates } from './collapse-templates.mjs'

const ui = fileURLToPath(new URL('..', import.meta.url))

await build({
  entryPoints: [`${ui}src/browser.ts`],
  outfile: `${ui}dist/keyward-ui.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  mangleProps: /^_[a-z]/,
  logLevel: 'warning',
  plugins: [
    {
      name: 'collapse-templates',
      setup(esbuild) {
        // The package's own sources only; Lit ships minified.
        const own = new RegExp(`^${ui.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}src/.*\\.ts$`)
        esbuild.onLoad({ filter: own }, async (args) => ({
          contents: collapseTemplates(await readFile(args.path, 'utf8')),
          loader: 'ts',
        }))
      },
    },
  ],
})
