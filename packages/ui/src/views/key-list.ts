import { html, nothing, type TemplateResult } from 'lit'
import { type KeyRowContext, keyRowView } from './key-row.js'
import {
  type KeyPagesState,
  type ListControlEvents,
  listFooterView,
  listToolbarView,
} from './list-controls.js'
import type { RowMenuEvents } from './row-menu.js'

/**
 * What the list draws: the pages of keys loaded (no keys while loading) with their query, or
 * why they could not be loaded.
 */
export interface KeyListState extends KeyRowContext {
  pages: KeyPagesState
  loadError: string | undefined
}

/** What the list calls: its rows' menus, its controls, and "Retry" after a failed load. */
export interface KeyListEvents extends RowMenuEvents, ListControlEvents {
  onRetry: () => void
}

/**
 * The keys as a table in the server's order (newest first) under the search box and status
 * filter, with "Load more" below while more remain; or the load failure, "Loading…", or the
 * empty state of an owner without keys.
 */
export function keyListView(state: KeyListState, events: KeyListEvents): TemplateResult {
  const { strings: s, pages } = state
  const listed = pages.keys
  if (state.loadError !== undefined) {
    return html`<div class="problem" role="alert">
        <p>${s.loadFailed(state.loadError)}</p>
        <p><button part="button" @click=${() => events.onRetry()}>${s.retry}</button></p>
      </div>`
  }
  if (!listed) return html`<p class="muted">${s.loading}</p>`
  if (listed.length === 0 && !pages.filtered) {
    return html`<div class="empty" part="empty">
        <h3>${s.emptyTitle}</h3>
        <p class="muted">${s.emptyBody}</p>
      </div>`
  }
  return html`${listToolbarView(s, state.locale, pages, events)}
    ${listed.length === 0 ? nothing : tableView(state, events)}
    ${listFooterView(s, pages, events)}`
}

function tableView(state: KeyListState, events: KeyListEvents): TemplateResult {
  const { strings: s, pages } = state
  return html`<div class="table-wrap">
      <table part="table" aria-labelledby="title" aria-busy=${pages.busy ? 'true' : 'false'}>
        <thead>
          <tr>
            <th scope="col">${s.columnName}</th>
            <th scope="col">${s.columnPermissions}</th>
            <th scope="col">${s.columnLimits}</th>
            <th scope="col">${s.columnCreated}</th>
            <th scope="col">${s.columnLastUsed}</th>
            <th scope="col">${s.columnExpires}</th>
            <th scope="col">${s.columnStatus}</th>
            <th scope="col"><span class="visually-hidden">${s.columnActions}</span></th>
          </tr>
        </thead>
        <tbody>
          ${(pages.keys ?? []).map((key, index) => keyRowView(state, key, index, events))}
        </tbody>
      </table>
    </div>`
}
