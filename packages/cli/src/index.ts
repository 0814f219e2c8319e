export { type ApiBackendOptions, apiBackend } from './backends/api.js'
export type { Backend, CreateInput, KeyView } from './backends/backend.js'
export {
  connectPostgresBackend,
  type PostgresBackendOptions,
} from './backends/postgres.js'
export { connectRedisBackend, type RedisBackendOptions } from './backends/redis.js'
export { checkToken, type TokenCheck } from './check.js'
export type { CliIo } from './cli-io.js'
export { EXIT, type ExitCode } from './exit-codes.js'
export {
  type FileImportReport,
  type FileImportResult,
  importJsonlFile,
} from './import-file.js'
export { run } from './program.js'
export { type Finding, type FoundToken, findTokens, type ScanOptions, scanPaths } from './scan.js'
