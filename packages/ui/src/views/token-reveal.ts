import { html, nothing, type TemplateResult } from 'lit'
import type { ApiKeysStrings } from '../strings.js'

/** The one-time token on show. Dropped (from state and DOM) as soon as its dialog closes. */
export interface Reveal {
  token: string
  /** Whether it is the new token of a rotation, not of a new key. */
  rotated: boolean
  copied: boolean
  copyFailed: boolean
  /** Whether "Done" was pressed before copying, so the page asks to confirm. */
  confirming: boolean
}

/** What the token dialog calls. */
export interface TokenRevealEvents {
  /** "Copy" pressed. */
  onCopy: () => void
  /** The token copied from its field by the person (Ctrl+C, the context menu). */
  onCopied: () => void
  /** "Done" pressed. */
  onDone: () => void
  /** "Go back" pressed, after "Done" without copying. */
  onKeep: () => void
  /** "Close without copying" pressed. */
  onClose: () => void
}

/** The token dialog's content: the token, "Copy", and "Done" (which asks first if not copied). */
export function tokenRevealView(
  strings: ApiKeysStrings,
  reveal: Reveal,
  events: TokenRevealEvents,
): TemplateResult {
  return html`<h2 id="token-title">${reveal.rotated ? strings.rotatedTokenTitle : strings.tokenTitle}</h2>
      <p class="warning" id="token-warning">${strings.tokenWarning}</p>
      <div class="field">
        <label for="token-value">${strings.tokenLabel}</label>
        <div class="token">
          <input
            type="text"
            id="token-value"
            part="token"
            readonly
            spellcheck="false"
            autocomplete="off"
            .value=${reveal.token}
            @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()}
            @copy=${events.onCopied}
          />
          <button
            id="copy"
            class="primary"
            part="button"
            autofocus
            aria-describedby=${reveal.copyFailed ? 'copy-failed' : nothing}
            @click=${events.onCopy}
          >
            ${reveal.copied ? strings.copied : strings.copy}
          </button>
        </div>
        ${reveal.copyFailed ? html`<p class="error" id="copy-failed">${strings.copyFailed}</p>` : nothing}
        <p role="status" class="visually-hidden">${reveal.copied ? strings.copiedAnnouncement : ''}</p>
      </div>
      ${
        reveal.confirming
          ? html`<div class="confirm" role="alert">
            <p>${strings.notCopiedWarning}</p>
            <div class="actions">
              <button id="go-back" part="button" @click=${events.onKeep}>${strings.goBack}</button>
              <button part="button" class="danger" @click=${events.onClose}>${strings.closeAnyway}</button>
            </div>
          </div>`
          : html`<div class="actions">
            <button part="button" class=${reveal.copied ? 'primary' : ''} @click=${events.onDone}>
              ${strings.done}
            </button>
          </div>`
      }`
}
