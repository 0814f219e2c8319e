/**
 * What `<keyward-api-keys>` takes and fires, as the framework typings (`@keyward/ui/react`,
 * `@keyward/ui/vue`, `@keyward/ui/svelte`) describe it. Hand-written declarations: they
 * augment each framework's own types, which this package does not depend on.
 */
import type { ApiKeysChangeDetail, ApiKeysStrings, KeywardApiKeys } from './index.js'

/** The `keyward-change` event: bubbles, composed; `detail` never holds the token. */
export interface KeywardChangeEvent extends CustomEvent<ApiKeysChangeDetail> {
  readonly target: KeywardApiKeys
}

/** The element's properties a framework may set (each has a default; see the README). */
export interface KeywardApiKeysProperties {
  /** Base URL of the management API, same origin. Default `/api-keys`. */
  api?: string
  /** BCP 47 language of dates and durations. Default: the nearest `lang`, else the browser's. */
  locale?: string | undefined
  /** Days before its expiry a key shows a warning. Default 7. */
  expiryWarningDays?: number
  /** Colour scheme: `light`, `dark`, or `auto` to follow `prefers-color-scheme`. Default `auto`. */
  theme?: 'light' | 'dark' | 'auto'
  /** Texts replacing the English ones, some or all. Default: none. */
  strings?: Partial<ApiKeysStrings>
  /** Extra headers on every request, e.g. the app's own CSRF token. Default: none. */
  headers?: Record<string, string>
}

/** The element's attributes that have no property of the same name. */
export interface KeywardApiKeysAttributes {
  /** The attribute of `expiryWarningDays`. */
  'expiry-warning-days'?: number | string
}
