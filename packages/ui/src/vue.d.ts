/**
 * `@keyward/ui/vue`: `@keyward/ui` (importing it defines `<keyward-api-keys>`) plus the
 * element's typing for Vue templates (`GlobalComponents`, read by vue-tsc and Volar):
 * `:headers`, `:strings` and `:expiry-warning-days` bind properties, `@keyward-change` listens.
 * Vue must treat the tag as a custom element (`compilerOptions.isCustomElement`).
 */
import type { DefineComponent } from 'vue'
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

/** The props of `<keyward-api-keys>` in a Vue template. */
export interface KeywardApiKeysVueProps extends KeywardApiKeysProperties, KeywardApiKeysAttributes {
  /** `@keyward-change`. */
  onKeywardChange?: (event: KeywardChangeEvent) => void
}

declare module 'vue' {
  interface GlobalComponents {
    'keyward-api-keys': DefineComponent<KeywardApiKeysVueProps>
  }
}
