/**
 * `@keyward/core`: what an application uses — `createKeyward`, scopes, errors, the store and
 * revocation interfaces and their in-memory defaults, the token format. What stores, limiters
 * and framework adapters build on is `@keyward/core/adapter`; the conformance suites are
 * `@keyward/core/testing`.
 *
 * @packageDocumentation
 */

export { MemoryAuditLog, type MemoryAuditLogOptions } from './backends/memory-audit-log.js'
export { MemoryLimiter, type MemoryLimiterOptions } from './backends/memory-limiter.js'
export {
  MemoryRevocationList,
  type MemoryRevocationListOptions,
} from './backends/memory-revocation-list.js'
export { MemoryTokenStore } from './backends/memory-token-store.js'
export { MemoryUsageBackend } from './backends/memory-usage-backend.js'
export { type OriginOptions, originList, originStore } from './backends/origin.js'
export {
  PollingRevocationList,
  type PollingRevocationListOptions,
  type RevocationFeedSource,
} from './backends/polling-revocation-list.js'
export { RevocationFeed, type RevocationFeedPage } from './backends/revocation-feed.js'
export { type Duration, parseDuration } from './duration.js'
export {
  type AnyKeywardError,
  type ErrorResponse,
  errorResponse,
  ForbiddenError,
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidRequestError,
  InvalidSignatureError,
  type InvalidTokenCode,
  InvalidTokenError,
  IpNotAllowedError,
  isKeywardError,
  KeyInactiveError,
  KeywardError,
  type KeywardErrorCode,
  type KeywardErrorInit,
  type KeywardErrorOptions,
  MissingTokenError,
  NotFoundError,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  RateLimitedError,
  RequestTooLargeError,
  UnavailableError,
} from './errors.js'
export {
  GITHUB_SECRET_SCANNING_KEYS_URL,
  type GitHubPublicKeysOptions,
  githubPublicKeys,
} from './http/github-public-keys.js'
export type { AuditEventJson } from './http/management/audit-route.js'
export {
  type ApiKeyJson,
  type CatalogJson,
  type CatalogScopeJson,
  toApiKeyJson,
} from './http/management/json.js'
export {
  type OpenApiDocumentOptions,
  type OpenApiOAuthPaths,
  type OpenApiOptions,
  openApiDocument,
} from './http/management/openapi.js'
export type { KeyUsageJson, UsageSummaryJson } from './http/management/usage-route.js'
export type { Principal } from './http/principal.js'
export {
  type BackendReadiness,
  type BackendState,
  type NotReadyBody,
  type Readiness,
  type ReadyBody,
  type RevocationsReadiness,
  readiness,
  type StoreReadiness,
} from './http/readiness.js'
export { secretScanningPattern } from './http/secret-scanning.js'
export type {
  SecretScanningKeySource,
  SecretScanningPublicKey,
} from './http/secret-scanning-signature.js'
export type { AuditQuery, EventOrigin } from './keys/audit.js'
export type {
  ActionContext,
  CreateKeyInput,
  ImportKeyRecord,
  ImportOptions,
  ImportReport,
  ImportResult,
  Instant,
  IssuedKey,
  KeyLifecycle,
  KeyPage,
  LeakOutcome,
  LeakReport,
  ListPageOptions,
  RotateKeyInput,
  SuspendKeyInput,
  UpdateKeyInput,
} from './keys/lifecycle.js'
export {
  createKeyward,
  type KeyLimits,
  type Keyward,
  type KeywardAudit,
  type KeywardUsage,
} from './keyward.js'
export type { KeywardOptions } from './keyward-options.js'
export type { CreditsInput, RateLimitInput } from './limits/input.js'
export { rateLimitHeaders } from './limits/policy.js'
export type { PoliciesOptions, PolicyRules } from './policies/options.js'
export type { Policies } from './policies/scheduler.js'
export {
  defineScopes,
  type ScopeCatalog,
  type ScopeGrant,
  type ScopeName,
  type WildcardGrant,
} from './scopes.js'
export {
  createTokenHasher,
  hashToken,
  type TokenHasher,
  type TokenHasherOptions,
} from './token/hash.js'
export {
  CHECKSUM_LENGTH,
  generateToken,
  isValidPrefix,
  MAX_PREFIX_LENGTH,
  type ParsedToken,
  parseToken,
  SECRET_LENGTH,
  tokenHint,
} from './token/token.js'
export type {
  ApiKey,
  AuditEvent,
  AuditListOptions,
  AuditLog,
  AuditPage,
  KeyCredits,
  KeyEvent,
  KeyMetadata,
  KeyRecord,
  KeyRecordPage,
  KeyStatus,
  ListKeysOptions,
  RateLimit,
  RateLimitState,
  RevocationList,
  RevocationSnapshot,
  TokenStore,
  UsageAddress,
  UsageBackend,
  UsageBatch,
  UsageBucket,
  UsageGranularity,
  UsageLastUse,
  UsageOutcome,
  UsageOutcomes,
  UsageWhereFrom,
  VerifiedKey,
} from './types.js'
export type { UsageOptions } from './usage/options.js'
export type { KeyUsage, UsageQuery, UsageSummary, UsageSummaryQuery } from './usage/read.js'
export { DEPLOYMENT_USAGE_ID, USAGE_OUTCOMES } from './usage-types.js'
export type { VerifyCacheOptions } from './verify/cache.js'
export type { VerifyOptions } from './verify/verifier.js'
export type { Webhooks } from './webhooks/dispatcher.js'
export { MemoryWebhookQueue } from './webhooks/memory-webhook-queue.js'
export {
  WEBHOOK_EVENT_TYPES,
  type WebhookEndpointOptions,
  type WebhookEventType,
  type WebhooksOptions,
} from './webhooks/options.js'
export { webhookBody, webhookType } from './webhooks/payload.js'
export {
  WEBHOOK_LOG_SIZE,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpointState,
  type WebhookQueue,
} from './webhooks/queue.js'
