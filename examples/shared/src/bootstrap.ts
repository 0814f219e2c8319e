/**
 * Builds what both example APIs serve from the environment, before either framework is involved.
 *
 * Environment:
 * - `PORT` (default 3000), `HOST` (default 127.0.0.1): where to listen.
 * - `DATABASE_URL` (`postgres://…`): keep keys and revocations in PostgreSQL, shared by
 *   every instance pointing at it (`DATABASE_SCHEMA`, default `public`; the tables are
 *   created at start by `migrate`).
 * - `REDIS_URL`: keep keys and revocations in Redis, shared by every instance pointing at
 *   it (`REDIS_NAMESPACE`, default `keyward-example`). With `DATABASE_URL` too, keys stay in
 *   PostgreSQL and only revocations go through Redis (the mixed deployment). Per-key rate
 *   limits and credits are counted in Redis too (`RedisLimiter`), across instances.
 *   With neither, the memory store; without Redis, limits are counted per instance.
 * - `ADMIN_TOKEN` (with a shared backend): reuse this admin token instead of minting one, so
 *   a second instance shares the first one's admin. It must verify, or the process exits.
 * - `JWT_PRIVATE_JWK`: the private JWK (JSON) signing access tokens; default a key generated
 *   at start. Give every instance the same one so each verifies the others' tokens, and the
 *   same `ISSUER` too: a token's `iss` is checked, and the default issuer differs by port.
 *   One that cannot sign a token its own public key verifies stops the start, and so does
 *   one given with a shared store but without `ISSUER`.
 * - `ISSUER`: the OAuth issuer identifier, the `iss` of access tokens and of the metadata at
 *   `/.well-known/oauth-authorization-server`; default `http://<HOST>:<PORT>`. Set it to the
 *   URL clients reach (with `PORT=0`, behind a proxy, or on every instance sharing a store).
 * - `RATE_LIMIT`: the deployment's default rate limit, `<limit>/<window>` (`100/1m`: 100
 *   requests a minute; the window in seconds or `1s`, `1m`, `1h`, `1d`), counted per key for
 *   every key without limits of its own; default none. The bootstrap admin token is created
 *   with no limits (`rateLimits: []`), so the default never throttles it. A value core refuses
 *   (a limit of 0, a window past 366 days) stops the start.
 * - `TRUST_PROXY`: which proxies in front of the example are believed about the client's
 *   address (what a key's `allowedIps` are checked against), through `X-Forwarded-For` (and,
 *   on Hono, RFC 7239 `Forwarded`): a hop count (`1`: the one proxy in front), or a
 *   comma-separated list of `loopback`, `linklocal`, `uniquelocal`, addresses and CIDR ranges
 *   (`loopback, 10.0.0.0/8`). Default none: the headers are ignored and the connection's peer
 *   is the client. Express gets it as `app.set('trust proxy', …)`, Hono as `trustProxy`. A
 *   value that is neither stops the start.
 * - `WEBHOOK_URL`, `WEBHOOK_SECRET` (`whsec_…`): send every key event there as a signed
 *   Standard Webhooks delivery, from a queue in PostgreSQL (with `DATABASE_URL`), else Redis
 *   (with `REDIS_URL`), else memory. One without the other, or a secret core refuses, stops
 *   the start.
 *
 * - `EDGE_SECRET` (at least 32 characters): serve an edge deployment (`examples/edge-hono`)
 *   its revocation feed and keys by digest at `/api-keys/edge/*`, to callers presenting it as
 *   the `Keyward-Edge-Secret` header. Default none: those routes are 404. A shorter one stops
 *   the start.
 *
 * Keys are issued and accepted with the `kw_test` prefix only: a test server never takes
 * production (`kw_live`) keys, and they are refused as malformed before any lookup.
 */
import {
  createKeyward,
  isKeywardError,
  type Keyward,
  type KeywardOptions,
  type RateLimitInput,
  type VerifiedKey,
} from '@keyward/core'
import { trustProxyOption } from '@keyward/core/adapter'
import {
  type AccessTokens,
  createAccessTokens,
  generateSigningKey,
  type SigningKey,
} from '@keyward/jwt'
import {
  migrate,
  PostgresAuditLog,
  PostgresRevocationList,
  PostgresTokenStore,
  PostgresUsageBackend,
  PostgresWebhookQueue,
} from '@keyward/postgres'
import {
  RedisAuditLog,
  RedisLimiter,
  RedisRevocationList,
  RedisTokenStore,
  RedisUsageBackend,
  RedisWebhookQueue,
} from '@keyward/redis'
import { Redis } from 'ioredis'
import pg from 'pg'
import { type Scope, scopes } from './app.js'

