import { css, unsafeCSS } from 'lit'
import { keyListStyles } from './views/key-list-styles.js'

// Why, kept out of the CSS (which ships in the bundle as written):
// - Each colour is light-dark(light, dark): the host's color-scheme (the theme attribute,
//   else the system's) picks one, and an app can set either side.
// - `container` on the host: the list lays itself out by the width it is given, not the
//   window's, since the element may sit in a narrow column of a wide page.
// - Disabled buttons read as disabled without fading below AA: the text stays legible.
// - The "Load more" footer is no scroll anchor (`overflow-anchor: none`): else the browser
//   keeps it in view as pages are added above it, and its sentinel loads every page.
/**
 * The colours: `--keyward-color-NAME` (light) and `--keyward-dark-color-NAME` (dark) of each
 * [NAME, light default, dark default, the short name the styles use (default NAME)].
 */
const PALETTE: ReadonlyArray<readonly [string, string, string, string?]> = [
  ['background', '#fff', '#16181d', 'bg'],
  ['surface', '#f6f7f9', '#222630'],
  ['text', '#1a1d23', '#e8eaee'],
  ['muted', '#596070', '#a9b0bd'],
  ['border', '#d5d9e0', '#454b57'],
  ['accent', '#2454d6', '#8cb0ff'],
  ['accent-text', '#fff', '#0d1526'],
  ['danger', '#b42318', '#ff9488'],
  ['danger-text', '#fff', '#240a07'],
  ['warning', '#8a4b00', '#f6c27a'],
  ['warning-background', '#fff4e0', '#3b2c12', 'warning-bg'],
  ['success', '#16703a', '#74d69c'],
  ['focus', '#2454d6', '#8cb0ff'],
]

/** `--_bg` and the rest: each colour of {@link PALETTE}, light or dark by the color-scheme. */
const paletteStyles = unsafeCSS(
  `:host{${PALETTE.map(
    ([name, light, dark, short = name]) =>
      `--_${short}:light-dark(var(--keyward-color-${name},${light}),var(--keyward-dark-color-${name},${dark}))`,
  ).join(';')}}`,
)

/**
 * The page's styles, inside its shadow root: nothing leaks in or out. Theme it from outside
 * with the `--keyward-*` custom properties below (`--keyward-color-*` in light,
 * `--keyward-dark-color-*` in dark) or `::part(…)`.
 */
