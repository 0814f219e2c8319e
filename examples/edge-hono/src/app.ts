/**
 * A Hono API for edge runtimes (Cloudflare Workers, Deno, Bun) that verifies the API keys
 * users create on a running origin (`examples/hono-api` or `examples/express-api` started with
 * `EDGE_SECRET`), with nothing but `fetch`:
 *
 * - keys are looked up at the origin by the digest of the presented token (`originStore`),
 *   once per key and isolate: the verifier caches them, so cache hits make no network call;
 * - revocations come from the origin's feed (`originList`): at most one "changes since N"
 *   call per `pollInterval` (default 1 s), made by whichever request finds it due. A key
 *   deleted, suspended or narrowed at the origin is refused here within `pollInterval` plus
 *   one round trip while requests keep coming;
 * - with the origin unreachable the edge answers from what it holds until `maxStaleness`
 *   (default 10 s) after its last confirmed contact, then 503 `unavailable` until the origin
 *   answers again.
 *
 * Rate limits and credits are counted per isolate here (core's in-memory limiter): keep
 * anything metered behind the origin.
 */
import {
  createKeyward,
  defineScopes,
  type Keyward,
  originList,
  originStore,
  type PollingRevocationList,
} from '@keyward/core'
import { type ApiKeyVariables, apiKeyAuth, createGuards } from '@keyward/hono'
import { type ExecutionContext, Hono } from 'hono'

/** The scopes the edge routes require; a subset of the origin's catalog. */
export const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create projects',
})

/** What the edge app is built from. */
export interface EdgeHonoOptions {
  /** Where the origin mounts its management API, e.g. `http://127.0.0.1:3000/api-keys`. */
  originUrl: string
  /** The origin's `EDGE_SECRET`. */
  edgeSecret: string
  /** The origin's key prefix. Default `'kw_test'` (the examples'). */
  prefix?: string
  /** Shortest time between two polls of the revocation feed, ms. Default `1_000`. */
  pollInterval?: number
  /** How long the edge answers without a confirmed contact with the origin, ms. Default `10_000`. */
  maxStaleness?: number
}

/** The bindings a Worker is deployed with (strings, as `wrangler.toml` `[vars]` give them). */
export interface EdgeHonoEnv {
  KEYWARD_ORIGIN_URL: string
  KEYWARD_EDGE_SECRET: string
  KEYWARD_PREFIX?: string
  KEYWARD_POLL_INTERVAL?: string
  KEYWARD_MAX_STALENESS?: string
}

/** The edge's Keyward instance and its revocation list: keys and revocations read from the origin. */
export function createEdgeKeyward(options: EdgeHonoOptions): {
  keyward: Keyward
  revocations: PollingRevocationList
} {
  const origin = { url: options.originUrl, secret: options.edgeSecret }
  const revocations = originList({
    ...origin,
    ...(options.pollInterval === undefined ? {} : { pollInterval: options.pollInterval }),
    ...(options.maxStaleness === undefined ? {} : { maxStaleness: options.maxStaleness }),
  })
  const keyward = createKeyward({
    prefix: options.prefix ?? 'kw_test',
    scopes,
    store: originStore(origin),
    revocations,
  })
  return { keyward, revocations }
}

/**
 * The edge API: `GET /health` (public), `/v1/*` behind an API key, `GET /v1/projects`
 * requiring `projects:read`, `POST /v1/projects` requiring `projects:write`, `GET /v1/whoami`.
 */
export function createEdgeApp(options: EdgeHonoOptions) {
  const { keyward, revocations } = createEdgeKeyward(options)
  const { requireScopes } = createGuards(keyward)
  const app = new Hono<{ Variables: ApiKeyVariables }>()

  app.get('/health', (c) => c.json({ status: 'ok' }))
  // An isolate that was idle longer than `maxStaleness` polls before it judges, rather than
  // refusing the request for its own idleness; when the origin cannot be reached, the
  // verification below answers 503 on its own.
  app.use('/v1/*', async (c, next) => {
    await keyward.ready().catch(() => {})
    await next()
    // A poll this request started runs on after its response: on workerd, only if handed to
    // waitUntil (elsewhere there is no execution context, and nothing to do).
    const pending = revocations.pending
    if (pending !== undefined) {
      try {
        c.executionCtx.waitUntil(pending)
      } catch {}
    }
  })
  app.use('/v1/*', apiKeyAuth(keyward))
  app.get('/v1/whoami', (c) => c.json(c.var.apiKey))
  app.get('/v1/projects', requireScopes('projects:read'), (c) =>
    c.json({ owner: c.var.apiKey.ownerId, projects: [] }),
  )
  app.post('/v1/projects', requireScopes('projects:write'), (c) =>
    c.json({ owner: c.var.apiKey.ownerId, created: true }, 201),
  )
  return app
}

let deployed: { key: string; app: ReturnType<typeof createEdgeApp> } | undefined

const numberOf = (text: string | undefined) => (text === undefined ? undefined : Number(text))

/** The Worker entry point: one app per isolate and set of bindings, so its caches outlive a request. */
export default {
  async fetch(request: Request, env: EdgeHonoEnv, ctx?: ExecutionContext): Promise<Response> {
    const key = JSON.stringify(env)
    if (deployed?.key !== key) {
      const pollInterval = numberOf(env.KEYWARD_POLL_INTERVAL)
      const maxStaleness = numberOf(env.KEYWARD_MAX_STALENESS)
      deployed = {
        key,
        app: createEdgeApp({
          originUrl: env.KEYWARD_ORIGIN_URL,
          edgeSecret: env.KEYWARD_EDGE_SECRET,
          ...(env.KEYWARD_PREFIX === undefined ? {} : { prefix: env.KEYWARD_PREFIX }),
          ...(pollInterval === undefined ? {} : { pollInterval }),
          ...(maxStaleness === undefined ? {} : { maxStaleness }),
        }),
      }
    }
    return deployed.app.fetch(request, env, ctx)
  },
}
