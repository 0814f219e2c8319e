/**
 * `@keyward/ui`'s browser bundle entry: the same module as `@keyward/ui`, built with Lit
 * inlined into one minified ES module (`dist/keyward-ui.js`), so a page without a build step
 * loads it with one `<script type="module" src="…/keyward-ui.js">`. Loading it defines
 * `<keyward-api-keys>`.
 */
export * from './index.js'