const pageStyles = css`
  :host {
    --_shadow: light-dark(rgb(0 0 0 / .14), rgb(0 0 0 / .5));
    --_radius: var(--keyward-radius, 8px);
    color-scheme: light dark;
    container: keyward / inline-size;
    display: block;
    box-sizing: border-box;
    font: var(--keyward-font, 400 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif);
    color: var(--_text);
    background: var(--_bg);
    text-align: start;
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h2,
  h3 {
    margin: 0;
    line-height: 1.25;
  }
  h2 {
    font-size: 1.35em;
  }
  h3 {
    font-size: 1.1em;
  }
  p {
    margin: 0.25em 0 0;
  }
  code {
    font-family: var(--keyward-font-mono, ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace);
    font-size: 0.92em;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .muted {
    color: var(--_muted);
  }
  header {
    display: flex;
    flex-wrap: wrap;
    gap: 1em;
    align-items: flex-start;
    justify-content: space-between;
    margin-bottom: 1.25em;
  }
  header > div {
    flex: 1 1 20em;
  }
  button {
    font: inherit;
    font-weight: 600;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_text);
    padding: 0.45em 0.95em;
    min-block-size: 2.5em;
    cursor: pointer;
    line-height: 1.3;
  }
  button:hover {
    background: var(--_surface);
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  [tabindex='-1']:focus-visible {
    outline: var(--keyward-focus-width, 3px) solid var(--_focus);
    outline-offset: 2px;
    box-shadow: var(--keyward-focus-ring, none);
  }
  button[disabled],
  button[aria-disabled='true'],
  button.primary[disabled],
  button.danger[aria-disabled='true'] {
    background: var(--_surface);
    border: 1px dashed var(--_muted);
    color: var(--_muted);
    cursor: not-allowed;
    filter: none;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-text);
  }
  button.primary:hover {
    filter: brightness(1.08);
  }
  button.danger {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_danger-text);
  }
  button.danger-outline {
    color: var(--_danger);
    border-color: var(--_danger);
  }
  .empty {
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
    padding: 2em 1em;
    text-align: center;
  }
  .problem {
    color: var(--_danger);
    font-weight: 500;
  }
  ol.activity,
  ul.changes {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  ol.activity > li {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2em 0.6em;
    padding: 0.5em 0;
    border-bottom: 1px solid var(--_border);
  }
  ul.changes {
    flex-basis: 100%;
    font-size: 0.9em;
    overflow-wrap: anywhere;
  }
  svg.usage-chart {
    display: block;
    width: 100%;
    height: 8em;
    border-bottom: 1px solid var(--_border);
  }
  svg.sparkline {
    display: block;
    width: 5em;
    height: 1.2em;
  }
  .valid {
    fill: var(--_accent);
    background: var(--_accent);
  }
  .refused {
    fill: var(--_danger);
    background: var(--_danger);
  }
  .swatch {
    display: inline-block;
    width: 0.8em;
    height: 0.8em;
    margin: 0 0.3em 0 0.8em;
  }
  section.danger-zone {
    margin-top: 2em;
    border: 1px solid var(--_danger);
    border-radius: var(--_radius);
    padding: 1em;
    display: flex;
    flex-wrap: wrap;
    gap: 1em;
    align-items: center;
    justify-content: space-between;
  }
  section.danger-zone > div {
    flex: 1 1 20em;
  }
  section.danger-zone h3 {
    color: var(--_danger);
  }
  dialog {
    width: min(36em, calc(100vw - 1em));
    max-width: calc(100vw - 1em);
    max-height: calc(100dvh - 1em);
    overflow: auto;
    overscroll-behavior: contain;
    padding: clamp(1em, 4vw, 1.5em);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 1.5);
    background: var(--_bg);
    color: var(--_text);
    box-shadow: 0 20px 48px var(--_shadow);
  }
  dialog::backdrop {
    background: var(--keyward-backdrop, rgb(15 20 30 / .5));
  }
  form {
    margin: 0;
  }
  .field {
    margin-top: 1.1em;
  }
  .field > label,
  fieldset > legend {
    display: block;
    font-weight: 600;
    margin-bottom: 0.3em;
  }
  fieldset {
    border: none;
    margin: 1.1em 0 0;
    padding: 0;
    min-width: 0;
  }
  fieldset.group {
    margin-top: 0.6em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.5em 0.8em 0.7em;
  }
  fieldset.group > legend {
    font-size: 0.9em;
    padding: 0 0.3em;
    margin: 0;
  }
  input[type='text'],
  input[type='search'],
  input[type='date'],
  textarea,
  select {
    font: inherit;
    color: inherit;
    background: var(--_bg);
    width: 100%;
    padding: 0.45em 0.6em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .inline {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4em 0.6em;
    margin-top: 0.6em;
  }
  .inline input,
  .inline select {
    width: 8em;
  }
  .inline > label:first-child {
    min-width: 5.5em;
  }
  .toolbar {
    margin-bottom: 0.6em;
  }
  .toolbar input {
    width: 16em;
    max-width: 100%;
  }
  .more {
    overflow-anchor: none;
    margin-top: 1em;
    text-align: center;
  }
  [aria-invalid='true'] {
    border-color: var(--_danger) !important;
  }
  .help {
    font-size: 0.88em;
    color: var(--_muted);
    margin-top: 0.3em;
  }
  .error {
    font-size: 0.9em;
    color: var(--_danger);
    font-weight: 600;
    margin-top: 0.3em;
  }
  .check {
    display: grid;
    grid-template-columns: auto 1fr;
    column-gap: 0.55em;
    align-items: baseline;
    padding: 0.25em 0;
  }
  .check input {
    margin: 0;
    inline-size: 1.05em;
    block-size: 1.05em;
    accent-color: var(--_accent);
  }
  .check .help {
    grid-column: 2;
    margin: 0;
  }
  .radio {
    display: flex;
    gap: 0.55em;
    align-items: baseline;
    padding: 0.2em 0;
  }
  .radio input {
    accent-color: var(--_accent);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 0.6em;
    margin-top: 1.5em;
  }
  .warning {
    margin-top: 0.9em;
    padding: 0.7em 0.9em;
    border-radius: var(--_radius);
    background: var(--_warning-bg);
    color: var(--_warning);
    font-weight: 500;
  }
  .token {
    display: flex;
    gap: 0.5em;
    align-items: stretch;
    margin-top: 1em;
  }
  .token input {
    flex: 1;
    min-width: 0;
    font-family: var(--keyward-font-mono, ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace);
    font-size: 0.92em;
    background: var(--_surface);
  }
  .confirm {
    margin-top: 1em;
    padding: 0.8em 0.9em;
    border: 1px solid var(--_danger);
    border-radius: var(--_radius);
  }
`

/**
 * The element's styles, inside its shadow root: the colours, the page's, then the key list's (which owns
 * the narrow-width cards).
 */
export const styles = [paletteStyles, pageStyles, keyListStyles]
