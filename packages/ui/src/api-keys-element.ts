import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit'
import type { ApiKeysChangeDetail } from './change-detail.js'
import type * as DialogViews from './dialogs.js'
import { ActivityLog } from './lib/activity-log.js'
import type { DialogOutcome } from './lib/dialog-requests.js'
import { defaultExpiryChoice } from './lib/form-choices.js'
import { type FormDialog, isDestructive } from './lib/form-dialog.js'
import { errorsOf, type FieldErrors, fieldOfInput, messageOf } from './lib/form-errors.js'
import { KeyPages } from './lib/key-pages.js'
import { createManagementClient, type ManagementClient } from './lib/management-client.js'
import { menuButtonIn } from './lib/menu-keys.js'
import { syncModal } from './lib/modal.js'
import { RowMenus } from './lib/row-menus.js'
import { UsageLog } from './lib/usage-log.js'
import { UsageSparks } from './lib/usage-sparks.js'
import { type ApiKeysStrings, defaultStrings } from './strings.js'
import type { ApiKeyJson, Catalog } from './types.js'
import { dangerZoneView } from './views/danger-zone.js'
import type { KeyFormEvents } from './views/key-form.js'
import { type KeyListEvents, keyListView } from './views/key-list.js'
import { activityDialog, usageDialog } from './views/lazy-dialogs.js'
import { pageHeaderView } from './views/page-header.js'
import type { MenuAction } from './views/row-menu.js'
import type { Reveal, TokenRevealEvents } from './views/token-reveal.js'

export type { ApiKeysChangeDetail } from './change-detail.js'

/** Where focus returns when the dialogs close: a key's "…" button, or a page button. */
type FocusReturn = { keyId: string } | 'create' | 'revoke-all' | 'activity'

/**
 * `<keyward-api-keys>`: the "Settings → API Keys" page of a signed-in person, as a web
 * component talking to Keyward's management API (same origin, with the page's session cookie).
 *
 * It lists the viewer's organisation's keys a page at a time (more as the person scrolls or
 * presses "Load more"), searchable by name and filtered by status, and lets them create a key
 * (name, expiry within the server's `maxLifetime`, permissions they may grant, optional limits
 * and allowed IPs), copy its token once, rotate, extend, rename, change the limits or allowed IPs
 * of, suspend, resume and delete keys, and revoke them all. Everything renders in a shadow root; theme it
 * with `--keyward-*` custom properties and `::part()`, and translate it with `strings`.
 *
 * @fires keyward-change - after a key was created, rotated, updated (suspended and resumed
 *   too) or deleted, or all were revoked; `detail` is an {@link ApiKeysChangeDetail}. Bubbles
 *   and crosses shadow roots.
 * @csspart container - the whole page section
 * @csspart header - the title, introduction and create button
 * @csspart create-button - "Create new API key +"
 * @csspart toolbar - the search box and status filter
 * @csspart count - "Showing 50 keys"
 * @csspart table - the list of keys
 * @csspart load-more - "Load more", below the list while more keys remain
 * @csspart row - one key's row
 * @csspart expiry-warning - the "Expires in 6 days" badge
 * @csspart menu-button - a key's "…" button
 * @csspart menu - a key's open menu
 * @csspart menu-item - an entry of that menu
 * @csspart empty - the empty state
 * @csspart activity-button - the header's "Activity" button (every key's audit log)
 * @csspart danger-zone - the "Revoke all keys" section
 * @csspart dialog - every dialog (the "Activity" one is also `activity-dialog`, "Usage" `usage-dialog`)
 * @csspart sparkline - a row's chart of its requests in the last 30 days
 * @csspart token-dialog - the dialog showing a new token
 * @csspart token - the one-time token field
 * @csspart button - every button
 */
