// Builds dist/keyward-ui.js, the browser bundle: src/browser.ts with Lit, minified ES modules
// (the dialogs, imported with `import()` on first opening, and any code shared with them are
// files of their own beside it, `keyward-ui-*.js`: esbuild's code splitting), the templates' white space collapsed (collapse-templates.mjs) on the way in, and the
// element's private reactive state (`_reveal`, `_menu`…: properties named `_` and a lower-case
// letter, which nothing else in the bundle has; Lit's own start with `_$`) given short names,
// as its private methods and fields (`#…`) already are.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, transform } from 'esbuild'
import { collapseTemplates } from './collapse-templates.mjs'
import { minifyStyles } from './minify-styles.mjs'

// Property names only the package's own code reads and writes (never the server's JSON, the
// public API, `strings`, the DOM, Intl or Lit), so they get short names too: the views' callbacks
// and arguments, the key list's controller, the dialogs' outcomes. A name read with a computed
// key (a form field's errors, a menu action's label) stays out.
const INTERNAL = [
  ...['Retry', 'Toggle', 'ButtonKey', 'MenuKey', 'MenuFocusOut', 'Choose', 'Search', 'Status'],
  ...['More', 'Submit', 'Input', 'Cancel', 'ExpiryChoice', 'Copy', 'Copied', 'Done', 'Keep'],
  'Close',
].map((event) => `on${event}`)
const INTERNAL_PROPERTIES = new RegExp(
  `^(_[a-z].*|${[
    ...INTERNAL,
    ...['pages', 'loadError', 'openMenu', 'dialog', 'errors', 'busy', 'catalog', 'choice'],
    ...['expiryChoice', 'defaults', 'confirming', 'keyId', 'client', 'announcement', 'change'],
    ...['issued', 'kind', 'rate', 'submit', 'listPage', 'query', 'error', 'moreError', 'filtered'],
    ...['revocable', 'reset', 'search', 'more', 'apply', 'openKey', 'focusOpened', 'onKey'],
    ...['onFocusOut', 'spark', 'watch', 'choose', 'toggle'],
  ].join('|')})$`,
)

const ui = fileURLToPath(new URL('..', import.meta.url))

const bundled = await build({
  entryPoints: [{ in: `${ui}src/browser.ts`, out: 'keyward-ui' }],
  outdir: `${ui}dist`,
  write: false,
  bundle: true,
  splitting: true,
  chunkNames: 'keyward-ui-[name]-[hash]',
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  mangleProps: INTERNAL_PROPERTIES,
  logLevel: 'warning',
  plugins: [
    {
      name: 'collapse-templates',
      setup(esbuild) {
        // The package's own sources only; Lit ships minified.
        const own = new RegExp(`^${ui.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}src/.*\\.ts$`)
        esbuild.onLoad({ filter: own }, async (args) => ({
          contents: minifyStyles(collapseTemplates(await readFile(args.path, 'utf8'))),
          loader: 'ts',
        }))
      },
    },
  ],
})

// A second pass of the minifier over each file finds a little more (Lit's code and ours side by
// side): 0.04 kB gzipped.
await mkdir(`${ui}dist`, { recursive: true })
const old = (await readdir(`${ui}dist`)).filter((name) => /^keyward-ui.*\.js$/.test(name))
await Promise.all(old.map((name) => rm(`${ui}dist/${name}`)))
for (const file of bundled.outputFiles) {
  const { code } = await transform(file.text, {
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
  })
  await writeFile(`${ui}dist/${basename(file.path)}`, code)
}
