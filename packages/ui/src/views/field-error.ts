import { html, nothing, type TemplateResult } from 'lit'

/** A field's error message, with the id its input's `aria-describedby` names; none without one. */
export function fieldError(
  id: string,
  message: string | undefined,
): TemplateResult | typeof nothing {
  return message ? html`<p class="error" id=${id}>${message}</p>` : nothing
}
