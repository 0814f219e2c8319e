import { html, nothing, type TemplateResult } from 'lit'
import type { ActivityLog, ActivityState } from '../lib/activity-log.js'
import type { UsageLog, UsageState } from '../lib/usage-log.js'

/**
 * The "Activity" dialog of `log`: a key's events (from its menu) or every key's (the header's
 * button), its content drawn by `content` (from the dialogs' chunk) while it is open. Escape
 * closes it like its Close button.
 */
export function activityDialog(
  log: ActivityLog,
  content: ((state: ActivityState) => TemplateResult) | undefined,
): TemplateResult {
  return html`<dialog
    id="activity-dialog"
    part="dialog activity-dialog"
    aria-labelledby="activity-title"
    @close=${() => log.state && log.close()}
  >
    ${log.state && content ? content(log.state) : nothing}
  </dialog>`
}

/** The "Usage" dialog of a key, as {@link activityDialog}. */
export function usageDialog(
  log: UsageLog,
  content: ((state: UsageState) => TemplateResult) | undefined,
): TemplateResult {
  return html`<dialog
    id="usage-dialog"
    part="dialog usage-dialog"
    aria-labelledby="usage-title"
    @close=${() => log.state && log.close()}
  >
    ${log.state && content ? content(log.state) : nothing}
  </dialog>`
}
