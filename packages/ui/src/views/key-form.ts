import { html, nothing, type TemplateResult } from 'lit'
import { type FormDialog, isDestructive } from '../lib/form-dialog.js'
import type { FieldErrors } from '../lib/form-errors.js'
import { rateLimitsInWords } from '../lib/limits-in-words.js'
import { formatDate } from '../lib/time.js'
import type { ApiKeysStrings } from '../strings.js'
import type { ApiKeyJson, Catalog } from '../types.js'
import { allowedIpsField } from './allowed-ips-field.js'
import { deleteConfirmation, revokeAllConfirmation } from './confirmations.js'
import { expiryField } from './expiry-field.js'
import { graceField } from './grace-field.js'
import { limitsField } from './limits-field.js'
import { nameField } from './name-field.js'
import { scopesField } from './scopes-field.js'
import { suspendBody } from './suspension.js'

/** What the form dialog draws. */
export interface KeyFormState {
  strings: ApiKeysStrings
  locale: string | undefined
  dialog: FormDialog
  errors: FieldErrors
  /** Whether its request is under way (the submit button is disabled meanwhile). */
  busy: boolean
  /** Loaded before any dialog can open; creating, rotating and extending read it. */
  catalog: Catalog | undefined
  /** The expiry option chosen, a preset's days or `custom`. */
  expiryChoice: string
  /** When the form is drawn (epoch ms). */
  now: number
}

/** What the form dialog calls. */
export interface KeyFormEvents {
  onSubmit: (event: SubmitEvent) => void
  /** Any field changed (its error goes away). */
  onInput: (event: Event) => void
  /** "Cancel" pressed. */
  onCancel: () => void
  /** Another expiry option chosen. */
  onExpiryChoice: (choice: string) => void
}

/** The form dialog's content: title, the form-wide error, the dialog's fields, Cancel and submit. */
export function keyFormView(state: KeyFormState, events: KeyFormEvents): TemplateResult {
  const { strings, dialog, errors } = state
  // Each kind's strings are named after it: `rotateTitle` (of the key's name), `rotateSubmit`.
  const title = strings[`${dialog.kind}Title`]
  const submit = strings[`${dialog.kind}Submit`]
  const name = 'key' in dialog ? dialog.key.name : ''
  const danger = isDestructive(dialog)
  return html`<form novalidate @submit=${events.onSubmit} @input=${events.onInput}>
      <h2 id="dialog-title">${typeof title === 'string' ? title : title(name)}</h2>
      ${
        errors.form
          ? html`<p class="problem" role="alert" id="form-error" tabindex="-1">${errors.form}</p>`
          : nothing
      }
      ${formBody(state, events)}
      <div class="actions">
        <button type="button" part="button" ?autofocus=${dialog.kind === 'delete'} @click=${events.onCancel}>
          ${strings.cancel}
        </button>
        <button
          type="submit"
          part="button"
          class=${danger ? 'danger' : 'primary'}
          ?disabled=${state.busy}
          aria-disabled=${dialog.kind === 'revokeAll' ? 'true' : nothing}
          aria-describedby=${danger ? 'dialog-description' : nothing}
        >
          ${submit}
        </button>
      </div>
    </form>`
}

/** The fields and text of each kind of dialog. */
function formBody(state: KeyFormState, events: KeyFormEvents): TemplateResult {
  const { strings: s, locale, dialog, errors } = state
  // Set whenever a dialog can open: the page loads keys and catalog together.
  const catalog = state.catalog!
  const expiry = () =>
    expiryField(
      {
        strings: s,
        locale,
        now: state.now,
        maxLifetime: catalog.maxLifetime,
        choice: state.expiryChoice,
        error: errors.expiration,
      },
      events.onExpiryChoice,
    )
  const limits = (key?: ApiKeyJson) =>
    limitsField({
      strings: s,
      locale,
      errors,
      defaults: rateLimitsInWords(s, state.catalog?.defaultRateLimits ?? [], locale),
      key,
    })
  switch (dialog.kind) {
    case 'create':
      return html`${nameField(s, '', errors.name)}${expiry()}${scopesField(s, catalog, errors.scopes)}
          ${limits()}${allowedIpsField(s, [], errors.allowedIps)}`
    case 'rotate':
      return html`<p class="muted">${s.rotateBody}</p>
          ${graceField(s, locale, catalog.maxGracePeriod, errors.grace)}`
    case 'extend':
      return html`<p class="muted">
            ${s.extendBody(formatDate(dialog.key.expiresAt, locale))}
          </p>
          ${expiry()}`
    case 'rename':
      return nameField(s, dialog.key.name, errors.name)
    case 'limits':
      return limits(dialog.key)
    case 'allowedIps':
      return allowedIpsField(s, dialog.key.allowedIps ?? [], errors.allowedIps)
    case 'suspend':
      return suspendBody(s, errors.reason)
    case 'resume':
      return html`<p class="muted">${s.resumeBody}</p>`
    case 'delete':
      return deleteConfirmation(s, dialog.key)
    case 'revokeAll':
      return revokeAllConfirmation(s, errors.confirm)
  }
}
