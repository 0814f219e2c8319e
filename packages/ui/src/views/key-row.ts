import { html, nothing, type TemplateResult } from 'lit'
import { DAY_MS } from '../lib/form-choices.js'
import { limitsInWords } from '../lib/limits-in-words.js'
import { formatDate, formatDateTime, relativeTime } from '../lib/time.js'
import { type UsagePoint, usageLabel } from '../lib/usage-chart.js'
import type { ApiKeysStrings } from '../strings.js'
import type { ApiKeyJson, RateLimitJson } from '../types.js'
import { type RowMenuEvents, rowMenuView } from './row-menu.js'
import { sparkline } from './usage-bars.js'

/** What every row of the list is drawn with besides its key. */
export interface KeyRowContext {
  strings: ApiKeysStrings
  locale: string | undefined
  /** When the list is drawn (epoch ms): the origin of "3 hours ago" and "Expires in 6 days". */
  now: number
  /** How close to its expiry (days) an active key shows a warning. */
  expiryWarningDays: number
  /** The deployment's rate limits, shown for keys without their own. */
  defaultRateLimits: readonly RateLimitJson[]
  /** The id of the key whose menu is open, if any. */
  openMenu: string | undefined
  /** A key's requests by day over the last 30 days, once read (its sparkline). */
  spark: (keyId: string) => UsagePoint[] | undefined
}

/** One key's row: name, hint, permissions, limits, dates, status and its "…" menu. */
export function keyRowView(
  context: KeyRowContext,
  key: ApiKeyJson,
  index: number,
  events: RowMenuEvents,
): TemplateResult {
  const { strings: s, locale, now } = context
  const expiresAt = Date.parse(key.expiresAt)
  const soon =
    key.status === 'active' &&
    expiresAt > now &&
    expiresAt - now < context.expiryWarningDays * DAY_MS
  // The hint sits under the name (a narrow column of its own squeezed the name); the other
  // cells carry their column's name for the stacked cards of a narrow list (styles.ts).
  return html`<tr part="row">
      <th scope="row">
        <span class="name">${key.name}</span>
        <span class="visually-hidden">${s.columnKey}:</span>
        <code class="hint">${key.hint}</code>
      </th>
      <td class="cell-scopes" data-label=${s.columnPermissions}>
        ${
          key.scopes.length === 0
            ? html`<span class="muted">${s.noPermissions}</span>`
            : html`<ul class="scopes">
              ${key.scopes.map((scope) => html`<li><code>${scope}</code></li>`)}
            </ul>`
        }
      </td>
      <td class="cell-limits" data-label=${s.columnLimits}>
        ${keyLimitsView(s, [...limitsInWords(s, key, context.defaultRateLimits, locale), ...networksInWords(s, key)])}
      </td>
      <td class="cell-created" data-label=${s.columnCreated} title=${formatDateTime(key.createdAt, locale)}>
        <span class="nowrap">${formatDate(key.createdAt, locale)}</span>
      </td>
      <td class="cell-used" data-label=${s.columnLastUsed}>
        ${
          key.lastUsedAt === null
            ? html`<span class="muted">${s.never}</span>`
            : html`<span class="nowrap" title=${formatDateTime(key.lastUsedAt, locale)}
              >${relativeTime(now, Date.parse(key.lastUsedAt), locale)}</span
            >`
        }
        ${sparkCell(context, key.id)}
      </td>
      <td class="cell-expires" data-label=${s.columnExpires} title=${formatDateTime(expiresAt, locale)}>
        <div>
          <span class="nowrap">${formatDate(expiresAt, locale)}</span>
          ${
            soon
              ? html`<span class="soon" part="expiry-warning"
                  >${s.expiresSoon(relativeTime(now, expiresAt, locale))}</span
                >`
              : nothing
          }
        </div>
      </td>
      <td class="cell-status">
        <span class="status status-${key.status}">${s.status[key.status]}</span>
        ${statusNote(s, key)}
      </td>
      <td class="menu-host">${rowMenuView(s, key, index, context.openMenu === key.id, events)}</td>
    </tr>`
}

/** Where a row's sparkline goes: drawn once its days are read (when the row was seen). */
function sparkCell(context: KeyRowContext, keyId: string): TemplateResult {
  const points = context.spark(keyId)
  const label =
    points && usageLabel(context.strings, context.locale, context.strings.usageLastDays, points)
  return html`<span class="spark" data-spark=${keyId}>${points && label ? sparkline(points, label) : nothing}</span>`
}

/** The line under a status: why a key is suspended, or that a rotated key waits for its successor's first use. */
function statusNote(s: ApiKeysStrings, key: ApiKeyJson): TemplateResult | typeof nothing {
  if (key.status === 'suspended' && key.suspendReason) {
    return html`<span class="reason">${s.suspendedBecause(key.suspendReason)}</span>`
  }
  if (key.status === 'rotated' && key.firstUsePending) {
    return html`<span class="reason">${s.untilFirstUse}</span>`
  }
  return nothing
}

/** How many of a key's allowed networks its row names before "and 3 more". */
const NETWORKS_SHOWN = 3

/** The line of the limits cell naming where the key may be used from; none when anywhere. */
function networksInWords(strings: ApiKeysStrings, key: ApiKeyJson): string[] {
  const entries = key.allowedIps ?? []
  if (entries.length === 0) return []
  const shown = entries.slice(0, NETWORKS_SHOWN).join(', ')
  return [strings.onlyFrom(shown, Math.max(0, entries.length - NETWORKS_SHOWN))]
}

/** A key's limits cell: its lines in words, or "No limits". */
function keyLimitsView(strings: ApiKeysStrings, lines: string[]): TemplateResult {
  return lines.length === 0
    ? html`<span class="muted">${strings.noLimits}</span>`
    : html`<ul class="limits">
          ${lines.map((line) => html`<li>${line}</li>`)}
        </ul>`
}
