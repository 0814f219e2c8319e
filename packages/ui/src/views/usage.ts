import { html, nothing, type TemplateResult } from 'lit'
import { formatDateTime, intl, relativeTime } from '../lib/time.js'
import { usageLabel, usagePoints } from '../lib/usage-chart.js'
import type { UsageGranularity, UsageLog, UsageState } from '../lib/usage-log.js'
import type { ApiKeysStrings } from '../strings.js'
import type { ApiKeyJson, KeyUsageJson, UsageOutcome } from '../types.js'
import { BARS_HEIGHT, bars } from './usage-bars.js'

/**
 * The usage dialog's content: its title, the bucket width (by day or by hour), the requests by
 * outcome over time as bars (valid below, refused above; an image labelled with the totals,
 * the numbers also in a table for assistive technology), the key's last use and its recent
 * addresses, and Close.
 */
export function usageView(
  strings: ApiKeysStrings,
  locale: string | undefined,
  now: number,
  state: UsageState,
  log: Pick<UsageLog, 'choose' | 'close'>,
): TemplateResult {
  const { key, granularity, usage } = state
  const choice = (value: UsageGranularity, label: string) =>
    html`<label><input type="radio" name="granularity" value=${value}
      .checked=${granularity === value} @change=${() => void log.choose(value)} />${label}</label>`
  return html`<h2 id="usage-title">${strings.usageTitle(key.name)}</h2>
    <fieldset class="choices">
      <legend>${strings.usageShow}</legend>
      ${choice('day', strings.usageByDay)} ${choice('hour', strings.usageByHour)}
    </fieldset>
    ${state.error ? html`<p class="problem" role="alert">${state.error}</p>` : nothing}
    <div class="usage" aria-busy=${state.loading}>
      ${usage ? usageChart(strings, locale, usage) : nothing}
    </div>
    ${whereFromView(strings, locale, now, key)}
    <div class="actions">
      <button type="button" part="button" class="primary" @click=${() => log.close()}>
        ${strings.close}
      </button>
    </div>`
}

/** The bars of `usage` with their legend and, visually hidden, their numbers as a table. */
function usageChart(
  strings: ApiKeysStrings,
  locale: string | undefined,
  usage: KeyUsageJson,
): TemplateResult {
  const points = usagePoints(usage)
  const byDay = usage.granularity === 'day'
  const period = byDay ? strings.usageLastDays : strings.usageLastHours
  const label = usageLabel(strings, locale, period, points)
  const format = intl(Intl.NumberFormat, locale, {})
  const when = (start: string) =>
    byDay
      ? intl(Intl.DateTimeFormat, locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
          new Date(start),
        )
      : formatDateTime(start, locale)
  // Valid first, then each refusal in the order they first came.
  const outcomes = [
    ...new Set([
      'valid',
      ...usage.buckets.flatMap((bucket) => Object.keys(bucket.outcomes) as UsageOutcome[]),
    ]),
  ] as UsageOutcome[]
  return html`<svg class="usage-chart" role="img" aria-label=${label}
      viewBox="0 0 ${points.length * 10} ${BARS_HEIGHT}" preserveAspectRatio="none">
      ${bars(points)}
    </svg>
    <p class="legend" aria-hidden="true">
      <span class="swatch valid"></span>${strings.outcomes.valid}
      <span class="swatch refused"></span>${strings.refused}
    </p>
    ${points.every((point) => point.valid + point.refused === 0) ? html`<p class="muted">${strings.noUsage}</p>` : nothing}
    <table class="visually-hidden">
      <caption>${label}</caption>
      <tr>
        <th scope="col">${strings.usagePeriod}</th>
        ${outcomes.map((outcome) => html`<th scope="col">${strings.outcomes[outcome] ?? outcome}</th>`)}
      </tr>
      ${usage.buckets.map(
        (bucket) => html`<tr>
          <th scope="row">${when(bucket.start)}</th>
          ${outcomes.map((outcome) => html`<td>${format.format(bucket.outcomes[outcome] ?? 0)}</td>`)}
        </tr>`,
      )}
    </table>`
}

/** "Last used 3 minutes ago from 203.0.113.7 (curl/8.5)" and the key's recent addresses. */
function whereFromView(
  strings: ApiKeysStrings,
  locale: string | undefined,
  now: number,
  key: ApiKeyJson,
): TemplateResult {
  const last = key.lastUsed
  const ips = key.recentIps ?? []
  const ago = (at: string) => relativeTime(now, Date.parse(at), locale)
  return html`<p class="last-used">
      ${
        last
          ? html`<span title=${formatDateTime(last.at, locale)}
              >${strings.lastUsedFrom(ago(last.at), last.ip, last.userAgent)}</span
            >`
          : strings.notUsedYet
      }
    </p>
    ${
      ips.length === 0
        ? nothing
        : html`<h3 id="recent-addresses">${strings.recentAddresses}</h3>
          <ul aria-labelledby="recent-addresses" class="addresses">
            ${ips.map(
              (seen) =>
                html`<li>${strings.addressSeen(seen.ip, ago(seen.firstSeen), ago(seen.lastSeen))}</li>`,
            )}
          </ul>`
    }`
}
