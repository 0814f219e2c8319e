/**
 * Builds what both example APIs serve from the environment, before either framework is involved.
 *
 * Environment:
 * - `PORT` (default 3000), `HOST` (default 127.0.0.1): where to listen.
 * - `REDIS_URL`: keep keys and revocations in Redis, shared by every instance pointing at
 *   it (`REDIS_NAMESPACE`, default `keyward-example`); without it, the memory store.
 * - `ADMIN_TOKEN` (with `REDIS_URL`): reuse this admin token instead of minting one, so a
 *   second instance shares the first one's admin. It must verify, or the process exits.
 * - `JWT_PRIVATE_JWK`: the private JWK (JSON) signing access tokens; default a key generated
 *   at start. Give every instance the same one so each verifies the others' tokens.
 *
 * Keys are issued and accepted with the `kw_test` prefix only: a test server never takes
 * production (`kw_live`) keys, and they are refused as malformed before any lookup.
 */
import { createKeyward, type Keyward, type RevocationList, type TokenStore } from '@keyward/core'
import {
  type AccessTokens,
  createAccessTokens,
  generateSigningKey,
  type SigningKey,
} from '@keyward/jwt'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import { type Scope, scopes } from './app.js'

const PREFIX = 'kw_test'

/** What an example's `main.ts` serves, built from the environment by {@link bootstrap}. */
export interface Example {
  /** Where to listen: `PORT`, default 3000 (0 picks a free port). */
  port: number
  /** Where to listen: `HOST`, default `127.0.0.1`. */
  host: string
  /** The verifier and key lifecycle, on Redis with `REDIS_URL`, else in memory. */
  keyward: Keyward<Scope>
  /** Mints and verifies access tokens; already one of `keyward`'s token kinds. */
  accessTokens: AccessTokens
  /** A token holding every scope: `ADMIN_TOKEN` when Redis knows it, else a new one. */
  adminToken: string
  /** Where keys live, as printed at start: `memory` or `Redis (<namespace>)`. */
  store: string
  /** Closes `keyward`, then the Redis connection if there is one. */
  close(): Promise<void>
}

async function signingKey(): Promise<SigningKey> {
  const jwk = process.env.JWT_PRIVATE_JWK
  if (jwk === undefined || jwk === '') return generateSigningKey()
  const privateKey = JSON.parse(jwk) as { kid?: string }
  return { kid: privateKey.kid ?? 'example', privateKey }
}

/** The admin token: `ADMIN_TOKEN` when Redis already knows it, else a new one. */
async function adminToken(keyward: Keyward<Scope>, shared: boolean): Promise<string> {
  const given = process.env.ADMIN_TOKEN
  if (given !== undefined && given !== '') {
    if (shared) {
      await keyward.verify(given, { scopes: ['api_keys:manage'] })
      return given
    }
    console.warn('ADMIN_TOKEN is ignored without REDIS_URL: the memory store starts empty.')
  }
  const { token } = await keyward.keys.create({
    name: 'Bootstrap admin',
    ownerId: 'admin',
    scopes: ['*'],
    expiresIn: '30d',
  })
  return token
}

/**
 * Reads the environment (see the top of this file), connects Redis if asked, builds the
 * access tokens and the Keyward instance, waits until it is ready and resolves the admin
 * token. Rejects when `ADMIN_TOKEN` does not verify or a backend cannot be reached.
 */
export async function bootstrap(): Promise<Example> {
  const port = Number(process.env.PORT ?? 3000)
  const host = process.env.HOST ?? '127.0.0.1'
  const redisUrl = process.env.REDIS_URL
  const redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 2 }) : undefined
  const namespace = process.env.REDIS_NAMESPACE ?? 'keyward-example'
  const backends: { store?: TokenStore; revocations?: RevocationList } = redis
    ? {
        store: new RedisTokenStore(redis, { namespace }),
        revocations: new RedisRevocationList(redis, { namespace }),
      }
    : {}

  const accessTokens = createAccessTokens({
    issuer: 'urn:keyward:example',
    audience: 'urn:keyward:example-api',
    signingKeys: [await signingKey()],
  })
  const keyward = createKeyward({
    prefix: PREFIX,
    scopes,
    ...backends,
    tokenKinds: [accessTokens],
  })
  await keyward.ready()

  return {
    port,
    host,
    keyward,
    accessTokens,
    adminToken: await adminToken(keyward, redis !== undefined),
    store: redis ? `Redis (${namespace})` : 'memory',
    async close() {
      await keyward.close()
      await redis?.quit()
    },
  }
}
