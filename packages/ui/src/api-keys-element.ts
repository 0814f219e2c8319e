import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit'
import type { ApiKeysChangeDetail } from './change-detail.js'
import { type DialogOutcome, dialogRequest } from './lib/dialog-requests.js'
import { defaultExpiryChoice } from './lib/form-choices.js'
import { type FormDialog, isDestructive } from './lib/form-dialog.js'
import { errorsOf, type FieldErrors, fieldOfInput, messageOf } from './lib/form-errors.js'
import { createManagementClient, type ManagementClient } from './lib/management-client.js'
import { menuButtonIn, menuItemsIn, menuKeyOutcome } from './lib/menu-keys.js'
import { openModal } from './lib/modal.js'
import { type ApiKeysStrings, defaultStrings } from './strings.js'
import { styles } from './styles.js'
import type { ApiKeyJson, Catalog } from './types.js'
import { dangerZoneView } from './views/danger-zone.js'
import { type KeyFormEvents, keyFormView } from './views/key-form.js'
import { type KeyListEvents, keyListView } from './views/key-list.js'
import { pageHeaderView } from './views/page-header.js'
import type { MenuAction } from './views/row-menu.js'
import { type Reveal, type TokenRevealEvents, tokenRevealView } from './views/token-reveal.js'

export type { ApiKeysChangeDetail } from './change-detail.js'

/** Where focus returns when the dialogs close: a key's "…" button, or a page button. */
type FocusReturn = { keyId: string } | 'create' | 'revoke-all'

/**
 * `<keyward-api-keys>`: the "Settings → API Keys" page of a signed-in person, as a web
 * component talking to Keyward's management API (same origin, with the page's session cookie).
 *
 * It lists the viewer's organisation's keys and lets them create a key (name, expiry within the
 * server's `maxLifetime`, permissions they may grant, optional limits and allowed IPs), copy
 * its token once, rotate, extend, rename, change the limits or allowed IPs of, suspend, resume
 * and delete keys, and revoke them all. Everything renders in a shadow root; theme it
 * with `--keyward-*` custom properties and `::part()`, and translate it with `strings`.
 *
 * @fires keyward-change - after a key was created, rotated, updated (suspended and resumed
 *   too) or deleted, or all were revoked; `detail` is an {@link ApiKeysChangeDetail}. Bubbles
 *   and crosses shadow roots.
 * @csspart container - the whole page section
 * @csspart header - the title, introduction and create button
 * @csspart create-button - "Create new API key +"
 * @csspart table - the list of keys
 * @csspart row - one key's row
 * @csspart expiry-warning - the "Expires in 6 days" badge
 * @csspart menu-button - a key's "…" button
 * @csspart menu - a key's open menu
 * @csspart menu-item - an entry of that menu
 * @csspart empty - the empty state
 * @csspart danger-zone - the "Revoke all keys" section
 * @csspart dialog - every dialog
 * @csspart token-dialog - the dialog showing a new token
 * @csspart token - the one-time token field
 * @csspart button - every button
 */
export class KeywardApiKeys extends LitElement {
  static override styles = styles

  static override properties = {
    api: { type: String },
    locale: { type: String },
    expiryWarningDays: { type: Number, attribute: 'expiry-warning-days' },
    theme: { type: String, reflect: true },
    strings: { attribute: false },
    headers: { attribute: false },
    _keys: { state: true },
    _catalog: { state: true },
    _loadError: { state: true },
    _dialog: { state: true },
    _errors: { state: true },
    _busy: { state: true },
    _reveal: { state: true },
    _menu: { state: true },
    _expiryChoice: { state: true },
    _announcement: { state: true },
  }

  /**
   * Base URL of the management API (attribute `api`). Default `/api-keys`. Requests go to the
   * same origin with the page's cookies; changing it reloads the list.
   */
  declare api: string
  /** BCP 47 language for dates and durations (attribute `locale`). Default: the browser's. */
  declare locale: string | undefined
  /** How close to its expiry (days) a key shows a warning (attribute `expiry-warning-days`). Default 7. */
  declare expiryWarningDays: number
  /**
   * Colour scheme (attribute `theme`): `light`, `dark`, or `auto` to follow the system's
   * `prefers-color-scheme`. Default `auto`. Reflected, since the styles select on it.
   */
  declare theme: 'light' | 'dark' | 'auto'
  /** Texts replacing {@link defaultStrings}, some or all. Default: none (English). */
  declare strings: Partial<ApiKeysStrings>
  /** Extra headers on every request, e.g. the app's own CSRF token. Default: none. */
  declare headers: Record<string, string>

