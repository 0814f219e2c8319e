export {
  ADAPTER_CASES,
  type AdapterCase,
  type AdapterFixture,
  adapterCaseInit,
  type ConformanceScope,
  type CredentialName,
  type Credentials,
  conformanceScopes,
  createAdapterFixture,
  expectAdapterCase,
  LOOPBACK_CASES,
  REPEATED_HEADER_CASES,
  type RepeatedHeaderCase,
} from './adapter-cases.js'
export {
  type AdapterConformanceOptions,
  adapterConformance,
  type ConformanceAdapter,
  type ConformanceRoute,
  type ConformanceRoutes,
} from './adapter-conformance.js'
export {
  type AuditLogFactory,
  type AuditLogFactoryOptions,
  auditLogConformance,
} from './audit-log-conformance.js'
export {
  type CheckedExchange,
  type CheckResponse,
  type ManagementApp,
  type ManagementConformanceOptions,
  managementConformance,
  type ServeManagement,
  type ServeManagementWithPrincipal,
} from './management-conformance.js'
export {
  type RevocationListConformanceOptions,
  type RevocationListFactory,
  type RevocationListInstances,
  revocationListConformance,
} from './revocation-list-conformance.js'
export type { ServedApp } from './served.js'
export {
  type TokenStoreFactory,
  tokenStoreConformance,
} from './token-store-conformance.js'
export {
  type UsageBackendFactory,
  usageBackendConformance,
} from './usage-backend-conformance.js'
export { type WebhookQueueFactory, webhookQueueConformance } from './webhook-queue-conformance.js'
