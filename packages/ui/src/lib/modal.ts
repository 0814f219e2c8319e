/** Shows a dialog modally and focuses its `autofocus` element (or its first control). */
export function openModal(dialog: HTMLDialogElement): void {
  dialog.showModal()
  const target =
    dialog.querySelector<HTMLElement>('[autofocus]') ??
    dialog.querySelector<HTMLElement>('input, select, button')
  target?.focus()
}
