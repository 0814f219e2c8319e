export {
  errorResponse,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  isKeywardError,
  KeywardError,
  type KeywardErrorCode,
  MissingTokenError,
  type Problem,
  UnavailableError,
  type VerifiedKey,
} from '@keyward/core'
export type { AuthenticateOptions } from '@keyward/core/adapter'
export { type ApiKeyAuthOptions, apiKeyAuth, type KeywardHook } from './api-key-auth.js'
export { type ApiKeysRouterOptions, apiKeysRouter } from './management.js'
export { type OAuthRouterOptions, oauthRouter } from './oauth.js'
export { type ApiKeyAuthPluginOptions, apiKeyAuthPlugin } from './plugin.js'
export { createGuards, type Guards, requireAnyScope, requireScopes } from './require-scopes.js'
export { type SecretScanningEndpointOptions, secretScanning } from './secret-scanning.js'