export class KeywardApiKeys extends LitElement {
  static override properties = {
    api: { type: String },
    locale: { type: String },
    expiryWarningDays: { type: Number, attribute: 'expiry-warning-days' },
    theme: { type: String, reflect: true },
    strings: { attribute: false },
    headers: { attribute: false },
    _catalog: { state: true },
    _loadError: { state: true },
    _dialog: { state: true },
    _errors: { state: true },
    _busy: { state: true },
    _reveal: { state: true },
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

  private declare _catalog: Catalog | undefined
  private declare _loadError: string | undefined
  private declare _dialog: FormDialog | undefined
  private declare _errors: FieldErrors
  private declare _busy: boolean
  private declare _reveal: Reveal | undefined
  private declare _expiryChoice: string
  private declare _announcement: string
  #focusReturn: FocusReturn | undefined
  #loads = 0
  /** The dialogs' module once loaded (see {@link KeywardApiKeys.#loadDialogs}). */
  #views: typeof DialogViews | undefined
  #viewsLoading: Promise<typeof DialogViews> | undefined
  readonly #menus = new RowMenus(this)
  readonly #sparks = new UsageSparks(this, () => this.#client())
  readonly #pages = new KeyPages(this, () => this.#client())
  readonly #activity = new ActivityLog(
    this,
    () => this.#client(),
    () => this.#restoreFocus(),
  )
  readonly #usage = new UsageLog(
    this,
    () => this.#client(),
    () => this.#restoreFocus(),
  )

  // The views' callbacks, bound once (the views never see the element).
  readonly #listEvents: KeyListEvents = {
    onRetry: () => void this.reload(),
    onToggle: (keyId) => this.#menus.toggle(keyId, 'first'),
    onButtonKey: (event, keyId) => this.#menus.onButtonKey(event, keyId),
    onMenuKey: (event) => this.#menus.onKey(event),
    onMenuFocusOut: (event) => this.#menus.onFocusOut(event),
    onChoose: (action, key) => void this.#choose(action, key),
    onSearch: (name) => this.#pages.search(name),
    onStatus: (status) => void this.#pages.reset({ ...this.#pages.query, status }),
    onMore: () => void this.#pages.loadMore(),
  }
  readonly #formEvents: KeyFormEvents = {
    onSubmit: (event) => void this.#onSubmit(event),
    onInput: (event) => this.#onInput(event),
    onCancel: () => this.#closeForm(),
    onExpiryChoice: (choice) => {
      this._expiryChoice = choice
    },
  }
  readonly #revealEvents: TokenRevealEvents = {
    onCopy: () => void this.#copyToken(),
    onCopied: () => this.#onTokenCopied(),
    onDone: () => void this.#finishReveal(),
    onKeep: () => void this.#keepReveal(),
    onClose: () => this.#closeReveal(),
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

  /** Reloads the catalog and the first page of keys (with the current search and filter). */
  async reload(): Promise<void> {
    const load = ++this.#loads
    this._loadError = undefined
    this.#sparks.reset()
    const keys = this.#pages.reset()
    try {
      const catalog = await this.#client().catalog()
      if (load === this.#loads) this._catalog = catalog
    } catch (error) {
      if (load === this.#loads) this._loadError = messageOf(error)
    }
    await keys
  }

  /**
   * Loads the dialogs' module (its own chunk in the browser bundle) once; a failed load is
   * announced and retried on the next opening. `undefined` when it failed.
   */
  async #loadDialogs(): Promise<typeof DialogViews | undefined> {
    this.#viewsLoading ??= import('./dialogs.js')
    try {
      this.#views = await this.#viewsLoading
      return this.#views
    } catch (error) {
      this.#viewsLoading = undefined
      this._announcement = messageOf(error)
      return undefined
    }
  }

  #client(): ManagementClient {
    return createManagementClient(this.api, () => this.headers)
  }

  get #s(): ApiKeysStrings {
    return { ...defaultStrings, ...this.strings }
  }

  get #locale(): string | undefined {
    return this.locale ?? (this.closest('[lang]')?.getAttribute('lang') || undefined)
  }

  #byId<T extends HTMLElement>(id: string): T | null {
    return this.renderRoot.querySelector<T>(`#${id}`)
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('api')) void this.reload()
    // Focus returns when the page closes a dialog (the close event does it for Escape).
    const closed = (id: string, open: boolean) => syncModal(this.#byId(id), open)
    if (closed('form-dialog', Boolean(this._dialog)) && !this._reveal) this.#restoreFocus()
    if (closed('token-dialog', Boolean(this._reveal))) this.#restoreFocus()
    closed('activity-dialog', Boolean(this.#activity.state))
    closed('usage-dialog', Boolean(this.#usage.state))
    this.#menus.focusOpened()
    this.#sparks.watch(this.renderRoot)
  }

  // ---- rendering -------------------------------------------------------------------------

  override render(): TemplateResult {
    const s = this.#s
    const locale = this.#locale
    const now = Date.now()
    const list = {
      strings: s,
      locale,
      now,
      pages: this.#pages,
      loadError: this._loadError ?? this.#pages.error,
      expiryWarningDays: this.expiryWarningDays,
      defaultRateLimits: this._catalog?.defaultRateLimits ?? [],
      openMenu: this.#menus.openKey,
      spark: (keyId: string) => this.#sparks.of(keyId),
    }
    const views = this.#views
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
        ${pageHeaderView(s, this._catalog !== undefined, this.#openCreate, this.#openActivity)}
        ${keyListView(list, this.#listEvents)}
        ${dangerZoneView(s, this.#pages.revocable, this.#openRevokeAll)}
        <div role="status" class="visually-hidden">${this._announcement}</div>
        <dialog
          id="form-dialog"
          part="dialog"
          role=${isDestructive(dialog) ? 'alertdialog' : 'dialog'}
          aria-labelledby="dialog-title"
          @cancel=${this.#onFormCancel}
          @close=${this.#onFormClose}
        >
          ${form && views ? views.keyFormView(form, this.#formEvents) : nothing}
        </dialog>
        <dialog
          id="token-dialog"
          part="dialog token-dialog"
          aria-labelledby="token-title"
          aria-describedby="token-warning"
          @cancel=${this.#onRevealCancel}
          @close=${this.#onRevealClose}
        >
          ${this._reveal && views ? views.tokenRevealView(s, this._reveal, this.#revealEvents) : nothing}
        </dialog>
        ${activityDialog(
          this.#activity,
          views && ((state) => views.activityView(s, locale, state, this.#activity)),
        )}
        ${usageDialog(
          this.#usage,
          views && ((state) => views.usageView(s, locale, now, state, this.#usage)),
        )}
      </section>
    `
  }

  async #choose(action: MenuAction, key: ApiKeyJson): Promise<void> {
    this.#menus.close(false)
    this.#focusReturn = { keyId: key.id }
    if (!(await this.#loadDialogs())) return this.#restoreFocus()
    if (action === 'activity') return void this.#activity.open(key)
    if (action === 'usage') return void this.#usage.open(key)
    if (action === 'extend') this._expiryChoice = defaultExpiryChoice(this._catalog)
    this.#openForm({ kind: action, key })
  }

  // ---- dialogs ---------------------------------------------------------------------------

  #openForm(dialog: FormDialog): void {
    this._errors = {}
    this._busy = false
    this._dialog = dialog
  }

  /** Runs `open` once the dialogs' module is loaded (at once after the first time). */
  async #withDialogs(open: () => void): Promise<void> {
    if (await this.#loadDialogs()) open()
  }

  #openCreate = (): void =>
    void this.#withDialogs(() => {
      if (!this._catalog) return
      this.#focusReturn = 'create'
      this._expiryChoice = defaultExpiryChoice(this._catalog)
      this.#openForm({ kind: 'create' })
    })

  #openActivity = (): void =>
    void this.#withDialogs(() => {
      this.#focusReturn = 'activity'
      void this.#activity.open(undefined)
    })

  #openRevokeAll = (): void =>
    void this.#withDialogs(() => {
      this.#focusReturn = 'revoke-all'
      this.#openForm({ kind: 'revokeAll' })
    })

  #closeForm(): void {
    if (!this._busy) this._dialog = undefined
  }

  #onFormCancel = (event: Event): void => {
    if (this._busy) event.preventDefault()
  }

  #onFormClose = (): void => {
    this._dialog = undefined
    this._errors = {}
    if (!this._reveal) this.#restoreFocus()
  }

  #restoreFocus(): void {
    const target = this.#focusReturn
    if (target === undefined) return
    this.#focusReturn = undefined
    const element =
      (typeof target === 'object' ? menuButtonIn(this.renderRoot, target.keyId) : null) ??
      (target === 'revoke-all' || target === 'activity' ? this.#byId(target) : null) ??
      this.#byId('create')
    element?.focus()
  }

  // ---- submitting a dialog ---------------------------------------------------------------

  async #onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const dialog = this._dialog
    const views = this.#views
    if (!dialog || !views || this._busy) return
    const data = new FormData(event.currentTarget as HTMLFormElement)
    const errors: FieldErrors = {}
    const request = views.dialogRequest(dialog, data, errors, {
      strings: this.#s,
      locale: this.#locale,
      catalog: this._catalog,
      client: this.#client(),
    })
    if (Object.keys(errors).length > 0) {
      await this.#showErrors(errors)
      return
    }
    this._busy = true
    this._errors = {}
    try {
      const outcome = await request()
      if (outcome) this.#done(outcome)
      // The list changes before the dialog closes, so focus can return to the right row.
      if (outcome) await this.#pages.apply(outcome.change)
      this._dialog = undefined
    } catch (error) {
      await this.#showErrors(errorsOf(error))
    } finally {
      this._busy = false
    }
  }

  /** A field's error goes away once the field is changed, until the next submit. */
  #onInput(event: Event): void {
    const field = fieldOfInput((event.target as HTMLInputElement).name)
    if (field === undefined || this._errors[field] === undefined) return
    const { [field]: _, ...rest } = this._errors
    this._errors = rest
  }

  async #showErrors(errors: FieldErrors): Promise<void> {
    this._errors = errors
    await this.updateComplete
    const dialog = this.#byId('form-dialog')
    const target =
      dialog?.querySelector<HTMLElement>('#form-error') ??
      dialog?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      (errors.scopes ? dialog?.querySelector<HTMLElement>('input[name="scopes"]') : null) ??
      (errors.grace ? dialog?.querySelector<HTMLElement>('input[name="grace"]') : null)
    target?.focus()
  }

  /** Shows the new token if any, announces the change and reports it in `keyward-change`. */
  #done({ announcement, change, issued }: DialogOutcome): void {
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

  async #copyToken(): Promise<void> {
    const reveal = this._reveal
    if (!reveal) return
    try {
      await navigator.clipboard.writeText(reveal.token)
      if (this._reveal === reveal) this.#onTokenCopied()
    } catch {
      if (this._reveal !== reveal) return
      this._reveal = { ...reveal, copyFailed: true }
      this.#byId<HTMLInputElement>('token-value')?.focus()
    }
  }

  #onTokenCopied(): void {
    if (this._reveal) {
      this._reveal = { ...this._reveal, copied: true, copyFailed: false, confirming: false }
    }
  }

  async #finishReveal(): Promise<void> {
    if (!this._reveal) return
    if (this._reveal.copied) {
      this.#closeReveal()
      return
    }
    this._reveal = { ...this._reveal, confirming: true }
    await this.updateComplete
    this.#byId('go-back')?.focus()
  }

  async #keepReveal(): Promise<void> {
    if (this._reveal) this._reveal = { ...this._reveal, confirming: false }
    await this.updateComplete
    this.#byId('copy')?.focus()
  }

  #closeReveal(): void {
    this._reveal = undefined
  }

  #onRevealCancel = (event: Event): void => {
    if (this._reveal && !this._reveal.copied) {
      event.preventDefault()
      void this.#finishReveal()
    }
  }

  #onRevealClose = (): void => {
    // However the dialog closed, the token leaves state (and with it the DOM) now.
    this._reveal = undefined
    this.#restoreFocus()
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyward-api-keys': KeywardApiKeys
  }
}