  private declare _keys: ApiKeyJson[] | undefined
  private declare _catalog: Catalog | undefined
  private declare _loadError: string | undefined
  private declare _dialog: FormDialog | undefined
  private declare _errors: FieldErrors
  private declare _busy: boolean
  private declare _reveal: Reveal | undefined
  private declare _menu: string | undefined
  private declare _expiryChoice: string
  private declare _announcement: string
  private _menuFocus: 'first' | 'last' | undefined
  private _focusReturn: FocusReturn | undefined
  private _loads = 0

  // The views' callbacks, bound once (the views never see the element).
  private readonly _listEvents: KeyListEvents = {
    onRetry: () => void this.reload(),
    onToggle: (keyId) => this._toggleMenu(keyId, 'first'),
    onButtonKey: (event, keyId) => this._onMenuButtonKey(event, keyId),
    onMenuKey: (event) => this._onMenuKey(event),
    onMenuFocusOut: (event) => this._onMenuFocusOut(event),
    onChoose: (action, key) => this._choose(action, key),
  }
  private readonly _formEvents: KeyFormEvents = {
    onSubmit: (event) => void this._onSubmit(event),
    onInput: (event) => this._onInput(event),
    onCancel: () => this._closeForm(),
    onExpiryChoice: (choice) => {
      this._expiryChoice = choice
    },
  }
  private readonly _revealEvents: TokenRevealEvents = {
    onCopy: () => void this._copyToken(),
    onCopied: () => this._onTokenCopied(),
    onDone: () => void this._finishReveal(),
    onKeep: () => void this._keepReveal(),
    onClose: () => this._closeReveal(),
  }

  constructor() {
    super()
    this.api = '/api-keys'
    this.locale = undefined
    this.expiryWarningDays = 7
    this.theme = 'auto'
    this.strings = {}
    this.headers = {}
    this._errors = {}
    this._busy = false
    this._expiryChoice = 'custom'
    this._announcement = ''
  }

  /** Reloads the keys and the catalog from the server. */
  async reload(): Promise<void> {
    const load = ++this._loads
    this._loadError = undefined
    try {
      const client = this._client()
      const [keys, catalog] = await Promise.all([client.list(), client.catalog()])
      if (load !== this._loads) return
      this._keys = keys
      this._catalog = catalog
    } catch (error) {
      if (load !== this._loads) return
      this._loadError = messageOf(error)
    }
  }

  private _client(): ManagementClient {
    return createManagementClient(this.api, () => this.headers)
  }

  private get _s(): ApiKeysStrings {
    return { ...defaultStrings, ...this.strings }
  }

  private get _locale(): string | undefined {
    return this.locale ?? (this.closest('[lang]')?.getAttribute('lang') || undefined)
  }

