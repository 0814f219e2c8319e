import { html, type TemplateResult } from 'lit'
import type { ApiKeysStrings } from '../strings.js'
import { fieldError } from './field-error.js'

/** The networks a key may be used from, one per line, starting at `entries`, with its error. */
export function allowedIpsField(
  strings: ApiKeysStrings,
  entries: readonly string[],
  error: string | undefined,
): TemplateResult {
  return html`<div class="field">
      <label for="allowed-ips">${strings.allowedIpsLabel}</label>
      <textarea
        id="allowed-ips"
        name="allowedIps"
        rows="3"
        .value=${entries.join('\n')}
        autocomplete="off"
        spellcheck="false"
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? 'allowed-ips-error allowed-ips-help' : 'allowed-ips-help'}
      ></textarea>
      <p class="help" id="allowed-ips-help">${strings.allowedIpsHelp}</p>
      ${fieldError('allowed-ips-error', error)}
    </div>`
}
