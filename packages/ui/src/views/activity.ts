import { html, nothing, type TemplateResult } from 'lit'
import type { ActivityLog, ActivityState } from '../lib/activity-log.js'
import { formatDateTime } from '../lib/time.js'
import type { ApiKeysStrings } from '../strings.js'

/** A changed value in words: text as it is, anything else as JSON, absent as a dash. */
const shown = (value: unknown) =>
  value === undefined ? '–' : typeof value === 'string' ? value : JSON.stringify(value)

/**
 * The activity dialog's content: its title, the events newest first (what, when, which key,
 * the fields before and after, who and from where), "Load more" while more remain, and Close.
 */
export function activityView(
  strings: ApiKeysStrings,
  locale: string | undefined,
  state: ActivityState,
  log: Pick<ActivityLog, 'more' | 'close'>,
): TemplateResult {
  const { key } = state
  const empty = state.events.length === 0 && !state.loading && !state.error
  return html`<h2 id="activity-title">${strings.activityTitle(key?.name)}</h2>
    ${state.error ? html`<p class="problem" role="alert">${state.error}</p>` : nothing}
    ${
      empty
        ? html`<p class="muted">${strings.noActivity}</p>`
        : html`<ol class="activity" aria-labelledby="activity-title" aria-busy=${state.loading}>
          ${state.events.map(
            (event) => html`<li>
              <strong>${event.type}</strong>
              ${key === undefined && event.keyId ? html`<code>${event.keyId}</code>` : nothing}
              <time datetime=${event.at}>${formatDateTime(event.at, locale)}</time>
              <ul class="changes">
                ${Object.entries(event.changes ?? {}).map(
                  ([field, change]) =>
                    html`<li>${field}: ${shown(change.before)} → ${shown(change.after)}</li>`,
                )}
              </ul>
              <span class="muted">${strings.activityBy(event.actor, event.clientIp)}</span>
            </li>`,
          )}
        </ol>`
    }
    <div class="actions">
      ${
        state.nextCursor
          ? html`<button type="button" part="button" ?disabled=${state.loading} @click=${() => void log.more()}>
            ${strings.loadMore}
          </button>`
          : nothing
      }
      <button type="button" part="button" class="primary" autofocus @click=${() => log.close()}>
        ${strings.close}
      </button>
    </div>`
}