const PREFIX = 'kw_test'

/** What an example's `main.ts` serves, built from the environment by {@link bootstrap}. */
export interface Example {
  /** Where to listen: `PORT`, default 3000 (0 picks a free port). */
  port: number
  /** Where to listen: `HOST`, default `127.0.0.1`. */
  host: string
  /** The verifier and key lifecycle, on PostgreSQL and/or Redis when configured, else in memory. */
  keyward: Keyward<Scope>
  /** Mints and verifies access tokens; already one of `keyward`'s token kinds. */
  accessTokens: AccessTokens
  /** A token holding every scope: `ADMIN_TOKEN` when Redis knows it, else a new one. */
  adminToken: string
  /** `EDGE_SECRET`: the edge deployment's credential, `undefined` when none is served. */
  edgeSecret: string | undefined
  /**
   * `TRUST_PROXY`, checked: a hop count or a list of `loopback`-style names, addresses and
   * CIDR ranges; `undefined` when proxies are not trusted (the default).
   */
  trustProxy: number | string[] | undefined
  /**
   * Where keys live, as printed at start: `memory`, `Redis (<namespace>)` or
   * `PostgreSQL (<schema>)` (with `, revocations on Redis (<namespace>)` when mixed).
   */
  store: string
  /** Closes `keyward` and the limiter, then the Redis connection and the PostgreSQL pool if there are. */
  close(): Promise<void>
}

/**
 * The Redis client's options, as `@keyward/redis`'s README gives them: after an outage it
 * reconnects within a few hundred ms of Redis coming back (ioredis's default waits up to 2 s,
 * and the revocation list reloads only once this client is back too), with jitter so that
 * instances do not all knock at once; a command waits for at most two reconnections.
 */
const REDIS_OPTIONS = {
  retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 400) * (0.5 + Math.random() / 2),
  maxRetriesPerRequest: 2,
}

/** Makes a `JWT_PRIVATE_JWK` (an Ed25519 private JWK), as the README's "Set up" shows. */
const MAKE_JWK = `node -e "console.log(JSON.stringify(require('crypto').generateKeyPairSync('ed25519').privateKey.export({format:'jwk'})))"`

/** The signing key: `JWT_PRIVATE_JWK`, else a new one. Never quotes the variable's value. */
async function signingKey(): Promise<SigningKey> {
  const jwk = process.env.JWT_PRIVATE_JWK
  if (jwk === undefined || jwk === '') return generateSigningKey()
  let privateKey: SigningKey['privateKey'] | undefined
  try {
    privateKey = JSON.parse(jwk)
  } catch {
    // JSON.parse's message would quote the private key.
  }
  if (privateKey === null || typeof privateKey !== 'object' || Array.isArray(privateKey)) {
    throw new Error(`JWT_PRIVATE_JWK must be a private JWK in JSON; make one with: ${MAKE_JWK}`)
  }
  const { kid } = privateKey as { kid?: unknown }
  return { kid: typeof kid === 'string' ? kid : 'example', privateKey }
}

/** Why `JWT_PRIVATE_JWK` cannot be used, with the recipe for one that can. */
function unusableJwk(reason: string): Error {
  return new Error(
    `JWT_PRIVATE_JWK is not a usable private key (${reason}); make one with: ${MAKE_JWK}`,
  )
}

/**
 * The access tokens, once a token signed with the active key has verified against the public
 * key `jwks()` publishes. Keys are imported lazily, so without this a JWK of the right shape
 * but with bad key data (a `d` too short, or from another key than `x`) would start the
 * server and fail at the first token. The probe token is never handed out.
 */
