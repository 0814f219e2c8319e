import { html, type TemplateResult } from 'lit'
import type { ApiKeysStrings } from '../strings.js'

/** The "Revoke all keys" section, its button disabled until the keys loaded. */
export function dangerZoneView(
  strings: ApiKeysStrings,
  canRevokeAll: boolean,
  onRevokeAll: () => void,
): TemplateResult {
  return html`<section class="danger-zone" part="danger-zone" aria-labelledby="danger-title">
          <div>
            <h3 id="danger-title">${strings.dangerTitle}</h3>
            <p class="muted">${strings.dangerBody}</p>
          </div>
          <button
            id="revoke-all"
            class="danger-outline"
            part="button"
            ?disabled=${!canRevokeAll}
            @click=${onRevokeAll}
          >
            ${strings.revokeAll}
          </button>
        </section>`
}
