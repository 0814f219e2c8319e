import { css } from 'lit'

/**
 * The element's styles, inside its shadow root: nothing leaks in or out. Theme it from
 * outside with the `--keyward-*` custom properties below or `::part(…)`.
 */
export const styles = css`
  :host {
    --_bg: var(--keyward-color-background, #ffffff);
    --_surface: var(--keyward-color-surface, #f6f7f9);
    --_text: var(--keyward-color-text, #1a1d23);
    --_muted: var(--keyward-color-muted, #596070);
    --_border: var(--keyward-color-border, #d5d9e0);
    --_accent: var(--keyward-color-accent, #2454d6);
    --_accent-text: var(--keyward-color-accent-text, #ffffff);
    --_danger: var(--keyward-color-danger, #b42318);
    --_danger-text: var(--keyward-color-danger-text, #ffffff);
    --_warning: var(--keyward-color-warning, #8a4b00);
    --_warning-bg: var(--keyward-color-warning-background, #fff4e0);
    --_success: var(--keyward-color-success, #16703a);
    --_radius: var(--keyward-radius, 8px);
    --_focus: var(--keyward-focus-ring, 0 0 0 3px rgb(36 84 214 / 0.45));
    display: block;
    box-sizing: border-box;
    font: var(--keyward-font, 400 15px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif);
    color: var(--_text);
    background: var(--_bg);
    text-align: start;
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
    font-family: var(--keyward-font-mono, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
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
    outline: none;
    box-shadow: var(--_focus);
  }
  button[disabled] {
    opacity: 0.6;
    cursor: not-allowed;
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
  .table-wrap {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: start;
    padding: 0.7em 0.8em;
    vertical-align: top;
    border-bottom: 1px solid var(--_border);
  }
  tbody tr:last-child > * {
    border-bottom: none;
  }
  thead th {
    font-size: 0.85em;
    font-weight: 600;
    color: var(--_muted);
    background: var(--_surface);
    white-space: nowrap;
  }
  thead th:first-child {
    border-start-start-radius: var(--_radius);
  }
  thead th:last-child {
    border-start-end-radius: var(--_radius);
  }
  tbody th {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .hint {
    white-space: nowrap;
  }
  ul.scopes {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0.3em;
  }
  ul.scopes li {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 999px;
    padding: 0 0.55em;
    font-size: 0.85em;
  }
  ul.limits {
    list-style: none;
    margin: 0;
    padding: 0;
    font-size: 0.9em;
    min-width: 10em;
  }
  .nowrap {
    white-space: nowrap;
  }
  .soon {
    display: inline-block;
    margin-top: 0.2em;
    color: var(--_warning);
    background: var(--_warning-bg);
    border-radius: 999px;
    padding: 0 0.55em;
    font-size: 0.85em;
    font-weight: 600;
    white-space: nowrap;
  }
  .status {
    font-weight: 600;
    white-space: nowrap;
  }
  .status-active {
    color: var(--_success);
  }
  .status-expired,
  .status-rotated {
    color: var(--_muted);
  }
  .status-revoked {
    color: var(--_danger);
  }
  .menu-host {
    position: relative;
  }
  .menu-button {
    padding: 0.2em 0.6em;
    font-size: 1.1em;
    line-height: 1;
  }
  [role='menu'] {
    position: absolute;
    inset-inline-end: 0.8em;
    top: calc(100% - 0.4em);
    z-index: 2;
    min-width: 11em;
    margin: 0;
    padding: 0.3em;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.14);
    display: flex;
    flex-direction: column;
  }
  [role='menuitem'] {
    border: none;
    text-align: start;
    font-weight: 500;
    width: 100%;
    border-radius: calc(var(--_radius) - 2px);
  }
  [role='menuitem']:focus,
  [role='menuitem']:hover {
    background: var(--_surface);
    outline: none;
  }
  [role='menuitem'].danger-item {
    color: var(--_danger);
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
    width: min(36em, calc(100vw - 2em));
    max-height: calc(100vh - 2em);
    overflow: auto;
    padding: 1.5em;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 1.5);
    background: var(--_bg);
    color: var(--_text);
    box-shadow: 0 20px 48px rgb(0 0 0 / 0.25);
  }
  dialog::backdrop {
    background: var(--keyward-backdrop, rgb(15 20 30 / 0.5));
  }
  form {
    margin: 0;
  }
  .field {
    margin-top: 1.1em;
  }
  .field > label,
  fieldset > legend,
  .label {
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
  input[type='date'],
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
    font-family: var(--keyward-font-mono, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
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
