/**
 * The management API's answers as the component reads them. These mirror `@keyward/core`'s
 * `ApiKeyJson` and `CatalogJson` so that the browser bundle needs nothing from the server
 * packages.
 */

/** Where a key stands when the server answered. */
export type KeyStatus = 'active' | 'expired' | 'revoked' | 'rotated'

/** A key as `GET /api-keys` lists it (times as ISO 8601, never the secret). */
export interface ApiKeyJson {
  id: string
  name: string
  /** What the token starts with, e.g. `kw_test_ab12…`: enough to recognise it, never to use it. */
  hint: string
  ownerId: string
  scopes: string[]
  createdAt: string
  expiresAt: string
  /** `null` until the key is first used. */
  lastUsedAt: string | null
  status: KeyStatus
  metadata?: Record<string, unknown>
  rotatedFrom?: string
  rotatedTo?: string
}

/** One scope of `GET /api-keys/catalog`. */
export interface CatalogScope {
  name: string
  description: string
  /** The part of the name before the first `:`. */
  resource: string
  /** Whether the signed-in viewer holds it, so may grant it. */
  grantable: boolean
}

/** What `GET /api-keys/catalog` answers: what the page needs to draw itself. */
export interface Catalog {
  scopes: CatalogScope[]
  groups: { resource: string; scopes: string[] }[]
  grantable: string[]
  /** Longest key lifetime, seconds. */
  maxLifetime: number
  /** Lifetime of a key created without an expiry, seconds; `null` when one is required. */
  defaultExpiresIn: number | null
  /** Longest rotation grace period, seconds. */
  maxGracePeriod: number
}

/** What `POST /api-keys` and `POST /api-keys/:id/rotate` answer. The token is shown once. */
export interface IssuedKeyJson {
  key: ApiKeyJson
  token: string
}
