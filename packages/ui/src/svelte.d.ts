/**
 * `@keyward/ui/svelte`: `@keyward/ui` (importing it defines `<keyward-api-keys>`) plus the
 * element's typing for Svelte markup (`svelteHTML`, read by svelte-check): Svelte sets props
 * as properties when the element has them; `onkeyward-change` (Svelte 5) or
 * `on:keyward-change` (Svelte 4) listens.
 */
import type { HTMLAttributes } from 'svelte/elements'
import type { KeywardApiKeys } from './index.js'
import type {
  KeywardApiKeysAttributes,
  KeywardApiKeysProperties,
  KeywardChangeEvent,
} from './jsx.js'

export * from './index.js'
export type {
  KeywardApiKeysAttributes,
  KeywardApiKeysProperties,
  KeywardChangeEvent,
} from './jsx.js'

/** The props of `<keyward-api-keys>` in Svelte markup. */
export interface KeywardApiKeysSvelteProps
  extends HTMLAttributes<KeywardApiKeys>,
    KeywardApiKeysProperties,
    KeywardApiKeysAttributes {
  /** Svelte 5's event attribute. */
  'onkeyward-change'?: (event: KeywardChangeEvent) => void
  /** Svelte 4's event directive. */
  'on:keyward-change'?: (event: KeywardChangeEvent) => void
}

declare global {
  namespace svelteHTML {
    interface IntrinsicElements {
      'keyward-api-keys': KeywardApiKeysSvelteProps
    }
  }
}
