import { css } from 'lit'

// Why, kept out of the CSS (which ships in the bundle as written):
// - `.name` is sized by its column, not its longest word (`contain: inline-size`), so one
//   over-long word cannot widen the table; names wrap between words and break only inside a
//   word longer than the line.
// - The "…" button and its entries are 44 × 44 px touch targets at every width.
// - Narrow: each key is a card, name and status first, then permissions, limits, dates and
//   its actions, each under its column's name. 52em is where the table stops fitting.
/**
 * The list of keys: a table where it fits, and below 52em of the element's own width (a
 * container query: the element may sit in a narrow column of a wide page) one card per key.
 */
export const keyListStyles = css`
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
    inline-size: 30%;
    min-inline-size: 10em;
    font-weight: 600;
  }
  .name {
    contain: inline-size;
    overflow-wrap: break-word;
    word-break: normal;
    display: block;
  }
  .hint {
    display: block;
    margin-top: 0.15em;
    font-weight: 400;
    color: var(--_muted);
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
    display: block;
    inline-size: fit-content;
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
  .status-suspended {
    color: var(--_warning);
  }
  .reason {
    display: block;
    color: var(--_muted);
    font-size: 0.85em;
    overflow-wrap: anywhere;
  }
  .menu-host {
    position: relative;
  }
  .menu-button {
    min-inline-size: 44px;
    min-block-size: 44px;
    padding: 0 0.6em;
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
    box-shadow: 0 8px 24px var(--_shadow);
    display: flex;
    flex-direction: column;
  }
  [role='menuitem'] {
    border: none;
    text-align: start;
    font-weight: 500;
    width: 100%;
    min-block-size: 44px;
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
  @container keyward (max-width: 52em) {
    .table-wrap {
      border: none;
    }
    table,
    tbody {
      display: block;
    }
    thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    tbody tr {
      display: grid;
      grid-template-columns: minmax(0, 1fr) auto;
      column-gap: 1em;
      margin-bottom: 0.8em;
      padding: 0.8em 1em 0.4em;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
    }
    tbody tr > * {
      display: block;
      grid-column: 1 / -1;
      padding: 0.2em 0;
      border: none;
    }
    tbody th {
      grid-column: 1;
      grid-row: 1;
      min-inline-size: 0;
      inline-size: auto;
      font-size: 1.05em;
    }
    .cell-status {
      grid-column: 2;
      grid-row: 1;
    }
    td[data-label] {
      display: grid;
      grid-template-columns: 7.5em minmax(0, 1fr);
      gap: 0.2em 0.6em;
    }
    td[data-label]::before {
      content: attr(data-label) / "";
      color: var(--_muted);
      font-size: 0.88em;
      font-weight: 600;
    }
    ul.limits {
      min-width: 0;
    }
    ul.scopes code {
      overflow-wrap: anywhere;
    }
    [role='menu'] {
      inset-inline: 0 auto;
      top: 100%;
    }
  }
  @container keyward (max-width: 19em) {
    td[data-label] {
      grid-template-columns: minmax(0, 1fr);
    }
  }
`
