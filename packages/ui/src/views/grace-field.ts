import { html, nothing, type TemplateResult } from 'lit'
import { graceChoices } from '../lib/form-choices.js'
import { formatDuration } from '../lib/time.js'
import type { ApiKeysStrings } from '../strings.js'
import { fieldError } from './field-error.js'

/** How long a rotated key keeps working: radios up to `maxGracePeriod` seconds, the first checked. */
export function graceField(
  strings: ApiKeysStrings,
  locale: string | undefined,
  maxGracePeriod: number,
  error: string | undefined,
): TemplateResult {
  const choices = graceChoices(maxGracePeriod)
  return html`<fieldset aria-describedby=${error ? 'grace-error' : nothing}>
      <legend>${strings.graceLabel}</legend>
      ${choices.map(
        (seconds, index) => html`<div class="radio">
          <input
            type="radio"
            id="grace-${index}"
            name="grace"
            value=${String(seconds)}
            ?checked=${index === 0}
            ?autofocus=${index === 0}
          />
          <label for="grace-${index}"
            >${seconds === 0 ? strings.graceNone : strings.graceFor(formatDuration(seconds, locale))}</label
          >
        </div>`,
      )}
      ${fieldError('grace-error', error)}
    </fieldset>`
}
