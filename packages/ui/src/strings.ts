import type { KeyStatus } from './types.js'

/**
 * Every text `<keyward-api-keys>` shows or announces. Replace some or all of them through the
 * element's `strings` property (a partial object, merged over {@link defaultStrings}) to
 * translate or reword the page; the functions receive ready-formatted values (dates,
 * durations and relative times are already in the element's `locale`).
 */
export interface ApiKeysStrings {
  title: string
  intro: string
  /** The create button's visible text; a decorative "+" follows it. */
  create: string
  loading: string
  loadFailed: (detail: string) => string
  retry: string
  emptyTitle: string
  emptyBody: string
  /** The search box's label; it finds keys whose name starts with what is typed. */
  searchLabel: string
  /** The status filter's first choice (its label is `columnStatus`). */
  allStatuses: string
  /** The count of keys listed so far; `count` is formatted, `n` the number itself. */
  showing: (count: string, n: number) => string
  /** Instead of the count when a search or filter leaves no key. */
  noMatch: string
  /** The button below the list that loads the next page (scrolling to it does too). */
  loadMore: string
  /** The header's button and a key's menu entry that show the audit log. */
  activity: string
  /** The activity dialog's title: of one key (`name`), or of every key (`undefined`). */
  activityTitle: (name: string | undefined) => string
  /** The activity dialog's text when there is no event. */
  noActivity: string
  /** Who made a change and from where, as one line under it; each part may be absent. */
  activityBy: (actor: string | undefined, from: string | undefined) => string
  /** A key's menu entry that shows its usage over time. */
  usage: string
  /** The usage dialog's title. */
  usageTitle: (name: string) => string
  /** The usage dialog's choice of bucket width: its label and its two options. */
  usageShow: string
  usageByDay: string
  usageByHour: string
  /** The period a chart covers, after "Requests": by day, by hour. */
  usageLastDays: string
  usageLastHours: string
  /**
   * A chart's label (the row's sparkline, the dialog's bars): requests in `period` (one of the
   * above), `total` of them, `refused` of which were refused (both formatted).
   */
  requestsIn: (period: string, total: string, refused: string) => string
  /** The usage dialog's text when no request came in its period. */
  noUsage: string
  /** The column of the usage table naming each bucket. */
  usagePeriod: string
  /** An outcome's name in the legend and table (`valid`, `insufficient_scope`…); others show as sent. */
  outcomes: Record<string, string>
  /** "Refused" in the chart's legend: every outcome but `valid`. */
  refused: string
  /** The key's last use: `when` ("3 minutes ago"), and where from and with what when known. */
  lastUsedFrom: (when: string, ip: string | undefined, userAgent: string | undefined) => string
  /** The usage dialog's line for a key not used yet. */
  notUsedYet: string
  /** The heading of the key's last distinct addresses, and one of them. */
  recentAddresses: string
  addressSeen: (ip: string, firstSeen: string, lastSeen: string) => string
  columnName: string
  columnKey: string
  columnPermissions: string
  columnCreated: string
  columnLastUsed: string
  columnExpires: string
  columnStatus: string
  columnActions: string
  columnLimits: string
  noPermissions: string
  /** In the limits column of a key with no rate limit and no credits. */
  noLimits: string
  /** A rate limit in words; `limit` is formatted, `window` is e.g. "minute" or "30 days". */
  rateLimit: (limit: string, window: string) => string
  /** The deployment's default limits (already in words) applying to a key without its own. */
  deploymentDefault: (limits: string) => string
  /** A key whose own empty list of rate limits overrides the deployment's defaults. */
  noRateLimit: string
  /** A key's credits; `refill` is given when they refill: its amount and interval in words. */
  credits: (remaining: string, refill?: { amount: string; every: string }) => string
  never: string
  status: Record<KeyStatus, string>
  /** The warning beside a key that expires soon; `relative` is e.g. "in 6 days". */
  expiresSoon: (relative: string) => string
  /** The accessible name of a key's "…" menu button. */
  actionsFor: (name: string) => string
  rotate: string
  extend: string
  rename: string
  /** The menu entry opening the limits dialog. */
  changeLimits: string
  /** The menu entry opening the allowed networks dialog. */
  changeAllowedIps: string
  suspend: string
  resume: string
  delete: string
  cancel: string
  close: string
  createTitle: string
  nameLabel: string
  nameHelp: string
  nameRequired: string
  nameTooLong: string
  expirationLabel: string
  presetDays: (days: number) => string
  customDate: string
  dateLabel: string
  /** Below the expiry choice: when a preset ends, `date` formatted. */
  expiresOn: (date: string) => string
  /** Below the date picker: the last day it offers, formatted. */
  dateHelp: (max: string) => string
  dateRequired: string
  dateTooLate: (max: string) => string
  dateTooEarly: string
  permissionsLabel: string
  permissionsHelp: string
  /**
   * A group of permissions' heading, from the scope names' resource part. Default: the
   * resource as the catalog writes it (`api_keys`), which is what the scope names show.
   */
  resource: (resource: string) => string
  noGrantable: string
  limitsLabel: string
  /** Below the limits' legend; `defaults` is the deployment's default limits in words, if any. */
  limitsHelp: (defaults?: string) => string
  requestsLabel: string
  /** The label of the rate limit's window, between "Requests" and its choices. */
  perLabel: string
  creditsLabel: string
  creditsHelp: string
  refillLabel: string
  /** The label of the refill interval, between "Refill to" and its choices. */
  everyLabel: string
  /** A number field's content is not a whole number of at least `min`. */
  wholeNumber: (min: number) => string
  refillNeedsCredits: string
  allowedIpsLabel: string
  allowedIpsHelp: string
  /** An entry of the allowed IPs field that is no address or CIDR range. */
  badIp: (entry: string) => string
  tooManyIps: (max: number) => string
  /** In the limits column of a key with allowed IPs: the first few, and how many more. */
  onlyFrom: (entries: string, more: number) => string
  createSubmit: string
  tokenTitle: string
  rotatedTokenTitle: string
  tokenWarning: string
  tokenLabel: string
  copy: string
  copied: string
  copiedAnnouncement: string
  copyFailed: string
  done: string
  notCopiedWarning: string
  closeAnyway: string
  goBack: string
  rotateTitle: (name: string) => string
  rotateBody: string
  graceLabel: string
  graceNone: string
  /** Under "Rotated": the old key works until the new one is first used. */
  untilFirstUse: string
  /** The default rotation choice; `longest` is the longest grace period, e.g. "1 day". */
  graceUntilFirstUse: (longest: string) => string
  /** A grace choice; `duration` is e.g. "7 days". */
  graceFor: (duration: string) => string
  rotateSubmit: string
  extendTitle: (name: string) => string
  extendBody: (current: string) => string
  extendSubmit: string
  renameTitle: (name: string) => string
  renameSubmit: string
  limitsTitle: (name: string) => string
  limitsSubmit: string
  allowedIpsTitle: (name: string) => string
  allowedIpsSubmit: string
  suspendTitle: (name: string) => string
  suspendBody: string
  reasonLabel: string
  reasonHelp: string
  suspendSubmit: string
  /** Beside the "Suspended" status: why, as given when suspending it. */
  suspendedBecause: (reason: string) => string
  resumeTitle: (name: string) => string
  resumeBody: string
  resumeSubmit: string
  deleteTitle: string
  deleteBody: (name: string, hint: string) => string
  deleteSubmit: string
  dangerTitle: string
  dangerBody: string
  revokeAll: string
  revokeAllTitle: string
  revokeAllBody: string
  /** The word to type to confirm revoking every key. */
  revokeAllWord: string
  revokeAllPrompt: (word: string) => string
  revokeAllSubmit: string
  revokeAllMismatch: (word: string) => string
  created: (name: string) => string
  rotated: (name: string) => string
  renamed: (name: string) => string
  extended: (name: string) => string
  limitsChanged: (name: string) => string
  allowedIpsChanged: (name: string) => string
  suspended: (name: string) => string
  resumed: (name: string) => string
  deleted: (name: string) => string
  revokedAll: string
}

