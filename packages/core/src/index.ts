export { createKeyward, type Keyward, type KeywardOptions } from './keyward.js'
export type { VerifyCacheOptions, VerifyOptions } from './verify.js'
export {
  parseInstant,
  type CreateKeyInput,
  type IssuedKey,
  type Instant,
  type KeyLifecycle,
  type RotateKeyInput,
  type UpdateKeyInput,
} from './keys.js'
export {
  defineScopes,
  grantCovers,
  grants,
  isScope,
  isScopeGrant,
  isSubsetOf,
  openScopeCatalog,
  scopeRequirement,
  type ScopeCatalog,
  type ScopeGrant,
  type ScopeRequirement,
  type WildcardGrant,
} from './scopes.js'
export {
  BODY_LENGTH,
  CHECKSUM_LENGTH,
  MAX_PREFIX_LENGTH,
  SECRET_LENGTH,
  assertPrefix,
  generateKeyId,
  generateToken,
  isKeyId,
  isValidPrefix,
  parseToken,
  tokenChecksum,
  tokenHint,
  type ParsedToken,
} from './token.js'
export { createTokenHasher, hashToken, toBase64Url, type TokenHasher, type TokenHasherOptions } from './hash.js'
export { configDuration, durationToMs, parseDuration, type Duration } from './duration.js'
export { assertKeyRecord, toApiKey } from './record.js'
export { MemoryTokenStore } from './memory-token-store.js'
export { MemoryRevocationList, type MemoryRevocationListOptions } from './memory-revocation-list.js'
export {
  DEFAULT_REALM,
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidRequestError,
  InvalidTokenError,
  KeywardError,
  MissingTokenError,
  NotFoundError,
  PROBLEM_CONTENT_TYPE,
  RequestTooLargeError,
  UnavailableError,
  challengeValue,
  errorResponse,
  isKeywardError,
  type ErrorResponse,
  type InvalidTokenCode,
  type KeywardErrorCode,
  type KeywardErrorOptions,
  type Problem,
} from './errors.js'
export type {
  AccessTokenIssuer,
  ApiKey,
  IssuedAccessToken,
  KeyEvent,
  KeyMetadata,
  KeyRecord,
  KeyRecordPatch,
  RevocationEvent,
  RevocationList,
  RevocationSubject,
  TokenClaims,
  TokenKind,
  TokenStore,
  VerifiedKey,
} from './types.js'
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
