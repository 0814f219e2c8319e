import { html, type TemplateResult } from 'lit'
import type { ApiKeysStrings } from '../strings.js'
import { fieldError } from './field-error.js'

/** The longest reason the server keeps for a suspension. */
const REASON_MAX = 200

/** The body of the suspend dialog: what suspending does, and the optional reason. */
export function suspendBody(strings: ApiKeysStrings, error: string | undefined): TemplateResult {
  return html`<p class="muted">${strings.suspendBody}</p>
      <div class="field">
        <label for="reason">${strings.reasonLabel}</label>
        <input
          type="text"
          id="reason"
          name="reason"
          maxlength=${REASON_MAX}
          autocomplete="off"
          autofocus
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${error ? 'reason-error reason-help' : 'reason-help'}
        />
        <p class="help" id="reason-help">${strings.reasonHelp}</p>
        ${fieldError('reason-error', error)}
      </div>`
}