  private _byId<T extends HTMLElement>(id: string): T | null {
    return this.renderRoot.querySelector<T>(`#${id}`)
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('api')) void this.reload()
    const form = this._byId<HTMLDialogElement>('form-dialog')
    const token = this._byId<HTMLDialogElement>('token-dialog')
    // Focus returns at once when the page closes a dialog; the close event does it when
    // the browser closed it (Escape).
    if (form && !this._dialog && form.open) {
      form.close()
      if (!this._reveal) this._restoreFocus()
    }
    if (token && !this._reveal && token.open) {
      token.close()
      this._restoreFocus()
    }
    if (form && this._dialog && !form.open) openModal(form)
    if (token && this._reveal && !token.open) openModal(token)
    if (this._menuFocus && this._menu !== undefined) {
      const items = menuItemsIn(this.renderRoot)
      ;(this._menuFocus === 'first' ? items[0] : items.at(-1))?.focus()
      this._menuFocus = undefined
    }
  }

  // ---- rendering -------------------------------------------------------------------------

  override render(): TemplateResult {
    const s = this._s
    const locale = this._locale
    const now = Date.now()
    const list = {
      strings: s,
      locale,
      now,
      keys: this._keys,
      loadError: this._loadError,
      expiryWarningDays: this.expiryWarningDays,
      defaultRateLimits: this._catalog?.defaultRateLimits ?? [],
      openMenu: this._menu,
    }
    const dialog = this._dialog
    const form = dialog && {
      strings: s,
      locale,
      now,
      dialog,
      errors: this._errors,
      busy: this._busy,
      catalog: this._catalog,
      expiryChoice: this._expiryChoice,
    }
    return html`
      <section part="container" aria-labelledby="title">
        ${pageHeaderView(s, this._catalog !== undefined, this._openCreate)}
        ${keyListView(list, this._listEvents)}
        ${dangerZoneView(s, this._keys, this._openRevokeAll)}
        <div role="status" class="visually-hidden">${this._announcement}</div>
        <dialog
          id="form-dialog"
          part="dialog"
          role=${isDestructive(dialog) ? 'alertdialog' : 'dialog'}
          aria-labelledby="dialog-title"
          @cancel=${this._onFormCancel}
          @close=${this._onFormClose}
        >
          ${form ? keyFormView(form, this._formEvents) : nothing}
        </dialog>
        <dialog
          id="token-dialog"
          part="dialog token-dialog"
          aria-labelledby="token-title"
          aria-describedby="token-warning"
          @cancel=${this._onRevealCancel}
          @close=${this._onRevealClose}
        >
          ${this._reveal ? tokenRevealView(s, this._reveal, this._revealEvents) : nothing}
        </dialog>
      </section>
    `
  }

  // ---- the "…" menu (WAI-ARIA menu button pattern) ----------------------------------------

  private _toggleMenu(keyId: string, focus: 'first' | 'last'): void {
    if (this._menu === keyId) {
      this._menu = undefined
      return
    }
    this._menu = keyId
    this._menuFocus = focus
  }

  private _onMenuButtonKey(event: KeyboardEvent, keyId: string): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
    event.preventDefault()
    this._menu = keyId
    this._menuFocus = event.key === 'ArrowDown' ? 'first' : 'last'
    this.requestUpdate()
  }

  private _closeMenu(returnFocus: boolean): void {
    const keyId = this._menu
    this._menu = undefined
    if (returnFocus && keyId !== undefined) menuButtonIn(this.renderRoot, keyId)?.focus()
  }

  private _onMenuKey(event: KeyboardEvent): void {
    const items = menuItemsIn(this.renderRoot)
    const current = items.indexOf(this.shadowRoot?.activeElement as HTMLElement)
    const labels = items.map((item) => item.textContent ?? '')
    const outcome = menuKeyOutcome(event.key, labels, current)
    if (outcome === undefined) return
    if (outcome === 'tab') {
      this._closeMenu(false)
      return
    }
    event.preventDefault()
    if (outcome === 'escape') {
      event.stopPropagation()
      this._closeMenu(true)
      return
    }
    items[outcome]?.focus()
  }

  private _onMenuFocusOut(event: FocusEvent): void {
    const to = event.relatedTarget as Node | null
    const menu = event.currentTarget as HTMLElement
    if (to && menu.contains(to)) return
    // Focus moving to the menu's own button: its click toggles the menu closed.
    if (to && this._menu !== undefined && to === menuButtonIn(this.renderRoot, this._menu)) return
    this._menu = undefined
  }

  private _choose(action: MenuAction, key: ApiKeyJson): void {
    this._menu = undefined
    this._focusReturn = { keyId: key.id }
    if (action === 'extend') this._expiryChoice = defaultExpiryChoice(this._catalog)
    this._openForm({ kind: action, key })
  }

  // ---- dialogs ---------------------------------------------------------------------------

  private _openForm(dialog: FormDialog): void {
    this._errors = {}
    this._busy = false
    this._dialog = dialog
  }

  private _openCreate = (): void => {
    if (!this._catalog) return
    this._focusReturn = 'create'
    this._expiryChoice = defaultExpiryChoice(this._catalog)
    this._openForm({ kind: 'create' })
  }

  private _openRevokeAll = (): void => {
    this._focusReturn = 'revoke-all'
    this._openForm({ kind: 'revokeAll' })
  }

  private _closeForm(): void {
    if (!this._busy) this._dialog = undefined
  }

  private _onFormCancel = (event: Event): void => {
    if (this._busy) event.preventDefault()
  }

  private _onFormClose = (): void => {
    this._dialog = undefined
    this._errors = {}
    if (!this._reveal) this._restoreFocus()
  }

  private _restoreFocus(): void {
    const target = this._focusReturn
    if (target === undefined) return
    this._focusReturn = undefined
    const element =
      (typeof target === 'object' ? menuButtonIn(this.renderRoot, target.keyId) : null) ??
      (target === 'revoke-all' ? this._byId('revoke-all') : null) ??
      this._byId('create')
    element?.focus()
  }

  // ---- submitting a dialog ---------------------------------------------------------------

  private async _onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const dialog = this._dialog
    if (!dialog || this._busy) return
    const data = new FormData(event.currentTarget as HTMLFormElement)
    const errors: FieldErrors = {}
    const request = dialogRequest(dialog, data, errors, {
      strings: this._s,
      locale: this._locale,
      catalog: this._catalog,
      client: this._client(),
    })
    if (Object.keys(errors).length > 0) {
      await this._showErrors(errors)
      return
    }
    this._busy = true
    this._errors = {}
    try {
      const outcome = await request()
      if (outcome) this._done(outcome)
      // The list is reloaded before the dialog closes, so focus can return to the right row.
      await this._refresh()
      this._dialog = undefined
    } catch (error) {
      await this._showErrors(errorsOf(error))
    } finally {
      this._busy = false
    }
  }

  /** A field's error goes away once the field is changed, until the next submit. */
  private _onInput(event: Event): void {
    const field = fieldOfInput((event.target as HTMLInputElement).name)
    if (field === undefined || this._errors[field] === undefined) return
    const { [field]: _, ...rest } = this._errors
    this._errors = rest
  }

  private async _showErrors(errors: FieldErrors): Promise<void> {
    this._errors = errors
    await this.updateComplete
    const dialog = this._byId('form-dialog')
    const target =
      dialog?.querySelector<HTMLElement>('#form-error') ??
      dialog?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      (errors.scopes ? dialog?.querySelector<HTMLElement>('input[name="scopes"]') : null) ??
      (errors.grace ? dialog?.querySelector<HTMLElement>('input[name="grace"]') : null)
    target?.focus()
  }

  private async _refresh(): Promise<void> {
    try {
      this._keys = await this._client().list()
    } catch (error) {
      this._loadError = messageOf(error)
    }
  }

  /** Shows the new token if any, announces the change and reports it in `keyward-change`. */
  private _done({ announcement, change, issued }: DialogOutcome): void {
    if (issued) this._reveal = { ...issued, copied: false, copyFailed: false, confirming: false }
    this._announcement = announcement
    this.dispatchEvent(
      new CustomEvent<ApiKeysChangeDetail>('keyward-change', {
        detail: change,
        bubbles: true,
        composed: true,
      }),
    )
  }

  // ---- the one-time token ----------------------------------------------------------------

  private async _copyToken(): Promise<void> {
    const reveal = this._reveal
    if (!reveal) return
    try {
      await navigator.clipboard.writeText(reveal.token)
      if (this._reveal === reveal) this._onTokenCopied()
    } catch {
      if (this._reveal !== reveal) return
      this._reveal = { ...reveal, copyFailed: true }
      this._byId<HTMLInputElement>('token-value')?.focus()
    }
  }

  private _onTokenCopied(): void {
    if (this._reveal) {
      this._reveal = { ...this._reveal, copied: true, copyFailed: false, confirming: false }
    }
  }

  private async _finishReveal(): Promise<void> {
    if (!this._reveal) return
    if (this._reveal.copied) {
      this._closeReveal()
      return
    }
    this._reveal = { ...this._reveal, confirming: true }
    await this.updateComplete
    this._byId('go-back')?.focus()
  }

  private async _keepReveal(): Promise<void> {
    if (this._reveal) this._reveal = { ...this._reveal, confirming: false }
    await this.updateComplete
    this._byId('copy')?.focus()
  }

  private _closeReveal(): void {
    this._reveal = undefined
  }

  private _onRevealCancel = (event: Event): void => {
    if (this._reveal && !this._reveal.copied) {
      event.preventDefault()
      void this._finishReveal()
    }
  }

  private _onRevealClose = (): void => {
    // However the dialog closed, the token leaves state (and with it the DOM) now.
    this._reveal = undefined
    this._restoreFocus()
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyward-api-keys': KeywardApiKeys
  }
}
