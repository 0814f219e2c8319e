import { html, nothing, type TemplateResult } from 'lit'
import type { ApiKeysStrings } from '../strings.js'

/**
 * The "Revoke all keys" section, shown only once the keys loaded and one of them may still
 * work (active, or rotated and in its grace period): with nothing to revoke it would only alarm.
 */
export function dangerZoneView(
  strings: ApiKeysStrings,
  revocable: boolean,
  onRevokeAll: () => void,
): TemplateResult | typeof nothing {
  if (!revocable) return nothing
  return html`<section class="danger-zone" part="danger-zone" aria-labelledby="danger-title">
          <div>
            <h3 id="danger-title">${strings.dangerTitle}</h3>
            <p class="muted">${strings.dangerBody}</p>
          </div>
          <button id="revoke-all" class="danger-outline" part="button" @click=${onRevokeAll}>
            ${strings.revokeAll}
          </button>
        </section>`
}