async function checkedAccessTokens(issuer: string, signing: SigningKey): Promise<AccessTokens> {
  const given = process.env.JWT_PRIVATE_JWK !== undefined && process.env.JWT_PRIVATE_JWK !== ''
  let accessTokens: AccessTokens
  try {
    accessTokens = createAccessTokens({
      issuer,
      audience: 'urn:keyward:example-api',
      signingKeys: [signing],
    })
  } catch (error) {
    // Only the key's own checks are about JWT_PRIVATE_JWK; a bad ISSUER says so itself.
    if (given && error instanceof TypeError && error.message.startsWith('signingKeys')) {
      throw unusableJwk(error.message)
    }
    throw error
  }
  const at = Date.now()
  const probe: VerifiedKey = {
    id: 'start-up-check',
    name: 'Start-up check',
    ownerId: 'example',
    scopes: ['api_keys:read'],
    createdAt: at,
    expiresAt: at + 60_000,
    kind: 'api_key',
  }
  try {
    await accessTokens.verifyAccessToken(await accessTokens.mintAccessToken(probe))
  } catch (error) {
    if (!given) throw error
    throw unusableJwk(
      // A signature that does not verify: the private and public halves are of two keys.
      isKeywardError(error)
        ? 'a token it signs does not verify with its public key'
        : error instanceof Error
          ? error.message
          : String(error),
    )
  }
  return accessTokens
}

/**
 * `ISSUER`, default `http://<HOST>:<PORT>`. Instances sharing a store and a signing key
 * accept each other's access tokens only under one issuer, and the default names each
 * instance's own port: there it must be given, or the instances would refuse each other's
 * tokens ("another issuer") long after a clean start.
 */
function oauthIssuer(host: string, port: number): string {
  const given = process.env.ISSUER
  if (given) return given
  const sharedStore = Boolean(process.env.DATABASE_URL || process.env.REDIS_URL)
  if (sharedStore && process.env.JWT_PRIVATE_JWK) {
    throw new Error(
      'ISSUER must be set when JWT_PRIVATE_JWK is given with DATABASE_URL or REDIS_URL: ' +
        'every instance sharing the store must name the same issuer, and the default ' +
        `(http://${host}:${port}) differs by port, so each would refuse the others' access tokens.`,
    )
  }
  return `http://${host}:${port}`
}

/** `PORT`: an integer from 0 to 65535, default 3000. */
function listenPort(): number {
  const given = process.env.PORT
  if (given === undefined || given === '') return 3000
  const port = /^\d{1,5}$/.test(given) ? Number(given) : Number.NaN
  if (!(port <= 65_535)) {
    throw new Error(
      `PORT must be an integer from 0 to 65535 (0 picks a free port), not "${given}".`,
    )
  }
  return port
}

/** What `TRUST_PROXY` must look like, for its error message. */
const TRUST_PROXY_SHAPE =
  'TRUST_PROXY must be a hop count (1) or a comma-separated list of loopback, linklocal, uniquelocal, addresses and CIDR ranges'

/**
 * `TRUST_PROXY` as both frameworks take it (Express's `trust proxy`, Hono's `trustProxy`): a
 * hop count or a list; `undefined` when not set. Checked by core's `trustProxyOption`, so a
 * typo stops the start instead of trusting nothing (or too much) in silence.
 */
function trustedProxies(): number | string[] | undefined {
  const given = process.env.TRUST_PROXY
  if (given === undefined || given === '') return undefined
  const value = /^\d{1,3}$/.test(given)
    ? Number(given)
    : given.split(',').map((entry) => entry.trim())
  try {
    trustProxyOption(value)
  } catch {
    throw new Error(`${TRUST_PROXY_SHAPE}, not "${given}".`)
  }
  return value
}

/** What `RATE_LIMIT` must look like, for its error messages. */
const RATE_LIMIT_SHAPE = 'RATE_LIMIT must be <limit>/<window> like 100/1m'

/**
 * `RATE_LIMIT` split into core's rate limit input, or `undefined` when not set. Only its
 * shape is checked here; the numbers are core's to judge (see {@link keywardWith}).
 */
function defaultRateLimit(): RateLimitInput | undefined {
  const given = process.env.RATE_LIMIT
  if (given === undefined || given === '') return undefined
  const [limit, window, ...rest] = given.split('/')
  if (limit === undefined || window === undefined || rest.length > 0) {
    throw new Error(`${RATE_LIMIT_SHAPE}, not "${given}".`)
  }
  const digits = /^\d+$/
  return {
    name: 'default',
    // Anything but digits becomes NaN, which core refuses like any other bad limit.
    limit: digits.test(limit) ? Number(limit) : Number.NaN,
    window: digits.test(window) ? Number(window) : window,
  }
}

