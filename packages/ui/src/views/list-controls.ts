import { html, nothing, type TemplateResult } from 'lit'
import type { KeyPages } from '../lib/key-pages.js'
import { intl } from '../lib/time.js'
import type { ApiKeysStrings } from '../strings.js'
import { KEY_STATUSES, type KeyStatus } from '../types.js'

/** What the list's search box, status filter, count and "Load more" show. */
export type KeyPagesState = Pick<
  KeyPages,
  'keys' | 'query' | 'filtered' | 'nextCursor' | 'moreError' | 'busy'
>

/** What they call. */
export interface ListControlEvents {
  /** The search box changed. */
  onSearch: (name: string) => void
  /** A status chosen ('' for all). */
  onStatus: (status: KeyStatus | '') => void
  /** "Load more" pressed. */
  onMore: () => void
}

/**
 * The search box (a prefix of the name), the status filter, and the count of keys shown in a
 * polite live region ("No keys match" when a search or filter leaves none).
 */
export function listToolbarView(
  s: ApiKeysStrings,
  locale: string | undefined,
  { keys = [], query, nextCursor }: KeyPagesState,
  events: ListControlEvents,
): TemplateResult {
  const count = keys.length
  return html`<div class="inline toolbar" part="toolbar">
      <label for="search">${s.searchLabel}</label>
      <input
        id="search"
        type="search"
        maxlength="100"
        .value=${query.name}
        @input=${(event: Event) => events.onSearch((event.target as HTMLInputElement).value)}
      />
      <label for="status-filter">${s.columnStatus}</label>
      <select
        id="status-filter"
        @change=${(event: Event) => events.onStatus((event.target as HTMLSelectElement).value as KeyStatus)}
      >
        <option value="">${s.allStatuses}</option>
        ${KEY_STATUSES.map(
          (status) =>
            html`<option value=${status} ?selected=${query.status === status}>${s.status[status]}</option>`,
        )}
      </select>
    </div>
    <p class="muted" role="status" part="count">
      ${count === 0 && nextCursor === null ? s.noMatch : s.showing(intl(Intl.NumberFormat, locale, {}).format(count), count)}
    </p>`
}

/**
 * Below the list while more keys remain: why the last page failed, "Load more" (for the
 * keyboard and screen readers), and the sentinel whose scrolling into view loads it too.
 */
export function listFooterView(
  s: ApiKeysStrings,
  { nextCursor, moreError }: KeyPagesState,
  events: ListControlEvents,
): TemplateResult | typeof nothing {
  if (nextCursor === null) return nothing
  return html`<div class="more">
      ${moreError === undefined ? nothing : html`<p class="problem" role="alert">${s.loadFailed(moreError)}</p>`}
      <button id="load-more" part="button load-more" @click=${() => events.onMore()}>${s.loadMore}</button>
      <div id="more-sentinel"></div>
    </div>`
}
