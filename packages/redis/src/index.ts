export type { RedisClient } from './lib/client.js'
export { RedisLimiter, type RedisLimiterOptions } from './redis-limiter.js'
export { RedisRevocationList, type RedisRevocationListOptions } from './redis-revocation-list.js'
export { RedisTokenStore, type RedisTokenStoreOptions } from './redis-token-store.js'