/**
 * `createKeyward(options)`, its `TypeError` about `rateLimits` (the one option the
 * environment sets) told in `RATE_LIMIT`'s terms.
 */
function keywardWith(options: KeywardOptions<Scope>): Keyward<Scope> {
  try {
    return createKeyward(options)
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith('webhooks')) {
      throw new Error(`WEBHOOK_URL or WEBHOOK_SECRET refused: ${error.message}`)
    }
    if (!(error instanceof TypeError) || !error.message.startsWith('rateLimits')) throw error
    const reason = error.message
      .replace(/^.*? must be valid: /, '')
      .replaceAll('rateLimits[0].limit', 'the limit')
      .replaceAll('rateLimits[0].window', 'the window')
    throw new Error(`${RATE_LIMIT_SHAPE}, not "${process.env.RATE_LIMIT}": ${reason}`)
  }
}

/**
 * Logs the Redis connection's state changes, once each: down (with the reason) and back.
 * Without an `error` listener ioredis prints "Unhandled error event" with a stack on every
 * reconnection attempt while Redis is down.
 */
function logConnectionState(redis: Redis): void {
  let down = false
  redis.on('error', (error: Error) => {
    if (down) return
    down = true
    console.error(
      `redis: connection lost (${error.message}); retrying, /ready answers 503 once the revocation mirror is older than maxStaleness`,
    )
  })
  redis.on('ready', () => {
    if (!down) return
    down = false
    console.error('redis: connection back')
  })
}

/**
 * `WEBHOOK_URL` and `WEBHOOK_SECRET` as the `webhooks` option, queued where the keys are
 * shared (PostgreSQL first, then Redis, else memory); `undefined` when neither is set.
 */
function webhooksFromEnv(
  pool: pg.Pool | undefined,
  redis: Redis | undefined,
  where: { schema: string; namespace: string },
): KeywardOptions['webhooks'] {
  const url = process.env.WEBHOOK_URL || undefined
  const secret = process.env.WEBHOOK_SECRET || undefined
  if (url === undefined && secret === undefined) return undefined
  if (url === undefined || secret === undefined) {
    throw new Error('WEBHOOK_URL and WEBHOOK_SECRET go together: set both or neither')
  }
  const queue = pool
    ? new PostgresWebhookQueue(pool, { schema: where.schema })
    : redis
      ? new RedisWebhookQueue(redis, { namespace: where.namespace })
      : undefined
  return { endpoints: [{ url, secret }], ...(queue ? { queue } : {}) }
}

/**
 * The admin token: `ADMIN_TOKEN` when Redis already knows it, else a new one without rate
 * limits (an empty list of its own, which `RATE_LIMIT`'s default does not replace).
 */
async function adminToken(keyward: Keyward<Scope>, shared: boolean): Promise<string> {
  const given = process.env.ADMIN_TOKEN
  if (given !== undefined && given !== '') {
    if (shared) {
      await keyward.verify(given, { scopes: ['api_keys:manage'] })
      return given
    }
    console.warn(
      'ADMIN_TOKEN is ignored without DATABASE_URL or REDIS_URL: the memory store starts empty.',
    )
  }
  const { token } = await keyward.keys.create({
    name: 'Bootstrap admin',
    ownerId: 'admin',
    scopes: ['*'],
    expiresIn: '30d',
    // Its own empty list: never throttled by `RATE_LIMIT`, so the README's session keeps working.
    rateLimits: [],
  })
  return token
}

/**
 * Reads the environment (see the top of this file), connects Redis if asked, builds the
 * access tokens and the Keyward instance, waits until it is ready and resolves the admin
 * token. Rejects when `ADMIN_TOKEN` does not verify, `RATE_LIMIT` is refused or a backend
 * cannot be reached.
 */
