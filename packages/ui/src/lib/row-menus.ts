import type { ReactiveControllerHost } from 'lit'
import { menuButtonIn, menuItemsIn, menuKeyOutcome } from './menu-keys.js'

/** The element whose rows' "…" menus these are. */
type MenuHost = ReactiveControllerHost & { renderRoot: ParentNode; shadowRoot: ShadowRoot | null }

/**
 * The rows' "…" menus of `<keyward-api-keys>` (the WAI-ARIA menu button pattern): which one is
 * open, and the keyboard and focus moves in and out of it.
 */
export class RowMenus {
  /** The id of the key whose menu is open, if any. */
  openKey: string | undefined
  /** Which item takes focus once a menu just opened is drawn. */
  #focus: 'first' | 'last' | undefined

  constructor(private readonly host: MenuHost) {}

  #set(keyId: string | undefined, focus?: 'first' | 'last'): void {
    this.openKey = keyId
    this.#focus = focus
    this.host.requestUpdate()
  }

  /** The button clicked: opens the key's menu, or closes it when open. */
  toggle(keyId: string, focus: 'first' | 'last'): void {
    if (this.openKey === keyId) this.#set(undefined)
    else this.#set(keyId, focus)
  }

  /** ArrowDown/ArrowUp on a menu's button open it, focus on its first or last item. */
  onButtonKey(event: KeyboardEvent, keyId: string): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
    event.preventDefault()
    this.#set(keyId, event.key === 'ArrowDown' ? 'first' : 'last')
  }

  /** Closes the open menu, focus back on its button when `returnFocus`. */
  close(returnFocus: boolean): void {
    const keyId = this.openKey
    this.#set(undefined)
    if (returnFocus && keyId !== undefined) menuButtonIn(this.host.renderRoot, keyId)?.focus()
  }

  onKey(event: KeyboardEvent): void {
    const items = menuItemsIn(this.host.renderRoot)
    const current = items.indexOf(this.host.shadowRoot?.activeElement as HTMLElement)
    const labels = items.map((item) => item.textContent ?? '')
    const outcome = menuKeyOutcome(event.key, labels, current)
    if (outcome === undefined) return
    if (outcome === 'tab') {
      this.close(false)
      return
    }
    event.preventDefault()
    if (outcome === 'escape') {
      event.stopPropagation()
      this.close(true)
      return
    }
    items[outcome]?.focus()
  }

  onFocusOut(event: FocusEvent): void {
    const to = event.relatedTarget as Node | null
    const menu = event.currentTarget as HTMLElement
    if (to && menu.contains(to)) return
    // Focus moving to the menu's own button: its click toggles the menu closed.
    const open = this.openKey
    if (to && open !== undefined && to === menuButtonIn(this.host.renderRoot, open)) return
    this.#set(undefined)
  }

  /** Once drawn: focus on the first or last item of a menu just opened. */
  focusOpened(): void {
    if (!this.#focus || this.openKey === undefined) return
    const items = menuItemsIn(this.host.renderRoot)
    ;(this.#focus === 'first' ? items[0] : items.at(-1))?.focus()
    this.#focus = undefined
  }
}
