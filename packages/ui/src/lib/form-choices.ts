import type { Catalog } from '../types.js'

/** A day in milliseconds. */
export const DAY_MS = 86_400_000
/** A day in seconds, the unit of the management API's lifetimes and windows. */
export const DAY_S = 86_400
/** The longest key name, in characters after trimming (the server's limit too). */
export const NAME_MAX = 100
/** Expiry presets, in days; only those within the catalog's `maxLifetime` are offered. */
const PRESET_DAYS = [30, 90, 365]
/** Rotation grace choices, in seconds; the catalog's `maxGracePeriod` is always offered too. */
const GRACE_CHOICES = [0, 3_600, DAY_S, 7 * DAY_S, 30 * DAY_S]
/** Rate limit windows offered, in seconds; a key's own other window is offered too. */
export const WINDOW_CHOICES = [1, 60, 3_600, DAY_S]
/** Credit refill intervals offered, in seconds; a key's own other interval is offered too. */
export const REFILL_CHOICES = [3_600, DAY_S, 7 * DAY_S, 30 * DAY_S]

/** The expiry presets (days) a key of at most `maxLifetime` seconds may take. */
export function expiryPresets(maxLifetime: number): number[] {
  return PRESET_DAYS.filter((days) => days * DAY_S <= maxLifetime)
}

/** The rotation choice "until the new key is first used", offered first and checked. */
export const FIRST_USE = 'first-use' as const

/** The grace periods (seconds) a rotation may choose, up to and including `maxGracePeriod`. */
export function graceChoices(maxGracePeriod: number): number[] {
  const choices = GRACE_CHOICES.filter((seconds) => seconds <= maxGracePeriod)
  if (!choices.includes(maxGracePeriod)) choices.push(maxGracePeriod)
  return choices
}

/**
 * The expiry a new or extended key starts with: the longest preset within both the
 * server's default lifetime and 90 days, else the shortest preset, else `custom`.
 */
export function defaultExpiryChoice(catalog: Catalog | undefined): string {
  if (!catalog) return 'custom'
  const presets = expiryPresets(catalog.maxLifetime)
  const preferred =
    catalog.defaultExpiresIn === null ? 90 * DAY_S : Math.min(catalog.defaultExpiresIn, 90 * DAY_S)
  const fitting = presets.filter((days) => days * DAY_S <= preferred)
  const days = fitting.at(-1) ?? presets[0]
  return days === undefined ? 'custom' : String(days)
}
