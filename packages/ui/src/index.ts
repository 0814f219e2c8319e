/**
 * `@keyward/ui`: `<keyward-api-keys>`, the Settings → API Keys page as a web component.
 * Importing this module defines the element (once, whoever imports it first).
 */
import { KeywardApiKeys } from './api-keys-element.js'

export { type ApiKeysChangeDetail, KeywardApiKeys } from './api-keys-element.js'
export { type ApiKeysStrings, defaultStrings } from './strings.js'
export type {
  ApiKeyJson,
  Catalog,
  CatalogScope,
  CreditsJson,
  IssuedKeyJson,
  KeyPageJson,
  KeyStatus,
  RateLimitJson,
} from './types.js'

if (!customElements.get('keyward-api-keys')) {
  customElements.define('keyward-api-keys', KeywardApiKeys)
}
