import { html, nothing, type TemplateResult } from 'lit'
import { DAY_S, REFILL_CHOICES, WINDOW_CHOICES } from '../lib/form-choices.js'
import type { FieldErrors } from '../lib/form-errors.js'
import { formatWindow } from '../lib/time.js'
import type { ApiKeysStrings } from '../strings.js'
import type { ApiKeyJson } from '../types.js'
import { fieldError } from './field-error.js'

/** What the limits fieldset draws. */
export interface LimitsFieldState {
  strings: ApiKeysStrings
  locale: string | undefined
  errors: FieldErrors
  /** The deployment's rate limits in words, named in the help as what applies without one. */
  defaults: string[]
  /** The key whose limits are changed; none for a new key (the fields start empty). */
  key?: ApiKeyJson | undefined
}

/**
 * The limits fieldset: one rate limit (the key's first; any others are kept as they are)
 * and the credits with their refill, empty for none.
 */
export function limitsField(state: LimitsFieldState): TemplateResult {
  const { strings, locale, errors, key } = state
  const rate = key?.rateLimits?.[0]
  const credits = key?.credits
  return html`<fieldset aria-describedby="limits-help">
      <legend>${strings.limitsLabel}</legend>
      <p class="help" id="limits-help">${strings.limitsHelp(state.defaults.join(', ') || undefined)}</p>
      <div class="inline">
        ${countInput('rate-limit', 'rateLimit', strings.requestsLabel, rate?.limit, errors.rateLimit)}
        ${secondsSelect('rate-window', 'rateWindow', strings.perLabel, WINDOW_CHOICES, rate?.window ?? 60, locale)}
      </div>
      ${fieldError('rate-limit-error', errors.rateLimit)}
      <div class="inline">
        ${countInput('credits', 'credits', strings.creditsLabel, credits?.remaining, errors.credits, 'credits-help')}
      </div>
      <p class="help" id="credits-help">${strings.creditsHelp}</p>
      ${fieldError('credits-error', errors.credits)}
      <div class="inline">
        ${countInput('refill', 'refill', strings.refillLabel, credits?.refill?.amount, errors.refill)}
        ${secondsSelect('refill-every', 'refillEvery', strings.everyLabel, REFILL_CHOICES, credits?.refill?.interval ?? 30 * DAY_S, locale)}
      </div>
      ${fieldError('refill-error', errors.refill)}
    </fieldset>`
}

/** A labelled text input for a whole number, empty for `undefined`. */
function countInput(
  id: string,
  name: string,
  label: string,
  value: number | undefined,
  error: string | undefined,
  describedBy = '',
): TemplateResult {
  return html`<label for=${id}>${label}</label>
      <input
        type="text"
        inputmode="numeric"
        autocomplete="off"
        id=${id}
        name=${name}
        .value=${value === undefined ? '' : String(value)}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${`${error ? `${id}-error ` : ''}${describedBy}`.trim() || nothing}
      />`
}

/** A labelled choice of a window or interval: `choices` and `value` (seconds), shortest first. */
function secondsSelect(
  id: string,
  name: string,
  label: string,
  choices: number[],
  value: number,
  locale: string | undefined,
): TemplateResult {
  return html`<label for=${id}>${label}</label>
        <select id=${id} name=${name}>
          ${[...new Set([...choices, value])]
            .sort((a, b) => a - b)
            .map(
              (seconds) =>
                html`<option value=${String(seconds)} ?selected=${seconds === value}>
                  ${formatWindow(seconds, locale)}
                </option>`,
            )}
        </select>`
}
