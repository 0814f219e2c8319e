import { html, nothing, type TemplateResult } from 'lit'
import type { ApiKeysStrings } from '../strings.js'
import type { ApiKeyJson } from '../types.js'

/** An entry of a key's "…" menu, each opening its dialog. */
export type MenuAction =
  | 'rotate'
  | 'extend'
  | 'rename'
  | 'limits'
  | 'allowedIps'
  | 'suspend'
  | 'resume'
  | 'delete'
  | 'activity'
  | 'usage'

/** What the "…" button and its menu call; the element owns which menu is open and focus. */
export interface RowMenuEvents {
  /** The button clicked: opens the key's menu, or closes it when open. */
  onToggle: (keyId: string) => void
  /** A key pressed on the button (ArrowDown/ArrowUp open the menu). */
  onButtonKey: (event: KeyboardEvent, keyId: string) => void
  /** A key pressed inside the open menu. */
  onMenuKey: (event: KeyboardEvent) => void
  /** Focus leaving an element of the open menu. */
  onMenuFocusOut: (event: FocusEvent) => void
  /** An entry chosen. */
  onChoose: (action: MenuAction, key: ApiKeyJson) => void
}

/** What can be done to `key` from its menu, in menu order; only its activity and usage for a key that no longer works. */
export function menuActionsOf(key: ApiKeyJson): MenuAction[] {
  const edits: MenuAction[] = ['extend', 'rename', 'limits', 'allowedIps']
  // Every key, working or not, has its history; Delete stays last, apart from the rest.
  if (key.status === 'active') {
    return ['rotate', ...edits, 'suspend', 'activity', 'usage', 'delete']
  }
  // A suspended key keeps what it is while paused: it can be changed, not rotated.
  if (key.status === 'suspended') return ['resume', ...edits, 'activity', 'usage', 'delete']
  // A replaced key may still work during its grace period: it can be ended early.
  if (key.status === 'rotated') return ['activity', 'usage', 'delete']
  return ['activity', 'usage']
}

/**
 * The "…" button of the row at `index` and, when `open`, its menu (the WAI-ARIA menu button
 * pattern); nothing for a key without actions.
 */
export function rowMenuView(
  strings: ApiKeysStrings,
  key: ApiKeyJson,
  index: number,
  open: boolean,
  events: RowMenuEvents,
): TemplateResult | typeof nothing {
  const actions = menuActionsOf(key)
  // Each action's label is the string of its name, but the two that say what they change.
  const label = (action: MenuAction) =>
    action === 'limits'
      ? strings.changeLimits
      : action === 'allowedIps'
        ? strings.changeAllowedIps
        : strings[action]
  return html`<button
        id="menu-button-${index}"
        class="menu-button"
        part="button menu-button"
        data-key=${key.id}
        aria-haspopup="menu"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls=${open ? `menu-${index}` : nothing}
        aria-label=${strings.actionsFor(key.name)}
        @click=${() => events.onToggle(key.id)}
        @keydown=${(event: KeyboardEvent) => events.onButtonKey(event, key.id)}
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
            @keydown=${events.onMenuKey}
            @focusout=${events.onMenuFocusOut}
          >
            ${actions.map(
              (action) =>
                html`<button
                  role="menuitem"
                  tabindex="-1"
                  part="menu-item"
                  class=${action === 'delete' ? 'danger-item' : ''}
                  @click=${() => events.onChoose(action, key)}
                >
                  ${label(action)}
                </button>`,
            )}
          </div>`
          : nothing
      }`
}
