import { html, type TemplateResult } from 'lit'
import { NAME_MAX } from '../lib/form-choices.js'
import type { ApiKeysStrings } from '../strings.js'
import { fieldError } from './field-error.js'

/** The key's name, starting at `value` (empty for a new key), with its error if any. */
export function nameField(
  strings: ApiKeysStrings,
  value: string,
  error: string | undefined,
): TemplateResult {
  return html`<div class="field">
      <label for="name">${strings.nameLabel}</label>
      <input
        type="text"
        id="name"
        name="name"
        .value=${value}
        maxlength=${NAME_MAX}
        autocomplete="off"
        required
        autofocus
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? 'name-error name-help' : 'name-help'}
      />
      <p class="help" id="name-help">${strings.nameHelp}</p>
      ${fieldError('name-error', error)}
    </div>`
}
