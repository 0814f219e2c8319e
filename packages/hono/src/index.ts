export {
  errorResponse,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  IpNotAllowedError,
  isKeywardError,
  KeywardError,
  type KeywardErrorCode,
  MissingTokenError,
  type Problem,
  UnavailableError,
  type VerifiedKey,
} from '@keyward/core'
export type { AuthenticateOptions, ProxyTrust, TrustProxy } from '@keyward/core/adapter'
export { type ApiKeyAuthOptions, type ApiKeyVariables, apiKeyAuth } from './api-key-auth.js'
export type { ClientAddressOptions } from './lib/client-address.js'
export { type ApiKeyRoutesOptions, apiKeyRoutes } from './management.js'
export { type OAuthRoutesOptions, oauthRoutes } from './oauth.js'
export { createGuards, type Guards, requireAnyScope, requireScopes } from './require-scopes.js'
export { type SecretScanningEndpointOptions, secretScanning } from './secret-scanning.js'
