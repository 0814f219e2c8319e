/**
 * What a key pressed inside an open menu does (the WAI-ARIA menu pattern): move focus to the
 * item at an index, `escape` (close, focus back on the menu's button), `tab` (close, focus
 * moves on as usual), or `undefined` (nothing).
 */
export type MenuKeyOutcome = number | 'escape' | 'tab' | undefined

/**
 * The outcome of `key` in a menu whose items read `labels`, focus on the item at `current`:
 * arrows wrap around, Home and End go to either end, and a printable character jumps to the
 * next item starting with it (type-ahead).
 */
export function menuKeyOutcome(
  key: string,
  labels: readonly string[],
  current: number,
): MenuKeyOutcome {
  const count = labels.length
  switch (key) {
    case 'ArrowDown':
      return (current + 1) % count
    case 'ArrowUp':
      return (current - 1 + count) % count
    case 'Home':
      return 0
    case 'End':
      return count - 1
    case 'Escape':
      return 'escape'
    case 'Tab':
      return 'tab'
  }
  if (key.length !== 1 || !/\S/.test(key)) return undefined
  const char = key.toLowerCase()
  for (let step = 1; step <= count; step++) {
    const index = (current + step) % count
    if (labels[index]?.trim().toLowerCase().startsWith(char)) return index
  }
  return undefined
}

/** The items of the open menu in `root` (the element's shadow root). */
export function menuItemsIn(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('[role="menuitem"]')]
}

/** The "…" button that opens key `keyId`'s menu in `root`. */
export function menuButtonIn(root: ParentNode, keyId: string): HTMLElement | null {
  return root.querySelector<HTMLElement>(`[data-key="${CSS.escape(keyId)}"]`)
}
