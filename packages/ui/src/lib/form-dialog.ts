import type { ApiKeyJson } from '../types.js'

/** The form dialog open: creating a key, one of a key's menu actions, or revoking all. */
export type FormDialog =
  | { kind: 'create' }
  | {
      kind:
        | 'rotate'
        | 'extend'
        | 'rename'
        | 'limits'
        | 'allowedIps'
        | 'suspend'
        | 'resume'
        | 'delete'
      key: ApiKeyJson
    }
  | { kind: 'revokeAll' }

/** Whether `dialog` destroys keys, so is an `alertdialog` with a danger button. */
export function isDestructive(dialog: FormDialog | undefined): boolean {
  return dialog?.kind === 'delete' || dialog?.kind === 'revokeAll'
}
