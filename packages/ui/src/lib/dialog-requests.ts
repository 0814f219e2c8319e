import type { ApiKeysChangeDetail } from '../change-detail.js'
import type { ApiKeysStrings } from '../strings.js'
import type { Catalog } from '../types.js'
import { allowedIpsPatch, readAllowedIps } from './allowed-ips.js'
import { FIRST_USE } from './form-choices.js'
import type { FormDialog } from './form-dialog.js'
import type { FieldErrors } from './form-errors.js'
import { readExpiry, readLimits, readName } from './key-form.js'
import { limitsPatch } from './limits-patch.js'
import type { ManagementClient } from './management-client.js'

/** What a dialog's request changed: what the page announces and reports in `keyward-change`. */
export interface DialogOutcome {
  announcement: string
  change: ApiKeysChangeDetail
  /** The one-time token of a created or rotated key, to show once. */
  issued?: { token: string; rotated: boolean }
}

/** What reading a dialog's form needs besides the form. */
export interface DialogRequestContext {
  strings: ApiKeysStrings
  locale: string | undefined
  /** Loaded before any dialog can open; expiries are checked against its `maxLifetime`. */
  catalog: Catalog | undefined
  client: ManagementClient
}

/**
 * Reads the form of `dialog`: the request it asks for, resolving to what changed (`undefined`
 * when there was nothing to change). What the form got wrong goes into `errors`, and the
 * request must then not be sent.
 */
export function dialogRequest(
  dialog: FormDialog,
  data: FormData,
  errors: FieldErrors,
  { strings: s, locale, catalog, client }: DialogRequestContext,
): () => Promise<DialogOutcome | undefined> {
  const expiry = () =>
    readExpiry(data, errors, { strings: s, locale, maxLifetime: catalog!.maxLifetime })
  switch (dialog.kind) {
    case 'create': {
      const name = readName(data, errors, s)
      const expiresIn = expiry()
      const scopes = data.getAll('scopes').map(String)
      const { rate, credits } = readLimits(data, errors, s)
      const allowedIps = readAllowedIps(data, errors, s)
      return async () => {
        const { key, token } = await client.create({
          name,
          scopes,
          ...expiresIn,
          ...(rate ? { rateLimits: [rate] } : {}),
          ...(credits ? { credits } : {}),
          ...(allowedIps.length > 0 ? { allowedIps } : {}),
        })
        const change = { action: 'created', key } as const
        return { announcement: s.created(key.name), change, issued: { token, rotated: false } }
      }
    }
    case 'rotate': {
      const rotation = readRotation(data)
      return async () => {
        const { key, token } = await client.rotate(dialog.key.id, rotation)
        const change = { action: 'rotated', key } as const
        return {
          announcement: s.rotated(dialog.key.name),
          change,
          issued: { token, rotated: true },
        }
      }
    }
    case 'extend': {
      const expiresIn = expiry()
      return async () => {
        const key = await client.update(dialog.key.id, expiresIn)
        return { announcement: s.extended(key.name), change: { action: 'updated', key } }
      }
    }
    case 'rename': {
      const name = readName(data, errors, s)
      return async () => {
        const key = await client.update(dialog.key.id, { name })
        return { announcement: s.renamed(key.name), change: { action: 'updated', key } }
      }
    }
    case 'limits': {
      const patch = limitsPatch(dialog.key, readLimits(data, errors, s))
      return async () => {
        if (Object.keys(patch).length === 0) return undefined
        const key = await client.update(dialog.key.id, patch)
        return { announcement: s.limitsChanged(key.name), change: { action: 'updated', key } }
      }
    }
    case 'allowedIps': {
      const allowedIps = allowedIpsPatch(dialog.key, readAllowedIps(data, errors, s))
      return async () => {
        if (allowedIps === undefined) return undefined
        const key = await client.update(dialog.key.id, { allowedIps })
        return { announcement: s.allowedIpsChanged(key.name), change: { action: 'updated', key } }
      }
    }
    // Suspending and resuming report `updated`: the key's `status` says which.
    case 'suspend': {
      const reason = String(data.get('reason') ?? '').trim()
      return async () => {
        const key = await client.suspend(dialog.key.id, reason)
        return { announcement: s.suspended(key.name), change: { action: 'updated', key } }
      }
    }
    case 'resume':
      return async () => {
        const key = await client.resume(dialog.key.id)
        return { announcement: s.resumed(key.name), change: { action: 'updated', key } }
      }
    case 'delete':
      return async () => {
        await client.revoke(dialog.key.id)
        const change = { action: 'deleted', key: dialog.key } as const
        return { announcement: s.deleted(dialog.key.name), change }
      }
    case 'revokeAll': {
      const typed = String(data.get('confirm') ?? '').trim()
      if (typed !== s.revokeAllWord) errors.confirm = s.revokeAllMismatch(s.revokeAllWord)
      return async () => {
        await client.revokeAll()
        return { announcement: s.revokedAll, change: { action: 'revoked-all' } }
      }
    }
  }
}

/**
 * The rotate dialog's choice: until the new key's first use (waiting at most the longest grace
 * period, the server's default), or a fixed grace period in seconds.
 */
function readRotation(data: FormData): { until: typeof FIRST_USE } | { gracePeriod: number } {
  const grace = data.get('grace') ?? '0'
  return grace === FIRST_USE ? { until: FIRST_USE } : { gracePeriod: Number(grace) }
}
