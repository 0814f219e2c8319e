/**
 * What the example apps serve for the "Settings → API Keys" page: the HTML page and the
 * `<keyward-api-keys>` component bundled for the browser. Node only (it runs esbuild), so the
 * apps' `main.ts` (or a Node-only route) imports it, never code meant for edge runtimes.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** Where the page loads the component from; the apps serve {@link componentBundle} there. */
export const componentBundlePath = '/settings/keyward-api-keys.js'

/**
 * The settings page: a complete HTML document titled "Settings → API Keys" that loads the
 * component bundle as a module and mounts `<keyward-api-keys api="/api-keys">`, which talks to
 * the management API with the page's session cookie.
 */
export function settingsPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Settings → API Keys</title>
  <script type="module" src="${componentBundlePath}"></script>
  <style>
    :root { color-scheme: light dark; }
    body { margin: 0; font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; color: light-dark(#1a1d23, #e6e8ee); background: light-dark(#eef0f4, #0f1115); }
    header { background: #1a1d23; color: #fff; padding: 0.8em 1.5em; }
    header strong { font-size: 1.05em; }
    main { max-width: 72em; margin: 2em auto; padding: 0 1em; }
    h1 { font-size: 1.6em; margin: 0 0 0.8em; }
    .card { background: light-dark(#fff, #16181d); border-radius: 12px; padding: 1.5em; box-shadow: 0 1px 3px rgb(0 0 0 / 0.08); }
    keyward-api-keys:not(:defined) { display: block; min-height: 12em; }
    footer { max-width: 72em; margin: 0 auto 2em; padding: 0 1em; color: light-dark(#4a5060, #aeb4c2); }
    footer p { font-size: 0.9em; }
  </style>
</head>
<body>
  <header><strong>Keyward demo</strong> · Demo organisation</header>
  <main>
    <h1>Settings → API Keys</h1>
    <div class="card">
      <keyward-api-keys api="/api-keys"></keyward-api-keys>
    </div>
  </main>
  <footer>
    <p>Use a key from a terminal: <code>curl -H "Authorization: Bearer $KEY" <span id="origin"></span>/v1/projects</code></p>
  </footer>
  <script type="module">document.getElementById('origin').textContent = location.origin</script>
</body>
</html>
`
}

const entry = fileURLToPath(new URL('../../../packages/ui/src/index.ts', import.meta.url))
let bundle: Promise<string> | undefined

/**
 * `@keyward/ui` (with Lit) bundled for browsers as one minified ES module, built with esbuild
 * on first call and kept in memory; a failed build is retried on the next call. Without code
 * splitting esbuild inlines the element's dynamic `import()` of its dialogs, so there is no
 * chunk to serve beside it (the published `dist/keyward-ui.js` does split: a page serving it
 * serves its `keyward-ui-*.js` chunks too).
 */
export function componentBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
  }).then(
    (result) => result.outputFiles[0]?.text ?? '',
    (error: unknown) => {
      bundle = undefined
      throw error
    },
  )
  return bundle
}
