export type { RedisClient } from './lib/client.js'
export { RedisRevocationList, type RedisRevocationListOptions } from './redis-revocation-list.js'
export { RedisTokenStore, type RedisTokenStoreOptions } from './redis-token-store.js'
