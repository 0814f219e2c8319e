import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit'
import {
  type CreditsInput,
  createManagementClient,
  type ManagementClient,
  ProblemError,
  type RateLimitInput,
} from './lib/management-client.js'
import {
  expiryOf,
  expiryRange,
  formatDate,
  formatDateTime,
  formatDuration,
  formatWindow,
  relativeTime,
} from './lib/time.js'
import { type ApiKeysStrings, defaultStrings } from './strings.js'
import { styles } from './styles.js'
import type { ApiKeyJson, Catalog, CatalogScope, RateLimitJson } from './types.js'

const DAY_MS = 86_400_000
const DAY_S = 86_400
/** Expiry presets, in days; only those within the catalog's `maxLifetime` are offered. */
const PRESET_DAYS = [30, 90, 365]
/** Rotation grace choices, in seconds; the catalog's `maxGracePeriod` is always offered too. */
const GRACE_CHOICES = [0, 3_600, DAY_S, 7 * DAY_S, 30 * DAY_S]
/** Rate limit windows offered, in seconds; a key's own other window is offered too. */
const WINDOW_CHOICES = [1, 60, 3_600, DAY_S]
/** Credit refill intervals offered, in seconds; a key's own other interval is offered too. */
const REFILL_CHOICES = [3_600, DAY_S, 7 * DAY_S, 30 * DAY_S]
const NAME_MAX = 100

/** What `keyward-change` reports. The one-time token is never part of it. */
export interface ApiKeysChangeDetail {
  action: 'created' | 'rotated' | 'updated' | 'deleted' | 'revoked-all'
  /** The key created, the new key of a rotation, or the key changed or deleted. */
  key?: ApiKeyJson
}

type Field =
  | 'form'
  | 'name'
  | 'expiration'
  | 'scopes'
  | 'grace'
  | 'confirm'
  | 'rateLimit'
  | 'credits'
  | 'refill'
type Errors = Partial<Record<Field, string>>
/** The form inputs by `name`, and the field whose error they carry. */
const FIELD_OF_INPUT = {
  name: 'name',
  expiration: 'expiration',
  date: 'expiration',
  scopes: 'scopes',
  grace: 'grace',
  confirm: 'confirm',
  rateLimit: 'rateLimit',
  rateWindow: 'rateLimit',
  credits: 'credits',
  refill: 'refill',
  refillEvery: 'refill',
} as const satisfies Record<string, Field>

type FormDialog =
  | { kind: 'create' }
  | { kind: 'rotate' | 'extend' | 'rename' | 'limits' | 'delete'; key: ApiKeyJson }
  | { kind: 'revokeAll' }

/** The one-time token on show. Dropped (from state and DOM) as soon as its dialog closes. */
interface Reveal {
  token: string
  rotated: boolean
  copied: boolean
  copyFailed: boolean
  confirming: boolean
}

/** Where focus returns when the dialogs close: a key's "…" button, or a page button. */
type FocusReturn = { keyId: string } | 'create' | 'revoke-all'

type MenuAction = 'rotate' | 'extend' | 'rename' | 'limits' | 'delete'

