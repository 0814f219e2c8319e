/**
 * `@keyward/core/adapter`: what Keyward's own packages, and anyone writing a store, limiter,
 * token kind or framework adapter, build on without it being part of the application-facing
 * API (`@keyward/core`). Each decision stays in core, once:
 *
 * - option validation: each check once, one message style (`TypeError('<option> must be …')`),
 *   thrown at construction rather than on a request;
 * - a framework adapter's middleware (`createAuthenticator` on a minimal request shape, the
 *   scope guards of `createGuardFactories`) and routes (`createManagementApi`,
 *   `createOAuthServer`, `createSecretScanningHandler`), framework-free;
 * - what a store checks (`assertKeyRecord`, `assertRecordPatch`), what a shared revocation list
 *   builds on (`RevocationMirror` and its message format), what a limiter implements, and the
 *   arguments of those interfaces;
 * - scope requirements compiled once, least privilege, and what a failed backend becomes.
 *
 * @packageDocumentation
 */

/** What every `AuditLog` shares to answer `list`: options, cursor, order, filter, retention. */
export {
  type AuditPosition,
  auditComesAfter,
  auditNewestFirst,
  auditPageOf,
  auditRetentionOption,
  DEFAULT_AUDIT_PAGE_SIZE,
  DEFAULT_AUDIT_RETENTION,
  decodeAuditCursor,
  EVERY_OWNER,
  encodeAuditCursor,
  MAX_AUDIT_LOG_PAGE_SIZE,
  MAX_AUDIT_PAGE_SIZE,
  matchesAuditQuery,
  type ResolvedAuditQuery,
  resolveAuditQuery,
  withinRetention,
} from './backends/audit-page.js'
/** What every `TokenStore` shares to answer `listByOwner`: options, cursor, order, status. */
export {
  comesAfter,
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  foldName,
  KEY_STATUSES,
  type KeyPosition,
  MAX_PAGE_SIZE,
  MAX_STORE_PAGE_SIZE,
  newestFirst,
  type ResolvedListOptions,
  recordStatus,
  resolveListOptions,
  statusMatches,
} from './backends/key-page.js'
/** What every `TokenStore` checks of what it reads and of an update before it writes. */
export {
  assertKeyRecord,
  assertRecordPatch,
  conditionActiveAt,
  MAX_ALLOWED_IPS,
  meetsCondition,
} from './backends/record.js'
/** What a shared `RevocationList` builds on: the mirror and the shipped lists' message format. */
export {
  decodeRevocationMessage,
  encodeRevocationMessage,
  type RevocationChange,
  type RevocationMessage,
  revocationChange,
  revocationEventOf,
} from './backends/revocation-change.js'
export {
  type MirrorFreshness,
  type MirrorReading,
  RevocationMirror,
  type RevocationMirrorOptions,
  type RevocationState,
} from './backends/revocation-mirror.js'
/** A duration (seconds or `'90d'`) in milliseconds, or `undefined`. */
export { configDuration, durationToMs } from './duration.js'
/** Bearer challenges for components that answer their own 401s, with Keyward's default realm. */
export { challengeValue, DEFAULT_REALM } from './errors.js'
/** A framework adapter's middleware: credential and verification. */
export {
  type AuthenticateOptions,
  type AuthenticationRequest,
  type Authenticator,
  createAuthenticator,
} from './http/authenticate.js'
/** The client address through trusted proxies only, for adapters without a trust setting of their own. */
export {
  clientAddress,
  clientIpField,
  type ProxyTrust,
  type TrustProxy,
  trustProxyOption,
} from './http/client-address.js'
/** A framework adapter's route guards: scopes checked and the route's cost charged. */
export {
  createGuardFactories,
  createScopeGuard,
  type GuardArguments,
  type GuardFactories,
  type GuardOptions,
  type Guards,
  grantedScopes,
  type ScopeGuard,
} from './http/guards.js'
/** A framework adapter's management routes, framework-free. */
export {
  createManagementApi,
  type ManagementApi,
  type ManagementApiOptions,
} from './http/management/api.js'
/** The OAuth metadata and introspection endpoints, framework-free. */
export {
  createOAuthServer,
  type OAuthServer,
  type OAuthServerOptions,
} from './http/oauth/server.js'
/** The OAuth token endpoint, framework-free. */
export {
  createTokenEndpoint,
  type OAuthAccessTokens,
  type TokenEndpoint,
  type TokenEndpointOptions,
} from './http/oauth/token-endpoint.js'
/** A header from Node's raw header lines, repeated lines joined, so two credentials are seen. */
export { rawHeaderValue } from './http/raw-headers.js'
/** The framework-free request and response shapes, and the body reading every adapter shares. */
export {
  bodyText,
  type ManagementBody,
  type ManagementBodyFailure,
  type ManagementRequest,
  type ManagementResponse,
} from './http/request.js'
/** The GitHub secret-scanning endpoint, framework-free. */
export {
  createSecretScanningHandler,
  type SecretScanningHandler,
  type SecretScanningOptions,
  type SecretScanningRequest,
  type SecretScanningResponse,
  type SecretScanningResult,
} from './http/secret-scanning.js'
/** The check that a value is a Keyward instance, for components built on one. */
export { assertKeyward } from './keyward.js'
/** A bounded wait on work that cannot be recalled (a command already sent): late replies settled, not lost. */
export { type Deadline, withinDeadline } from './lib/deadline.js'
/** Option validation. */
export {
  assertEpochMs,
  assertImplements,
  assertNonEmptyString,
  assertNonNegativeInteger,
  assertObject,
  booleanOption,
  functionOption,
  hasMethods,
  logError,
  nonNegativeIntegerOption,
  nowOption,
  onErrorOption,
  oneOfOption,
  positiveIntegerOption,
} from './lib/options.js'
/** What a limiter implements (`KeywardOptions.limiter`). */
export {
  type Limiter,
  type LimitOutcome,
  type LimitPolicy,
  limitPolicyOf,
} from './limits/policy.js'
/** Scope decisions made once: compiled requirements, grant syntax and least privilege. */
export {
  assertGrantable,
  isScopeGrant,
  missingScopes,
  requirementCompiler,
  type ScopeRequirement,
  scopeRequirement,
} from './scopes.js'
/** Types of the store, revocation and token-kind interfaces' arguments. */
export type {
  AccessTokenIssuer,
  IssuedAccessToken,
  KeyRecordPatch,
  RevocationEvent,
  RevocationSubject,
  TokenClaims,
  TokenKind,
  UpdateCondition,
} from './types.js'
/** A failed backend becomes `unavailable` (503, fail closed), decided once. */
export { fromBackend, unavailable } from './unavailable.js'
/** A token kind's (say `@keyward/jwt`'s) verified credential, in Keyward's one shape. */
export { verifiedKeyOf } from './verify/entry.js'
