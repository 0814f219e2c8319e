/**
 * `@keyward/ui/react`: `@keyward/ui` (importing it defines `<keyward-api-keys>`) plus the
 * element's JSX typing for React 19, which sets a custom element's props as properties when
 * the element has one of that name (`headers`, `strings`, `expiryWarningDays`), as attributes
 * otherwise, and turns `on<event-name>` into `addEventListener('<event-name>', …)`.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react'
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

/** The props of `<keyward-api-keys>` in React 19 JSX. */
export interface KeywardApiKeysReactProps
  extends DetailedHTMLProps<HTMLAttributes<KeywardApiKeys>, KeywardApiKeys>,
    KeywardApiKeysProperties,
    KeywardApiKeysAttributes {
  /** Listens to `keyward-change` (React 19 adds it with `addEventListener`). */
  'onkeyward-change'?: (event: KeywardChangeEvent) => void
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'keyward-api-keys': KeywardApiKeysReactProps
    }
  }
}
