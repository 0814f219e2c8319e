import { html, nothing, type TemplateResult } from 'lit'
import type { ApiKeysStrings } from '../strings.js'
import type { ApiKeyJson } from '../types.js'
import { fieldError } from './field-error.js'

// The bodies of the two destructive dialogs. Their text has the id the submit button's
// `aria-describedby` names, so the button is announced with what it destroys.

/** Deleting one key: names it and its hint. */
export function deleteConfirmation(strings: ApiKeysStrings, key: ApiKeyJson): TemplateResult {
  return html`<p id="dialog-description">${strings.deleteBody(key.name, key.hint)}</p>`
}

/**
 * Revoking every key: asks for the confirmation word to be typed, with its error if any. The
 * submit button stays `aria-disabled` (still focusable, and pressing it says what is missing)
 * until the word matches.
 */
export function revokeAllConfirmation(
  strings: ApiKeysStrings,
  error: string | undefined,
): TemplateResult {
  return html`<p id="dialog-description">${strings.revokeAllBody}</p>
          <div class="field">
            <label for="confirm">${strings.revokeAllPrompt(strings.revokeAllWord)}</label>
            <input
              type="text"
              id="confirm"
              name="confirm"
              autocomplete="off"
              spellcheck="false"
              autofocus
              @input=${(event: Event) => markConfirmed(event, strings.revokeAllWord)}
              aria-invalid=${error ? 'true' : 'false'}
              aria-describedby=${error ? 'confirm-error' : nothing}
            />
            ${fieldError('confirm-error', error)}
          </div>`
}

/** Enables the form's submit button (visually and for assistive technology) once `word` is typed. */
function markConfirmed(event: Event, word: string): void {
  const input = event.currentTarget as HTMLInputElement
  const submit = input.form?.querySelector('button[type="submit"]')
  submit?.setAttribute('aria-disabled', String(input.value !== word))
}
