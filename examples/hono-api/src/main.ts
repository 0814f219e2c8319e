/**
 * Runs the example API: `pnpm start` (or `tsx src/main.ts`).
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

import { serve } from '@hono/node-server'
import {
  createKeyward,
  isKeywardError,
  type Keyward,
  type RevocationList,
  type TokenStore,
} from '@keyward/core'
import { createAccessTokens, generateSigningKey, type SigningKey } from '@keyward/jwt'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import { Redis } from 'ioredis'
import { createApp, type Scope, scopes } from './app.js'

const PREFIX = 'kw_test'

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

async function main() {
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
  const admin = await adminToken(keyward, redis !== undefined)

  const server = serve(
    { fetch: createApp(keyward, { accessTokens }).fetch, port, hostname: host },
    (info) => {
      console.log(`Keyward example API (Hono) listening on http://${host}:${info.port}`)
      console.log(`store: ${redis ? `Redis (${namespace})` : 'memory'}`)
      console.log(`admin token: ${admin}`)
    },
  )

  const stop = () => {
    server.close()
    keyward
      .close()
      .then(() => redis?.quit())
      .finally(() => process.exit(0))
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

main().catch((error: unknown) => {
  const reason = isKeywardError(error) ? `${error.code}: ${error.message}` : error
  console.error('The example API could not start:', reason)
  process.exit(1)
})
