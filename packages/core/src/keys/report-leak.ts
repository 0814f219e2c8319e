import { toApiKey } from '../backends/record.js'
import { parseToken } from '../token/token.js'
import type { ApiKey } from '../types.js'
import { callBackend, type LifecycleContext } from './context.js'
import { assertObjectArgument } from './input.js'
import { revokeKey } from './revoke.js'

/** Where a leaked token was found, as its reporter tells; each field optional, kept in the `leaked` event. */
export interface LeakReport {
  /** Where the token was seen, e.g. the URL of a commit's file on GitHub. */
  url?: string
  /** What kind of place, e.g. GitHub's `content`, `commit`, `issue_comment`, `npm`. */
  source?: string
  /** Who reported it, e.g. `'github'`. */
  reporter?: string
}

/** What `keyward.keys.reportLeak` did about a token that belongs to a stored key. */
export interface LeakOutcome {
  /** The key the token belongs to, as it is now (revoked). */
  key: ApiKey
  /** `true` when this report revoked the key; `false` when it was revoked already. */
  revoked: boolean
}

/** Longest report field kept in the event, in UTF-16 units; a longer one is cut. */
const MAX_REPORT_FIELD = 2048

/**
 * `keyward.keys.reportLeak`: finds the key of a leaked token by its hash, whatever its status,
 * revokes it unless it is revoked already, and emits `leaked` with where it was found.
 * Resolves `undefined` for a token that is not ours or matches no stored key.
 */
export async function reportLeak(
  ctx: LifecycleContext,
  token: string,
  where: LeakReport = {},
): Promise<LeakOutcome | undefined> {
  assertObjectArgument(where, 'where')
  try {
    parseToken(token, ctx.prefixes)
  } catch {
    return undefined // Not one of ours: nothing to look up, nothing to say about it.
  }
  const hash = await ctx.hasher.hash(token)
  const found = await callBackend(() => ctx.store.findByHash(hash))
  if (!found) return undefined
  const revoked = await revokeKey(ctx, found.id, undefined)
  const record = (await callBackend(() => ctx.store.get(found.id))) ?? found
  const at = ctx.now()
  const report = readLeakReport(where)
  await ctx.emit({
    type: 'leaked',
    keyId: record.id,
    ownerId: record.ownerId,
    revoked,
    ...report,
    at,
  })
  return { key: toApiKey(record), revoked }
}

/** The report's fields that are non-empty strings, each cut to {@link MAX_REPORT_FIELD}. */
function readLeakReport(where: LeakReport): LeakReport {
  const report: LeakReport = {}
  for (const field of ['url', 'source', 'reporter'] as const) {
    const value = where[field]
    if (typeof value === 'string' && value !== '') report[field] = value.slice(0, MAX_REPORT_FIELD)
  }
  return report
}
