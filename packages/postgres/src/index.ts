export type { PgPool, PgPoolClient, PgQuery, PgQueryable, PgResult } from './lib/client.js'
export { migrationSql } from './lib/schema.js'
export { type MigrateOptions, migrate } from './migrate.js'
export { PostgresAuditLog, type PostgresAuditLogOptions } from './postgres-audit-log.js'
export {
  PostgresRevocationList,
  type PostgresRevocationListOptions,
} from './postgres-revocation-list.js'
export { PostgresTokenStore, type PostgresTokenStoreOptions } from './postgres-token-store.js'
export { PostgresUsageBackend, type PostgresUsageBackendOptions } from './postgres-usage-backend.js'
export { PostgresWebhookQueue, type PostgresWebhookQueueOptions } from './postgres-webhook-queue.js'
