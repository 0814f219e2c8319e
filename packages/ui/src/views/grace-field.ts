import { html, nothing, type TemplateResult } from 'lit'
import { FIRST_USE, graceChoices } from '../lib/form-choices.js'
import { formatDuration } from '../lib/time.js'
import type { ApiKeysStrings } from '../strings.js'
import { fieldError } from './field-error.js'

/**
 * How long a rotated key keeps working: until the new key's first use (checked: no guessing how
 * long the switch takes), or for a fixed time up to `maxGracePeriod` seconds.
 */
export function graceField(
  strings: ApiKeysStrings,
  locale: string | undefined,
  maxGracePeriod: number,
  error: string | undefined,
): TemplateResult {
  const choices = graceChoices(maxGracePeriod)
  const longest = formatDuration(maxGracePeriod, locale)
  return html`<fieldset aria-describedby=${error ? 'grace-error' : nothing}>
      <legend>${strings.graceLabel}</legend>
      <div class="radio">
        <input type="radio" id="grace-first-use" name="grace" value=${FIRST_USE} checked autofocus />
        <label for="grace-first-use">${strings.graceUntilFirstUse(longest)}</label>
      </div>
      ${choices.map(
        (seconds, index) => html`<div class="radio">
          <input
            type="radio"
            id="grace-${index}"
            name="grace"
            value=${String(seconds)}
          />
          <label for="grace-${index}"
            >${seconds === 0 ? strings.graceNone : strings.graceFor(formatDuration(seconds, locale))}</label
          >
        </div>`,
      )}
      ${fieldError('grace-error', error)}
    </fieldset>`
}
