/** Shows a dialog modally and focuses its `autofocus` element (or its first control). */
export function openModal(dialog: HTMLDialogElement): void {
  dialog.showModal()
  const target =
    dialog.querySelector<HTMLElement>('[autofocus]') ??
    dialog.querySelector<HTMLElement>('input, select, button')
  target?.focus()
}

/** Opens or closes `dialog` (when drawn) to match `open`; `true` when this closed it. */
export function syncModal(dialog: HTMLDialogElement | null, open: boolean): boolean {
  if (!dialog || dialog.open === open) return false
  if (open) openModal(dialog)
  else dialog.close()
  return !open
}