export async function bootstrap(): Promise<Example> {
  const port = listenPort()
  const host = process.env.HOST || '127.0.0.1'
  // OAuth clients discover the server at the issuer, so it is the URL they reach.
  const issuer = oauthIssuer(host, port)
  // Before any backend is connected: a key that cannot sign stops the start right here.
  const accessTokens = await checkedAccessTokens(issuer, await signingKey())
  const rateLimit = defaultRateLimit()
  const trustProxy = trustedProxies()
  const edgeSecret = edgeSecretOf(process.env.EDGE_SECRET)
  const redisUrl = process.env.REDIS_URL
  const redis = redisUrl ? new Redis(redisUrl, REDIS_OPTIONS) : undefined
  if (redis) logConnectionState(redis)
  const namespace = process.env.REDIS_NAMESPACE ?? 'keyward-example'
  const databaseUrl = process.env.DATABASE_URL
  // One connection of the pool is held by the revocation list for LISTEN.
  // Connecting gives up after 2 s, so a server that accepts but never answers cannot hold
  // the revocation list's reconnection (or a request) for longer.
  const pool = databaseUrl
    ? new pg.Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 2_000 })
    : undefined
  pool?.on('error', (error) => console.error('postgres:', error.message))
  const schema = process.env.DATABASE_SCHEMA || 'public'
  if (pool) await migrate(pool, { schema })
  const backends: Pick<
    KeywardOptions<Scope>,
    'store' | 'revocations' | 'limiter' | 'audit' | 'usage'
  > = {}
  const where: string[] = []
  if (pool) {
    backends.store = new PostgresTokenStore(pool, { schema })
    where.push(`PostgreSQL (${schema})`)
  } else if (redis) {
    backends.store = new RedisTokenStore(redis, { namespace })
    where.push(`Redis (${namespace})`)
  }
  // With both, revocations go through Redis: the mixed deployment.
  let list: RedisRevocationList | PostgresRevocationList | undefined
  if (redis) {
    list = new RedisRevocationList(redis, { namespace })
    if (pool) where.push(`revocations on Redis (${namespace})`)
  } else if (pool) {
    list = new PostgresRevocationList(pool, { schema })
  }
  if (list) backends.revocations = list
  // Per-key rate limits and credits are counted in Redis when there is one, so every
  // instance counts against the same limit; else in this process (each instance on its own).
  if (redis) backends.limiter = new RedisLimiter(redis, { namespace })
  const webhooks = webhooksFromEnv(pool, redis, { schema, namespace })
  // The audit log lives with the keys: in PostgreSQL, else in Redis, else in this process.
  if (pool) backends.audit = { log: new PostgresAuditLog(pool, { schema }) }
  else if (redis) backends.audit = { log: new RedisAuditLog(redis, { namespace }) }
  // Usage too (counts by outcome, where each key was last used from): shared by every instance.
  if (pool) backends.usage = { backend: new PostgresUsageBackend(pool, { schema }) }
  else if (redis) backends.usage = { backend: new RedisUsageBackend(redis, { namespace }) }

  const keyward = keywardWith({
    prefix: PREFIX,
    scopes,
    ...backends,
    ...(webhooks ? { webhooks } : {}),
    tokenKinds: [accessTokens],
    ...(rateLimit === undefined ? {} : { rateLimits: [rateLimit] }),
    // Background failures (an audit or usage flush during an outage): one line.
    onError: (error) =>
      console.error(`keyward: ${error instanceof Error ? error.message : String(error)}`),
  })
  await keyward.ready()

  return {
    port,
    host,
    keyward,
    accessTokens,
    trustProxy,
    edgeSecret,
    adminToken: await adminToken(keyward, redis !== undefined || pool !== undefined),
    store: where.length > 0 ? where.join(', ') : 'memory',
    async close() {
      // Flushes the audit log's buffer while Redis and PostgreSQL are still there.
      await keyward.close()
      // Passed in, so not closed by keyward: its pending counts go out before Redis does.
      await backends.limiter?.close?.()
      await redis?.quit()
      await pool?.end()
    },
  }
}

/** `EDGE_SECRET`, checked before anything starts: never quoted back, it is a credential. */
function edgeSecretOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined
  if (value.length < 32) {
    throw new Error(
      `EDGE_SECRET must be at least 32 characters (it is ${value.length}): it opens the revocation feed and every key's record by digest`,
    )
  }
  return value
}
