import type { ApiKeyJson } from './types.js'

/** What `keyward-change` reports. The one-time token is never part of it. */
export interface ApiKeysChangeDetail {
  action: 'created' | 'rotated' | 'updated' | 'deleted' | 'revoked-all'
  /** The key created, the new key of a rotation, or the key changed or deleted. */
  key?: ApiKeyJson
}
