export {
  type AuthenticateOptions,
  type AuthenticationRequest,
  type Authenticator,
  assertKeyward,
  createAuthenticator,
  createGuardFactories,
  createScopeGuard,
  type GuardFactories,
  type Guards,
  grantedScopes,
  type ScopeGuard,
  type ScopeName,
} from './authenticate.js'
export { configDuration, type Duration, durationToMs, parseDuration } from './duration.js'
export {
  challengeValue,
  DEFAULT_REALM,
  type ErrorResponse,
  errorResponse,
  ForbiddenError,
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidRequestError,
  type InvalidTokenCode,
  InvalidTokenError,
  isKeywardError,
  KeyInactiveError,
  KeywardError,
  type KeywardErrorCode,
  type KeywardErrorOptions,
  MissingTokenError,
  NotFoundError,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  RequestTooLargeError,
  UnavailableError,
} from './errors.js'
export {
  createTokenHasher,
  hashToken,
  type TokenHasher,
  type TokenHasherOptions,
  toBase64Url,
} from './hash.js'
export type {
  CreateKeyInput,
  Instant,
  IssuedKey,
  KeyLifecycle,
  RotateKeyInput,
  UpdateKeyInput,
} from './keys.js'
export { createKeyward, type Keyward, type KeywardOptions } from './keyward.js'
export { parseInstant } from './lib/key-input.js'
export {
  type ApiKeyJson,
  createManagementApi,
  type ManagementApi,
  type ManagementApiOptions,
  type ManagementBody,
  type ManagementBodyFailure,
  type ManagementRequest,
  type ManagementResponse,
  toApiKeyJson,
} from './management.js'
export { MemoryRevocationList, type MemoryRevocationListOptions } from './memory-revocation-list.js'
export { MemoryTokenStore } from './memory-token-store.js'
export { assertKeyRecord, toApiKey } from './record.js'
export {
  defineScopes,
  grantCovers,
  grants,
  isScope,
  isScopeGrant,
  isSubsetOf,
  openScopeCatalog,
  type ScopeCatalog,
  type ScopeGrant,
  type ScopeRequirement,
  scopeRequirement,
  type WildcardGrant,
} from './scopes.js'
export {
  assertPrefix,
  BODY_LENGTH,
  CHECKSUM_LENGTH,
  generateKeyId,
  generateToken,
  isKeyId,
  isValidPrefix,
  MAX_PREFIX_LENGTH,
  type ParsedToken,
  parseToken,
  SECRET_LENGTH,
  tokenChecksum,
  tokenHint,
} from './token.js'
export type {
  AccessTokenIssuer,
  ApiKey,
  IssuedAccessToken,
  KeyEvent,
  KeyMetadata,
  KeyRecord,
  KeyRecordPatch,
  KeyStatus,
  RevocationEvent,
  RevocationList,
  RevocationSubject,
  TokenClaims,
  TokenKind,
  TokenStore,
  UpdateCondition,
  VerifiedKey,
} from './types.js'
export { type VerifyCacheOptions, type VerifyOptions, verifiedKeyOf } from './verify.js'
