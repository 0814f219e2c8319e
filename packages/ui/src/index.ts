/**
 * `@keyward/ui`: `<keyward-api-keys>`, the Settings → API Keys page as a web component.
 * Importing this module defines the element (once, whoever imports it first).
 */
import { KeywardApiKeys } from './api-keys-element.js'
import { styles } from './styles.js'

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

// The element's styles (`static styles`), set here rather than in its class so that the browser
// bundle holds them after the element's code, which keeps the views, the strings and the code
// that uses them within gzip's 32 kB window of one another: 0.08 kB smaller.
KeywardApiKeys.styles = styles

if (!customElements.get('keyward-api-keys')) {
  customElements.define('keyward-api-keys', KeywardApiKeys)
}
