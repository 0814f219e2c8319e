import { svg, type TemplateResult } from 'lit'
import type { UsagePoint } from '../lib/usage-chart.js'

/** The bars' height in their own units; each bucket is 10 wide, its bar 8. */
export const BARS_HEIGHT = 100

/**
 * One stacked bar per point (valid below, refused above), scaled to the busiest, for an `<svg>`
 * whose viewBox is `points.length * 10` by {@link BARS_HEIGHT}.
 */
export function bars(points: readonly UsagePoint[]): TemplateResult[] {
  const most = Math.max(1, ...points.map((point) => point.valid + point.refused))
  const scale = (count: number) => (count / most) * BARS_HEIGHT
  return points.map((point, i) => {
    const valid = scale(point.valid)
    const refused = scale(point.refused)
    return svg`<rect class="valid" x=${i * 10 + 1} y=${BARS_HEIGHT - valid} width="8" height=${valid} />
      <rect class="refused" x=${i * 10 + 1} y=${BARS_HEIGHT - valid - refused} width="8" height=${refused} />`
  })
}

/**
 * A row's sparkline: its requests of the last 30 days as tiny bars, an image labelled with
 * `label` ("Requests in the last 30 days: 1 234 (12 refused)").
 */
export function sparkline(points: readonly UsagePoint[], label: string): TemplateResult {
  return svg`<svg class="sparkline" part="sparkline" role="img" aria-label=${label}
    viewBox="0 0 ${points.length * 10} ${BARS_HEIGHT}" preserveAspectRatio="none">${bars(points)}</svg>`
}
