import { html, type TemplateResult } from 'lit'
import type { ApiKeyJson } from '../types.js'
import { type KeyRowContext, keyRowView } from './key-row.js'
import type { RowMenuEvents } from './row-menu.js'

/** What the list draws: the keys (`undefined` while loading) or why they could not be loaded. */
export interface KeyListState extends KeyRowContext {
  keys: readonly ApiKeyJson[] | undefined
  loadError: string | undefined
}

/** What the list calls: its rows' menus, and "Retry" after a failed load. */
export interface KeyListEvents extends RowMenuEvents {
  onRetry: () => void
}

/** The keys as a table, newest first; or the load failure, "Loading…", or the empty state. */
export function keyListView(state: KeyListState, events: KeyListEvents): TemplateResult {
  const { strings: s, keys: listed } = state
  if (state.loadError !== undefined) {
    return html`<div class="problem" role="alert">
        <p>${s.loadFailed(state.loadError)}</p>
        <p><button part="button" @click=${() => events.onRetry()}>${s.retry}</button></p>
      </div>`
  }
  if (!listed) return html`<p class="muted">${s.loading}</p>`
  if (listed.length === 0) {
    return html`<div class="empty" part="empty">
        <h3>${s.emptyTitle}</h3>
        <p class="muted">${s.emptyBody}</p>
      </div>`
  }
  const keys = [...listed].sort((a, b) => b.createdAt.localeCompare(a.createdAt))
  return html`<div class="table-wrap">
      <table part="table" aria-labelledby="title">
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
          ${keys.map((key, index) => keyRowView(state, key, index, events))}
        </tbody>
      </table>
    </div>`
}