/** The English strings used where `strings` gives none. */
export const defaultStrings: ApiKeysStrings = {
  title: 'API keys',
  intro:
    'API keys let your applications and scripts call the API as your organisation. Give each key only the permissions it needs.',
  create: 'Create new API key',
  loading: 'Loading API keys…',
  loadFailed: (detail) => `The API keys could not be loaded: ${detail}`,
  retry: 'Try again',
  emptyTitle: 'No API keys yet',
  emptyBody: 'Create a key to let an application call the API.',
  searchLabel: 'Search keys by name',
  allStatuses: 'All',
  showing: (count, n) => `Showing ${count} ${n === 1 ? 'key' : 'keys'}`,
  noMatch: 'No keys match',
  loadMore: 'Load more',
  activity: 'Activity',
  activityTitle: (name) => (name === undefined ? 'Activity of all keys' : `Activity of “${name}”`),
  noActivity: 'No activity yet.',
  activityBy: (actor, from) =>
    [actor && `by ${actor}`, from && `from ${from}`].filter(Boolean).join(' ') || 'by the system',
  usage: 'Usage',
  usageTitle: (name) => `Usage of “${name}”`,
  usageShow: 'Show',
  usageByDay: 'By day',
  usageByHour: 'By hour',
  usageLastDays: 'in the last 30 days',
  usageLastHours: 'in the last 48 hours',
  requestsIn: (period, total, refused) => `Requests ${period}: ${total} (${refused} refused)`,
  noUsage: 'No requests in this period.',
  usagePeriod: 'Period',
  outcomes: {
    valid: 'Valid',
    revoked_token: 'Revoked',
    expired_token: 'Expired',
    suspended_token: 'Suspended',
    insufficient_scope: 'Missing permission',
    ip_not_allowed: 'Address not allowed',
    rate_limited: 'Rate limited',
    usage_exceeded: 'Out of credits',
  },
  refused: 'Refused',
  lastUsedFrom: (when, ip, userAgent) =>
    `Last used ${when}${ip ? ` from ${ip}` : ''}${userAgent ? ` (${userAgent})` : ''}`,
  notUsedYet: 'Not used yet.',
  recentAddresses: 'Recent addresses',
  addressSeen: (ip, firstSeen, lastSeen) => `${ip}: first ${firstSeen}, last ${lastSeen}`,
  columnName: 'Name',
  columnKey: 'Key',
  columnPermissions: 'Permissions',
  columnCreated: 'Created',
  columnLastUsed: 'Last used',
  columnExpires: 'Expires',
  columnStatus: 'Status',
  columnActions: 'Actions',
  columnLimits: 'Limits',
  noPermissions: 'None',
  noLimits: 'None',
  rateLimit: (limit, window) => `${limit} requests per ${window}`,
  deploymentDefault: (limits) => `${limits} (deployment default)`,
  noRateLimit: 'No rate limit',
  credits: (remaining, refill) =>
    `${remaining} credits${refill ? `, refilled to ${refill.amount} every ${refill.every}` : ''}`,
  never: 'Never',
  status: {
    active: 'Active',
    expired: 'Expired',
    revoked: 'Revoked',
    rotated: 'Rotated',
    suspended: 'Suspended',
  },
  expiresSoon: (relative) => `Expires ${relative}`,
  actionsFor: (name) => `Actions for ${name}`,
  rotate: 'Rotate',
  extend: 'Extend expiry',
  rename: 'Rename',
  changeLimits: 'Change limits',
  changeAllowedIps: 'Allowed IPs',
  suspend: 'Suspend',
  resume: 'Resume',
  delete: 'Delete',
  cancel: 'Cancel',
  close: 'Close',
  createTitle: 'Create new API key',
  nameLabel: 'Name',
  nameHelp: 'Something to recognise it by, such as the application that will use it.',
  nameRequired: 'Enter a name.',
  nameTooLong: 'Use at most 100 characters.',
  expirationLabel: 'Expiration',
  presetDays: (days) => `${days} days`,
  customDate: 'Custom date',
  dateLabel: 'Expiration date',
  expiresOn: (date) => `The key expires on ${date}.`,
  dateHelp: (max) => `The key expires at the end of the chosen day, ${max} at the latest.`,
  dateRequired: 'Choose a date.',
  dateTooLate: (max) => `Choose a date no later than ${max}.`,
  dateTooEarly: 'Choose a date after today.',
  permissionsLabel: 'Permissions',
  permissionsHelp: 'Give only what the key needs. You can only grant permissions you hold.',
  resource: (resource) => resource,
  noGrantable: 'You hold no permission you could grant.',
  limitsLabel: 'Limits',
  limitsHelp: (defaults) =>
    `Optional: leave a field empty for no limit${defaults ? `; without a rate limit, the deployment default applies (${defaults})` : ''}.`,
  requestsLabel: 'Requests',
  perLabel: 'per',
  creditsLabel: 'Credits',
  creditsHelp:
    'Each request uses one credit; when none are left, requests are refused. Saving a balance replaces what is left.',
  refillLabel: 'Refill to',
  everyLabel: 'every',
  wholeNumber: (min) => `Enter a whole number, ${min} or more.`,
  refillNeedsCredits: 'Enter the credits to refill.',
  allowedIpsLabel: 'Allowed IPs',
  allowedIpsHelp: 'Optional: where it may be used from, one address or CIDR range per line.',
  badIp: (entry) => `“${entry}” is not an IP address or CIDR range.`,
  tooManyIps: (max) => `Give at most ${max}.`,
  onlyFrom: (entries, more) => `Only from ${entries}${more > 0 ? ` and ${more} more` : ''}`,
  createSubmit: 'Create key',
  tokenTitle: 'Copy your new API key',
  rotatedTokenTitle: 'Copy your new rotated API key',
  tokenWarning:
    'This is the only time the key is shown. Copy it now and store it somewhere safe, such as a secrets manager. If you lose it, create a new one.',
  tokenLabel: 'API key',
  copy: 'Copy',
  copied: 'Copied',
  copiedAnnouncement: 'The API key was copied to the clipboard.',
  copyFailed:
    'The key could not be copied automatically. Select it and press Ctrl+C (⌘C on a Mac).',
  done: 'Done',
  notCopiedWarning: 'You have not copied the key. Once this closes, it cannot be shown again.',
  closeAnyway: 'Close without copying',
  goBack: 'Go back',
  rotateTitle: (name) => `Rotate “${name}”`,
  rotateBody:
    'A new key replaces this one. Choose how long the old key keeps working while you switch your applications over.',
  graceLabel: 'The old key keeps working',
  graceNone: 'Not at all: it stops working immediately',
  untilFirstUse: 'Works until the new key is first used',
  graceUntilFirstUse: (longest) => `Until the new key is first used (at most ${longest})`,
  graceFor: (duration) => `For ${duration}`,
  rotateSubmit: 'Rotate key',
  extendTitle: (name) => `Extend “${name}”`,
  extendBody: (current) => `It now expires on ${current}. Choose a new expiry, counted from today.`,
  extendSubmit: 'Save expiry',
  renameTitle: (name) => `Rename “${name}”`,
  renameSubmit: 'Save name',
  limitsTitle: (name) => `Limits of “${name}”`,
  limitsSubmit: 'Save limits',
  allowedIpsTitle: (name) => `Allowed IPs of “${name}”`,
  allowedIpsSubmit: 'Save allowed IPs',
  suspendTitle: (name) => `Suspend “${name}”`,
  suspendBody: 'It is refused until you resume it.',
  reasonLabel: 'Reason',
  reasonHelp: 'Optional, shown beside the key.',
  suspendSubmit: 'Suspend key',
  suspendedBecause: (reason) => `Reason: ${reason}`,
  resumeTitle: (name) => `Resume “${name}”`,
  resumeBody: 'It works again at once.',
  resumeSubmit: 'Resume key',
  deleteTitle: 'Delete this API key?',
  deleteBody: (name, hint) =>
    `“${name}” (${hint}) will be deleted, and it stops working immediately: anything still using it is refused. This cannot be undone.`,
  deleteSubmit: 'Delete key',
  dangerTitle: 'Danger zone',
  dangerBody:
    'Revoke every API key of your organisation at once, for example after a leak. Everything using them stops working immediately.',
  revokeAll: 'Revoke all keys',
  revokeAllTitle: 'Revoke all API keys?',
  revokeAllBody:
    'Every API key of your organisation stops working immediately, including keys in a rotation grace period. This cannot be undone.',
  revokeAllWord: 'REVOKE',
  revokeAllPrompt: (word) => `Type ${word} to confirm`,
  revokeAllSubmit: 'Revoke all keys',
  revokeAllMismatch: (word) => `Type ${word} exactly to confirm.`,
  created: (name) => `API key “${name}” created.`,
  rotated: (name) => `API key “${name}” rotated.`,
  renamed: (name) => `API key renamed to “${name}”.`,
  extended: (name) => `The expiry of “${name}” was changed.`,
  limitsChanged: (name) => `The limits of “${name}” were changed.`,
  allowedIpsChanged: (name) => `The allowed IPs of “${name}” were changed.`,
  suspended: (name) => `API key “${name}” suspended.`,
  resumed: (name) => `API key “${name}” resumed.`,
  deleted: (name) => `API key “${name}” deleted.`,
  revokedAll: 'Every API key was revoked.',
}