/**
 * `<keyward-api-keys>`: the "Settings → API Keys" page of a signed-in person, as a web
 * component talking to Keyward's management API (same origin, with the page's session cookie).
 *
 * It lists the viewer's organisation's keys and lets them create a key (name, expiry within the
 * server's `maxLifetime`, permissions they may grant, optional rate limit and credits), copy
 * its token once, rotate, extend, rename, change the limits of and delete keys, and revoke
 * them all. Everything renders in a shadow root; theme it
 * with `--keyward-*` custom properties and `::part()`, and translate it with `strings`.
 *
 * @fires keyward-change - after a key was created, rotated, updated or deleted, or all were
 *   revoked; `detail` is an {@link ApiKeysChangeDetail}. Bubbles and crosses shadow roots.
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
  /** Texts replacing {@link defaultStrings}, some or all. Default: none (English). */
  declare strings: Partial<ApiKeysStrings>
  /** Extra headers on every request, e.g. the app's own CSRF token. Default: none. */
  declare headers: Record<string, string>

  private declare _keys: ApiKeyJson[] | undefined
  private declare _catalog: Catalog | undefined
  private declare _loadError: string | undefined
  private declare _dialog: FormDialog | undefined
  private declare _errors: Errors
  private declare _busy: boolean
  private declare _reveal: Reveal | undefined
  private declare _menu: string | undefined
  private declare _expiryChoice: string
  private declare _announcement: string
  private _menuFocus: 'first' | 'last' | undefined
  private _focusReturn: FocusReturn | undefined
  private _loads = 0

  constructor() {
    super()
    this.api = '/api-keys'
    this.locale = undefined
    this.expiryWarningDays = 7
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
      const items = this._menuItems()
      ;(this._menuFocus === 'first' ? items[0] : items.at(-1))?.focus()
      this._menuFocus = undefined
    }
  }

  // ---- rendering -------------------------------------------------------------------------

  override render(): TemplateResult {
    const s = this._s
    return html`
      <section part="container" aria-labelledby="title">
        <header part="header">
          <div>
            <h2 id="title">${s.title}</h2>
            <p class="muted">${s.intro}</p>
          </div>
          <button
            id="create"
            class="primary"
            part="button create-button"
            ?disabled=${!this._catalog}
            @click=${this._openCreate}
          >
            ${s.create} <span aria-hidden="true">+</span>
          </button>
        </header>
        ${this._renderKeys(s)}
        <section class="danger-zone" part="danger-zone" aria-labelledby="danger-title">
          <div>
            <h3 id="danger-title">${s.dangerTitle}</h3>
            <p class="muted">${s.dangerBody}</p>
          </div>
          <button
            id="revoke-all"
            class="danger-outline"
            part="button"
            ?disabled=${!this._keys}
            @click=${this._openRevokeAll}
          >
            ${s.revokeAll}
          </button>
        </section>
        <div role="status" class="visually-hidden">${this._announcement}</div>
        <dialog
          id="form-dialog"
          part="dialog"
          role=${this._dialog?.kind === 'delete' || this._dialog?.kind === 'revokeAll' ? 'alertdialog' : 'dialog'}
          aria-labelledby="dialog-title"
          @cancel=${this._onFormCancel}
          @close=${this._onFormClose}
        >
          ${this._renderForm(s)}
        </dialog>
        <dialog
          id="token-dialog"
          part="dialog token-dialog"
          aria-labelledby="token-title"
          aria-describedby="token-warning"
          @cancel=${this._onRevealCancel}
          @close=${this._onRevealClose}
        >
          ${this._renderReveal(s)}
        </dialog>
      </section>
    `
  }

  private _renderKeys(s: ApiKeysStrings): TemplateResult {
    if (this._loadError !== undefined) {
      return html`<div class="problem" role="alert">
        <p>${s.loadFailed(this._loadError)}</p>
        <p><button part="button" @click=${() => this.reload()}>${s.retry}</button></p>
      </div>`
    }
    if (!this._keys) return html`<p class="muted">${s.loading}</p>`
    if (this._keys.length === 0) {
      return html`<div class="empty" part="empty">
        <h3>${s.emptyTitle}</h3>
        <p class="muted">${s.emptyBody}</p>
      </div>`
    }
    const now = Date.now()
    const keys = [...this._keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    return html`<div class="table-wrap">
      <table part="table" aria-labelledby="title">
        <thead>
          <tr>
            <th scope="col">${s.columnName}</th>
            <th scope="col">${s.columnKey}</th>
            <th scope="col">${s.columnPermissions}</th>
            <th scope="col">${s.columnLimits}</th>
            <th scope="col">${s.columnCreated}</th>
            <th scope="col">${s.columnLastUsed}</th>
            <th scope="col">${s.columnExpires}</th>
            <th scope="col">${s.columnStatus}</th>
            <th scope="col"><span class="visually-hidden">${s.columnActions}</span></th>
          </tr>
        </thead>
        <tbody>
          ${keys.map((key, index) => this._renderRow(s, key, index, now))}
        </tbody>
      </table>
    </div>`
  }

  private _renderRow(s: ApiKeysStrings, key: ApiKeyJson, index: number, now: number) {
    const locale = this._locale
    const expiresAt = Date.parse(key.expiresAt)
    const soon =
      key.status === 'active' &&
      expiresAt > now &&
      expiresAt - now < this.expiryWarningDays * DAY_MS
    return html`<tr part="row">
      <th scope="row">${key.name}</th>
      <td><code class="hint">${key.hint}</code></td>
      <td>
        ${
          key.scopes.length === 0
            ? html`<span class="muted">${s.noPermissions}</span>`
            : html`<ul class="scopes">
              ${key.scopes.map((scope) => html`<li><code>${scope}</code></li>`)}
            </ul>`
        }
      </td>
      <td>${this._renderKeyLimits(s, key)}</td>
      <td class="nowrap" title=${formatDateTime(key.createdAt, locale)}>
        ${formatDate(key.createdAt, locale)}
      </td>
      <td class="nowrap">
        ${
          key.lastUsedAt === null
            ? html`<span class="muted">${s.never}</span>`
            : html`<span title=${formatDateTime(key.lastUsedAt, locale)}
              >${relativeTime(now, Date.parse(key.lastUsedAt), locale)}</span
            >`
        }
      </td>
      <td title=${formatDateTime(expiresAt, locale)}>
        <span class="nowrap">${formatDate(expiresAt, locale)}</span>
        ${
          soon
            ? html`<br /><span class="soon" part="expiry-warning"
                >${s.expiresSoon(relativeTime(now, expiresAt, locale))}</span
              >`
            : nothing
        }
      </td>
      <td><span class="status status-${key.status}">${s.status[key.status]}</span></td>
      <td class="menu-host">${this._renderMenu(s, key, index)}</td>
    </tr>`
  }

  private _actionsOf(key: ApiKeyJson): MenuAction[] {
    if (key.status === 'active') return ['rotate', 'extend', 'rename', 'limits', 'delete']
    // A replaced key may still work during its grace period: it can be ended early.
    if (key.status === 'rotated') return ['delete']
    return []
  }

  private _renderMenu(s: ApiKeysStrings, key: ApiKeyJson, index: number) {
    const actions = this._actionsOf(key)
    if (actions.length === 0) return nothing
    const open = this._menu === key.id
    const labels: Record<MenuAction, string> = {
      rotate: s.rotate,
      extend: s.extend,
      rename: s.rename,
      limits: s.changeLimits,
      delete: s.delete,
    }
    return html`<button
        id="menu-button-${index}"
        class="menu-button"
        part="button menu-button"
        data-key=${key.id}
        aria-haspopup="menu"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls=${open ? `menu-${index}` : nothing}
        aria-label=${s.actionsFor(key.name)}
        @click=${() => this._toggleMenu(key.id, 'first')}
        @keydown=${(event: KeyboardEvent) => this._onMenuButtonKey(event, key.id)}
      >
        <span aria-hidden="true">…</span>
      </button>
      ${
        open
          ? html`<div
            id="menu-${index}"
            role="menu"
            part="menu"
            aria-labelledby="menu-button-${index}"
            @keydown=${this._onMenuKey}
            @focusout=${this._onMenuFocusOut}
          >
            ${actions.map(
              (action) =>
                html`<button
                  role="menuitem"
                  tabindex="-1"
                  part="menu-item"
                  class=${action === 'delete' ? 'danger-item' : ''}
                  @click=${() => this._choose(action, key)}
                >
                  ${labels[action]}
                </button>`,
            )}
          </div>`
          : nothing
      }`
  }

  private _renderForm(s: ApiKeysStrings) {
    const dialog = this._dialog
    if (!dialog) return nothing
    const errors = this._errors
    let title: string
    let body: TemplateResult
    let submit: string
    let danger = false
    switch (dialog.kind) {
      case 'create':
        title = s.createTitle
        submit = s.createSubmit
        body = html`${this._renderName(s, '')}${this._renderExpiry(s)}${this._renderScopes(s)}
          ${this._renderLimits(s)}`
        break
      case 'rotate':
        title = s.rotateTitle(dialog.key.name)
        submit = s.rotateSubmit
        body = html`<p class="muted">${s.rotateBody}</p>
          ${this._renderGrace(s)}`
        break
      case 'extend':
        title = s.extendTitle(dialog.key.name)
        submit = s.extendSubmit
        body = html`<p class="muted">
            ${s.extendBody(formatDate(dialog.key.expiresAt, this._locale))}
          </p>
          ${this._renderExpiry(s)}`
        break
      case 'rename':
        title = s.renameTitle(dialog.key.name)
        submit = s.renameSubmit
        body = this._renderName(s, dialog.key.name)
        break
      case 'limits':
        title = s.limitsTitle(dialog.key.name)
        submit = s.limitsSubmit
        body = this._renderLimits(s, dialog.key)
        break
      case 'delete':
        title = s.deleteTitle
        submit = s.deleteSubmit
        danger = true
        body = html`<p id="dialog-description">${s.deleteBody(dialog.key.name, dialog.key.hint)}</p>`
        break
      case 'revokeAll':
        title = s.revokeAllTitle
        submit = s.revokeAllSubmit
        danger = true
        body = html`<p id="dialog-description">${s.revokeAllBody}</p>
          <div class="field">
            <label for="confirm">${s.revokeAllPrompt(s.revokeAllWord)}</label>
            <input
              type="text"
              id="confirm"
              name="confirm"
              autocomplete="off"
              spellcheck="false"
              autofocus
              aria-invalid=${errors.confirm ? 'true' : 'false'}
              aria-describedby=${errors.confirm ? 'confirm-error' : nothing}
            />
            ${errorText('confirm-error', errors.confirm)}
          </div>`
        break
    }
    return html`<form novalidate @submit=${this._onSubmit} @input=${this._onInput}>
      <h2 id="dialog-title">${title}</h2>
      ${
        errors.form
          ? html`<p class="problem" role="alert" id="form-error" tabindex="-1">${errors.form}</p>`
          : nothing
      }
      ${body}
      <div class="actions">
        <button type="button" part="button" ?autofocus=${dialog.kind === 'delete'} @click=${this._closeForm}>
          ${s.cancel}
        </button>
        <button
          type="submit"
          part="button"
          class=${danger ? 'danger' : 'primary'}
          ?disabled=${this._busy}
          aria-describedby=${danger ? 'dialog-description' : nothing}
        >
          ${submit}
        </button>
      </div>
    </form>`
  }

  private _renderName(s: ApiKeysStrings, value: string) {
    const error = this._errors.name
    return html`<div class="field">
      <label for="name">${s.nameLabel}</label>
      <input
        type="text"
        id="name"
        name="name"
        .value=${value}
        maxlength=${NAME_MAX}
        autocomplete="off"
        required
        autofocus
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? 'name-error name-help' : 'name-help'}
      />
      <p class="help" id="name-help">${s.nameHelp}</p>
      ${errorText('name-error', error)}
    </div>`
  }

  private _renderExpiry(s: ApiKeysStrings) {
    const catalog = this._catalog!
    const locale = this._locale
    const now = Date.now()
    const choice = this._expiryChoice
    const presets = PRESET_DAYS.filter((days) => days * DAY_S <= catalog.maxLifetime)
    const range = expiryRange(now, catalog.maxLifetime)
    const lastDay = formatDate(expiryOf(range.max, now, catalog.maxLifetime) ?? now, locale)
    const error = this._errors.expiration
    const custom = choice === 'custom'
    return html`<div class="field">
        <label for="expiration">${s.expirationLabel}</label>
        <select
          id="expiration"
          name="expiration"
          aria-describedby=${custom ? nothing : 'expiration-help'}
          @change=${(event: Event) => {
            this._expiryChoice = (event.target as HTMLSelectElement).value
          }}
        >
          ${presets.map(
            (days) =>
              html`<option value=${String(days)} ?selected=${choice === String(days)}>
                ${s.presetDays(days)}
              </option>`,
          )}
          <option value="custom" ?selected=${custom}>${s.customDate}</option>
        </select>
        ${
          custom
            ? nothing
            : html`<p class="help" id="expiration-help">
              ${s.expiresOn(formatDate(now + Number(choice) * DAY_MS, locale))}
            </p>`
        }
        ${custom ? nothing : errorText('expiration-error', error)}
      </div>
      ${
        custom
          ? html`<div class="field">
            <label for="date">${s.dateLabel}</label>
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
            <p class="help" id="date-help">${s.dateHelp(lastDay)}</p>
            ${errorText('expiration-error', error)}
          </div>`
          : nothing
      }`
  }

  private _renderScopes(s: ApiKeysStrings) {
    const catalog = this._catalog!
    const byName = new Map(catalog.scopes.map((scope) => [scope.name, scope]))
    const groups = catalog.groups
      .map((group) => ({
        resource: group.resource,
        scopes: group.scopes
          .map((name) => byName.get(name))
          .filter((scope): scope is CatalogScope => scope?.grantable === true),
      }))
      .filter((group) => group.scopes.length > 0)
    const error = this._errors.scopes
    let n = 0
    return html`<fieldset
      aria-describedby=${error ? 'scopes-error scopes-help' : 'scopes-help'}
    >
      <legend>${s.permissionsLabel}</legend>
      <p class="help" id="scopes-help">${s.permissionsHelp}</p>
      ${groups.length === 0 ? html`<p class="muted">${s.noGrantable}</p>` : nothing}
      ${groups.map(
        (group) => html`<fieldset class="group">
          <legend>${s.resource(group.resource)}</legend>
          ${group.scopes.map((scope) => {
            const id = `scope-${n++}`
            return html`<div class="check">
              <input
                type="checkbox"
                id=${id}
                name="scopes"
                value=${scope.name}
                aria-describedby="${id}-description"
              />
              <label for=${id}><code>${scope.name}</code></label>
              <span class="help" id="${id}-description">${scope.description}</span>
            </div>`
          })}
        </fieldset>`,
      )}
      ${errorText('scopes-error', error)}
    </fieldset>`
  }

  private _renderGrace(s: ApiKeysStrings) {
    const max = this._catalog!.maxGracePeriod
    const choices = GRACE_CHOICES.filter((seconds) => seconds <= max)
    if (!choices.includes(max)) choices.push(max)
    const error = this._errors.grace
    return html`<fieldset aria-describedby=${error ? 'grace-error' : nothing}>
      <legend>${s.graceLabel}</legend>
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
            >${seconds === 0 ? s.graceNone : s.graceFor(formatDuration(seconds, this._locale))}</label
          >
        </div>`,
      )}
      ${errorText('grace-error', error)}
    </fieldset>`
  }

  /** A key's limits in words, one line each: its own, or the deployment's, and its credits. */
  private _limitsInWords(s: ApiKeysStrings, key: ApiKeyJson): string[] {
    const defaults = this._rateLimitsInWords(s, this._catalog?.defaultRateLimits ?? [])
    const own = key.rateLimits
    const lines =
      own === undefined
        ? defaults.map((limit) => s.deploymentDefault(limit))
        : own.length === 0 && defaults.length > 0
          ? [s.noRateLimit]
          : this._rateLimitsInWords(s, own)
    const credits = key.credits
    if (credits) {
      const refill = credits.refill
      const count = this._count
      lines.push(
        s.credits(
          count(credits.remaining),
          refill && {
            amount: count(refill.amount),
            every: formatWindow(refill.interval, this._locale),
          },
        ),
      )
    }
    return lines
  }

  private _rateLimitsInWords(s: ApiKeysStrings, limits: readonly RateLimitJson[]): string[] {
    return limits.map((rate) =>
      s.rateLimit(this._count(rate.limit), formatWindow(rate.window, this._locale)),
    )
  }

  private _count = (value: number): string => new Intl.NumberFormat(this._locale).format(value)

  private _renderKeyLimits(s: ApiKeysStrings, key: ApiKeyJson) {
    const lines = this._limitsInWords(s, key)
    return lines.length === 0
      ? html`<span class="muted">${s.noLimits}</span>`
      : html`<ul class="limits">
          ${lines.map((line) => html`<li>${line}</li>`)}
        </ul>`
  }

  /**
   * The limits fieldset: one rate limit (the key's first; any others are kept as they are)
   * and the credits with their refill, empty for none.
   */
  private _renderLimits(s: ApiKeysStrings, key?: ApiKeyJson) {
    const errors = this._errors
    const rate = key?.rateLimits?.[0]
    const credits = key?.credits
    const defaults = this._rateLimitsInWords(s, this._catalog?.defaultRateLimits ?? [])
    const count = (
      id: string,
      name: string,
      label: string,
      value: number | undefined,
      error: string | undefined,
      describedBy = '',
    ) => html`<label for=${id}>${label}</label>
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
    const choice = (id: string, name: string, label: string, choices: number[], value: number) =>
      html`<label for=${id}>${label}</label>
        <select id=${id} name=${name}>
          ${[...new Set([...choices, value])]
            .sort((a, b) => a - b)
            .map(
              (seconds) =>
                html`<option value=${String(seconds)} ?selected=${seconds === value}>
                  ${formatWindow(seconds, this._locale)}
                </option>`,
            )}
        </select>`
    return html`<fieldset aria-describedby="limits-help">
      <legend>${s.limitsLabel}</legend>
      <p class="help" id="limits-help">${s.limitsHelp(defaults.join(', ') || undefined)}</p>
      <div class="inline">
        ${count('rate-limit', 'rateLimit', s.requestsLabel, rate?.limit, errors.rateLimit)}
        ${choice('rate-window', 'rateWindow', s.perLabel, WINDOW_CHOICES, rate?.window ?? 60)}
      </div>
      ${errorText('rate-limit-error', errors.rateLimit)}
      <div class="inline">
        ${count('credits', 'credits', s.creditsLabel, credits?.remaining, errors.credits, 'credits-help')}
      </div>
      <p class="help" id="credits-help">${s.creditsHelp}</p>
      ${errorText('credits-error', errors.credits)}
      <div class="inline">
        ${count('refill', 'refill', s.refillLabel, credits?.refill?.amount, errors.refill)}
        ${choice('refill-every', 'refillEvery', s.everyLabel, REFILL_CHOICES, credits?.refill?.interval ?? 30 * DAY_S)}
      </div>
      ${errorText('refill-error', errors.refill)}
    </fieldset>`
  }

  private _renderReveal(s: ApiKeysStrings) {
    const reveal = this._reveal
    if (!reveal) return nothing
    return html`<h2 id="token-title">${reveal.rotated ? s.rotatedTokenTitle : s.tokenTitle}</h2>
      <p class="warning" id="token-warning">${s.tokenWarning}</p>
      <div class="field">
        <label for="token-value">${s.tokenLabel}</label>
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
            @copy=${this._onTokenCopied}
          />
          <button
            id="copy"
            class="primary"
            part="button"
            autofocus
            aria-describedby=${reveal.copyFailed ? 'copy-failed' : nothing}
            @click=${this._copyToken}
          >
            ${reveal.copied ? s.copied : s.copy}
          </button>
        </div>
        ${reveal.copyFailed ? html`<p class="error" id="copy-failed">${s.copyFailed}</p>` : nothing}
        <p role="status" class="visually-hidden">${reveal.copied ? s.copiedAnnouncement : ''}</p>
      </div>
      ${
        reveal.confirming
          ? html`<div class="confirm" role="alert">
            <p>${s.notCopiedWarning}</p>
            <div class="actions">
              <button id="go-back" part="button" @click=${this._keepReveal}>${s.goBack}</button>
              <button part="button" class="danger" @click=${this._closeReveal}>${s.closeAnyway}</button>
            </div>
          </div>`
          : html`<div class="actions">
            <button part="button" class=${reveal.copied ? 'primary' : ''} @click=${this._finishReveal}>
              ${s.done}
            </button>
          </div>`
      }`
  }

  // ---- the "…" menu (WAI-ARIA menu button pattern) ----------------------------------------

  private _menuItems(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('[role="menuitem"]')]
  }

  private _menuButton(keyId: string): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`[data-key="${CSS.escape(keyId)}"]`)
  }

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
    if (returnFocus && keyId !== undefined) this._menuButton(keyId)?.focus()
  }

  private _onMenuKey = (event: KeyboardEvent): void => {
    const items = this._menuItems()
    const current = items.indexOf(this.shadowRoot?.activeElement as HTMLElement)
    let next: number | undefined
    switch (event.key) {
      case 'ArrowDown':
        next = (current + 1) % items.length
        break
      case 'ArrowUp':
        next = (current - 1 + items.length) % items.length
        break
      case 'Home':
        next = 0
        break
      case 'End':
        next = items.length - 1
        break
      case 'Escape':
        event.preventDefault()
        event.stopPropagation()
        this._closeMenu(true)
        return
      case 'Tab':
        this._closeMenu(false)
        return
      default:
        if (event.key.length === 1 && /\S/.test(event.key)) {
          // Type-ahead: the next item starting with the typed character.
          const char = event.key.toLowerCase()
          for (let step = 1; step <= items.length; step++) {
            const index = (current + step) % items.length
            if (items[index]?.textContent?.trim().toLowerCase().startsWith(char)) {
              next = index
              break
            }
          }
        }
    }
    if (next === undefined) return
    event.preventDefault()
    items[next]?.focus()
  }

  private _onMenuFocusOut = (event: FocusEvent): void => {
    const to = event.relatedTarget as Node | null
    const menu = event.currentTarget as HTMLElement
    if (to && menu.contains(to)) return
    // Focus moving to the menu's own button: its click toggles the menu closed.
    if (to && this._menu !== undefined && to === this._menuButton(this._menu)) return
    this._menu = undefined
  }

  private _choose(action: MenuAction, key: ApiKeyJson): void {
    this._menu = undefined
    this._focusReturn = { keyId: key.id }
    if (action === 'extend') this._expiryChoice = this._defaultExpiryChoice()
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
    this._expiryChoice = this._defaultExpiryChoice()
    this._openForm({ kind: 'create' })
  }

  private _openRevokeAll = (): void => {
    this._focusReturn = 'revoke-all'
    this._openForm({ kind: 'revokeAll' })
  }

  private _defaultExpiryChoice(): string {
    const catalog = this._catalog
    if (!catalog) return 'custom'
    const presets = PRESET_DAYS.filter((days) => days * DAY_S <= catalog.maxLifetime)
    const preferred =
      catalog.defaultExpiresIn === null
        ? 90 * DAY_S
        : Math.min(catalog.defaultExpiresIn, 90 * DAY_S)
    const fitting = presets.filter((days) => days * DAY_S <= preferred)
    const days = fitting.at(-1) ?? presets[0]
    return days === undefined ? 'custom' : String(days)
  }

  private _closeForm = (): void => {
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
      (typeof target === 'object' ? this._menuButton(target.keyId) : null) ??
      (target === 'revoke-all' ? this._byId('revoke-all') : null) ??
      this._byId('create')
    element?.focus()
  }

  private _onSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    const dialog = this._dialog
    if (!dialog || this._busy) return
    const form = event.currentTarget as HTMLFormElement
    const data = new FormData(form)
    const s = this._s
    const errors: Errors = {}
    const client = this._client()

    let run: () => Promise<void>
    switch (dialog.kind) {
      case 'create': {
        const name = this._readName(data, errors)
        const expiry = this._readExpiry(data, errors)
        const scopes = data.getAll('scopes').map(String)
        const { rate, credits } = this._readLimits(data, errors)
        run = async () => {
          const issued = await client.create({
            name,
            scopes,
            ...expiry,
            ...(rate ? { rateLimits: [rate] } : {}),
            ...(credits ? { credits } : {}),
          })
          this._show(issued.token, false)
          this._done(s.created(issued.key.name), 'created', issued.key)
        }
        break
      }
      case 'rotate': {
        const gracePeriod = Number(data.get('grace') ?? 0)
        run = async () => {
          const issued = await client.rotate(dialog.key.id, gracePeriod)
          this._show(issued.token, true)
          this._done(s.rotated(dialog.key.name), 'rotated', issued.key)
        }
        break
      }
      case 'extend': {
        const expiry = this._readExpiry(data, errors)
        run = async () => {
          const key = await client.update(dialog.key.id, expiry)
          this._done(s.extended(key.name), 'updated', key)
        }
        break
      }
      case 'rename': {
        const name = this._readName(data, errors)
        run = async () => {
          const key = await client.update(dialog.key.id, { name })
          this._done(s.renamed(key.name), 'updated', key)
        }
        break
      }
      case 'limits': {
        const patch = this._limitsPatch(dialog.key, this._readLimits(data, errors))
        run = async () => {
          if (Object.keys(patch).length === 0) return
          const key = await client.update(dialog.key.id, patch)
          this._done(s.limitsChanged(key.name), 'updated', key)
        }
        break
      }
      case 'delete':
        run = async () => {
          await client.revoke(dialog.key.id)
          this._done(s.deleted(dialog.key.name), 'deleted', dialog.key)
        }
        break
      case 'revokeAll': {
        const typed = String(data.get('confirm') ?? '').trim()
        if (typed !== s.revokeAllWord) errors.confirm = s.revokeAllMismatch(s.revokeAllWord)
        run = async () => {
          await client.revokeAll()
          this._done(s.revokedAll, 'revoked-all')
        }
        break
      }
    }

    if (Object.keys(errors).length > 0) {
      await this._showErrors(errors)
      return
    }
    this._busy = true
    this._errors = {}
    try {
      await run()
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
  private _onInput = (event: Event): void => {
    const name = (event.target as HTMLInputElement).name
    const field = (FIELD_OF_INPUT as Partial<Record<string, Field>>)[name]
    if (field === undefined || this._errors[field] === undefined) return
    const { [field]: _, ...rest } = this._errors
    this._errors = rest
  }

  private _readName(data: FormData, errors: Errors): string {
    const name = String(data.get('name') ?? '').trim()
    if (name === '') errors.name = this._s.nameRequired
    else if (name.length > NAME_MAX) errors.name = this._s.nameTooLong
    return name
  }

  private _readExpiry(
    data: FormData,
    errors: Errors,
  ): { expiresIn: number } | { expiresAt: string } {
    const choice = String(data.get('expiration') ?? 'custom')
    if (choice !== 'custom') return { expiresIn: Number(choice) * DAY_S }
    const s = this._s
    const now = Date.now()
    const maxLifetime = this._catalog!.maxLifetime
    const day = String(data.get('date') ?? '')
    const range = expiryRange(now, maxLifetime)
    const at = expiryOf(day, now, maxLifetime)
    if (at) return { expiresAt: at.toISOString() }
    if (day === '') errors.expiration = s.dateRequired
    else if (day > range.max) {
      const last = expiryOf(range.max, now, maxLifetime) ?? now
      errors.expiration = s.dateTooLate(formatDate(last, this._locale))
    } else errors.expiration = s.dateTooEarly
    return { expiresAt: '' }
  }

  /** A whole number typed in `input`: `undefined` when empty, an error below `min` or when not whole. */
  private _readCount(data: FormData, input: Field, min: number, errors: Errors) {
    const text = String(data.get(input) ?? '').trim()
    if (text === '') return undefined
    const value = Number(text)
    if (!Number.isSafeInteger(value) || value < min) errors[input] ??= this._s.wholeNumber(min)
    return value
  }

  /** The limits fieldset's values, `undefined` where left empty. */
  private _readLimits(
    data: FormData,
    errors: Errors,
  ): { rate: RateLimitInput | undefined; credits: CreditsInput | undefined } {
    const limit = this._readCount(data, 'rateLimit', 1, errors)
    const remaining = this._readCount(data, 'credits', 0, errors)
    const amount = this._readCount(data, 'refill', 1, errors)
    if (amount !== undefined && remaining === undefined)
      errors.refill ??= this._s.refillNeedsCredits
    const seconds = (input: string) => Number(data.get(input))
    return {
      rate: limit === undefined ? undefined : { limit, window: seconds('rateWindow') },
      credits:
        remaining === undefined
          ? undefined
          : amount === undefined
            ? { remaining }
            : { remaining, refill: { amount, interval: seconds('refillEvery') } },
    }
  }

  /**
   * What a PATCH changes of `key`'s limits: only what differs from the key as listed (granting
   * the same credits again would reset the balance left); `null` removes the key's own rate
   * limits (the deployment's apply again) or its credits.
   */
  private _limitsPatch(
    key: ApiKeyJson,
    { rate, credits }: { rate: RateLimitInput | undefined; credits: CreditsInput | undefined },
  ): { rateLimits?: RateLimitInput[] | null; credits?: CreditsInput | null } {
    const patch: { rateLimits?: RateLimitInput[] | null; credits?: CreditsInput | null } = {}
    const [first, ...rest] = key.rateLimits ?? []
    if (rate?.limit !== first?.limit || rate?.window !== first?.window) {
      const rates = rate ? [first ? { ...rate, name: first.name } : rate, ...rest] : rest
      patch.rateLimits = rates.length === 0 ? null : rates
    }
    const had = key.credits
    if (
      credits?.remaining !== had?.remaining ||
      credits?.refill?.amount !== had?.refill?.amount ||
      credits?.refill?.interval !== had?.refill?.interval
    ) {
      patch.credits = credits ?? null
    }
    return patch
  }

  private async _showErrors(errors: Errors): Promise<void> {
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

  private _done(announcement: string, action: ApiKeysChangeDetail['action'], key?: ApiKeyJson) {
    this._announcement = announcement
    const detail: ApiKeysChangeDetail = key ? { action, key } : { action }
    this.dispatchEvent(
      new CustomEvent<ApiKeysChangeDetail>('keyward-change', {
        detail,
        bubbles: true,
        composed: true,
      }),
    )
  }

  // ---- the one-time token ----------------------------------------------------------------

  private _show(token: string, rotated: boolean): void {
    this._reveal = { token, rotated, copied: false, copyFailed: false, confirming: false }
  }

  private _copyToken = async (): Promise<void> => {
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

  private _onTokenCopied = (): void => {
    if (this._reveal) {
      this._reveal = { ...this._reveal, copied: true, copyFailed: false, confirming: false }
    }
  }

  private _finishReveal = async (): Promise<void> => {
    if (!this._reveal) return
    if (this._reveal.copied) {
      this._closeReveal()
      return
    }
    this._reveal = { ...this._reveal, confirming: true }
    await this.updateComplete
    this._byId('go-back')?.focus()
  }

  private _keepReveal = async (): Promise<void> => {
    if (this._reveal) this._reveal = { ...this._reveal, confirming: false }
    await this.updateComplete
    this._byId('copy')?.focus()
  }

  private _closeReveal = (): void => {
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

/** Shows a dialog modally and focuses its `autofocus` element (or its first control). */
function openModal(dialog: HTMLDialogElement): void {
  dialog.showModal()
  const target =
    dialog.querySelector<HTMLElement>('[autofocus]') ??
    dialog.querySelector<HTMLElement>('input, select, button')
  target?.focus()
}

function errorText(id: string, message: string | undefined) {
  return message ? html`<p class="error" id=${id}>${message}</p>` : nothing
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A failed request as errors beside the fields they concern, or for the whole form. */
function errorsOf(error: unknown): Errors {
  if (error instanceof ProblemError && error.status === 422 && error.field !== undefined) {
    const field = error.field
    if (field === 'name') return { name: error.message }
    if (field === 'expiresAt' || field === 'expiresIn') return { expiration: error.message }
    if (field === 'scopes') return { scopes: error.message }
    if (field === 'gracePeriod') return { grace: error.message }
    if (field.startsWith('rateLimits')) return { rateLimit: error.message }
    if (field.startsWith('credits.refill')) return { refill: error.message }
    if (field.startsWith('credits')) return { credits: error.message }
  }
  return { form: messageOf(error) }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyward-api-keys': KeywardApiKeys
  }
}
