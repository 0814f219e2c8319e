/**
 * What the Express and the Hono example apps are both built from: the scope catalog and the
 * options besides the Keyward instance. Web-standard only (no `node:`, no Redis), because the
 * Hono app that imports it also runs on edge runtimes.
 */
import { defineScopes, type ScopeName } from '@keyward/core'
import type { AccessTokens } from '@keyward/jwt'

/** The example's scope catalog: what keys can be granted, and what a UI would show. */
export const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'api_keys:manage': 'Manage API keys',
})

export type Scope = ScopeName<typeof scopes>

/** What the app is built from besides its Keyward instance. */
export interface AppOptions {
  /**
   * Enables `POST /api-keys/token` and publishes `GET /.well-known/jwks.json`. The same
   * object must be in `createKeyward({ tokenKinds })` so the minted tokens verify.
   */
  accessTokens?: AccessTokens
}
