import { html, type TemplateResult } from 'lit'
import type { ApiKeysStrings } from '../strings.js'

/**
 * The page's title, introduction and "Create new API key +" button (disabled until the catalog
 * loaded). The title is for screen readers and the list's name only: the page around the
 * element already says "API keys" in its own heading, and saying it twice read as a glitch.
 * Show it with `::part(title)` (e.g. `position: static; width: auto; height: auto; clip: auto`).
 */
export function pageHeaderView(
  strings: ApiKeysStrings,
  canCreate: boolean,
  onCreate: () => void,
  onActivity: () => void,
): TemplateResult {
  return html`<header part="header">
          <div>
            <h2 id="title" class="visually-hidden" part="title">${strings.title}</h2>
            <p class="muted">${strings.intro}</p>
          </div>
          <button id="activity" part="button activity-button" @click=${onActivity}>
            ${strings.activity}
          </button>
          <button
            id="create"
            class="primary"
            part="button create-button"
            ?disabled=${!canCreate}
            @click=${onCreate}
          >
            ${strings.create} <span aria-hidden="true">+</span>
          </button>
        </header>`
}
