import { html, nothing, type TemplateResult } from 'lit'
import { DAY_MS, expiryPresets } from '../lib/form-choices.js'
import { expiryOf, expiryRange, formatDate } from '../lib/time.js'
import type { ApiKeysStrings } from '../strings.js'
import { fieldError } from './field-error.js'

/** What the expiry field draws. */
export interface ExpiryFieldState {
  strings: ApiKeysStrings
  locale: string | undefined
  /** When the form is drawn (epoch ms): presets and the date picker's range count from it. */
  now: number
  /** The longest key lifetime, seconds. */
  maxLifetime: number
  /** The option chosen: a preset's days as a string, or `custom`. */
  choice: string
  error: string | undefined
}

/**
 * The expiry: a preset (with the day it ends on) or `custom`, which adds a date picker limited
 * to the lifetime allowed. `onChoice` gets the option chosen.
 */
export function expiryField(
  state: ExpiryFieldState,
  onChoice: (choice: string) => void,
): TemplateResult {
  const { strings, locale, now, maxLifetime, choice, error } = state
  const presets = expiryPresets(maxLifetime)
  const range = expiryRange(now, maxLifetime)
  const lastDay = formatDate(expiryOf(range.max, now, maxLifetime) ?? now, locale)
  const custom = choice === 'custom'
  return html`<div class="field">
        <label for="expiration">${strings.expirationLabel}</label>
        <select
          id="expiration"
          name="expiration"
          aria-describedby=${custom ? nothing : 'expiration-help'}
          @change=${(event: Event) => onChoice((event.target as HTMLSelectElement).value)}
        >
          ${presets.map(
            (days) =>
              html`<option value=${String(days)} ?selected=${choice === String(days)}>
                ${strings.presetDays(days)}
              </option>`,
          )}
          <option value="custom" ?selected=${custom}>${strings.customDate}</option>
        </select>
        ${
          custom
            ? nothing
            : html`<p class="help" id="expiration-help">
              ${strings.expiresOn(formatDate(now + Number(choice) * DAY_MS, locale))}
            </p>`
        }
        ${custom ? nothing : fieldError('expiration-error', error)}
      </div>
      ${
        custom
          ? html`<div class="field">
            <label for="date">${strings.dateLabel}</label>
            <input
              type="date"
              id="date"
              name="date"
              min=${range.min}
              max=${range.max}
              required
              aria-invalid=${error ? 'true' : 'false'}
              aria-describedby=${error ? 'expiration-error date-help' : 'date-help'}
            />
            <p class="help" id="date-help">${strings.dateHelp(lastDay)}</p>
            ${fieldError('expiration-error', error)}
          </div>`
          : nothing
      }`
}
