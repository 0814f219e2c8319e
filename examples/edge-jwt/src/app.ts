/**
 * A Hono API for edge runtimes (Cloudflare Workers, Vercel Edge, Deno, Bun) that accepts
 * Keyward access tokens with nothing but the issuer's public JWK Set: no store, no
 * revocation list, no secret. Authentication, scope guards and error answers are the same
 * `@keyward/hono` middleware as in the full API; only the Keyward instance differs.
 *
 * That instance keeps core's in-memory defaults, which stay empty here: access tokens are
 * verified from their signature and claims alone (the verifier is `standalone`), without a
 * store lookup. An API key sent to
 * the edge is therefore simply unknown (401 `invalid_token`); clients exchange their key for
 * an access token at the issuer (`POST /api-keys/token`) and send that.
 *
 * Trade-off: the edge has no revocation list, so revoking an API key (or all of an owner's
 * keys) does not reach it. The key's access tokens keep working here until they expire, so
 * revocation at the edge is only as fast as token expiry: keep their ttl short (the issuer's
 * `maxTtl`, 1 h by default, is the worst case), and keep anything that must stop at once
 * behind `keyward.verify` with the shared revocation list.
 */
import { createKeyward, defineScopes, type Keyward, type ScopeName } from '@keyward/core'
import { type ApiKeyVariables, apiKeyAuth, createGuards } from '@keyward/hono'
import { type AccessTokenVerifierOptions, createAccessTokenVerifier } from '@keyward/jwt'
import { Hono } from 'hono'

/** The scopes the edge routes require; a subset of the issuer's catalog. */
export const scopes = defineScopes({
  'projects:read': 'Read projects',
})

export type Scope = ScopeName<typeof scopes>

/** What the edge app is built from: where the issuer publishes its keys, whose tokens to accept. */
export interface EdgeAppOptions
  extends Pick<
    AccessTokenVerifierOptions,
    'issuer' | 'audience' | 'jwks' | 'now' | 'remoteJwks' | 'realm'
  > {
  /**
   * The issuer's API key prefix, so an API key sent here is answered as unknown rather than
   * malformed. Default `'kw_live'`.
   */
  prefix?: string
}

/** The bindings a Worker is deployed with. */
export interface EdgeEnv {
  /** The `iss` of accepted tokens, e.g. `https://api.example.com`. */
  KEYWARD_ISSUER: string
  /** The `aud` of accepted tokens. */
  KEYWARD_AUDIENCE: string
  /** Where the issuer publishes its JWK Set, usually `<issuer>/.well-known/jwks.json`. */
  KEYWARD_JWKS_URL: string
}

const PROJECTS = [
  { id: 'prj_1', name: 'Snowflake ingest' },
  { id: 'prj_2', name: 'Billing export' },
]

/** The edge's Keyward instance: access tokens only, every store left at its empty default. */
export function createEdgeKeyward(options: EdgeAppOptions): Keyward<Scope> {
  const { prefix, issuer, audience, jwks, now, remoteJwks, realm } = options
  const accessTokens = createAccessTokenVerifier({
    issuer,
    audience,
    jwks,
    // No key store at the edge: a token is judged by its claims and lives until its `exp`.
    standalone: true,
    ...(now && { now }),
    ...(remoteJwks && { remoteJwks }),
    ...(realm !== undefined && { realm }),
  })
  return createKeyward({
    prefix: prefix ?? 'kw_live',
    scopes,
    tokenKinds: [accessTokens],
    ...(now && { now }),
    ...(realm !== undefined && { realm }),
  })
}

/**
 * The edge API: `GET /health` (public), `/v1/*` behind an access token, `GET /v1/projects`
 * requiring `projects:read`, `GET /v1/whoami` answering the verified token's identity. The
 * verifier and its JWK Set cache are built here once, never per request.
 */
export function createEdgeApp(options: EdgeAppOptions) {
  const keyward = createEdgeKeyward(options)
  const { requireScopes } = createGuards(keyward)
  const app = new Hono<{ Variables: ApiKeyVariables }>()

  app.get('/health', (c) => c.json({ status: 'ok' }))
  app.use('/v1/*', apiKeyAuth(keyward))
  app.get('/v1/whoami', (c) => c.json(c.var.apiKey))
  app.get('/v1/projects', requireScopes('projects:read'), (c) =>
    c.json({ owner: c.var.apiKey.ownerId, projects: PROJECTS }),
  )
  return app
}

let deployed: { env: EdgeEnv; app: ReturnType<typeof createEdgeApp> } | undefined

/** The Worker entry point: one app per set of bindings, so the JWK Set stays cached across requests. */
export default {
  async fetch(request: Request, env: EdgeEnv): Promise<Response> {
    if (deployed?.env !== env) {
      deployed = {
        env,
        app: createEdgeApp({
          issuer: env.KEYWARD_ISSUER,
          audience: env.KEYWARD_AUDIENCE,
          jwks: env.KEYWARD_JWKS_URL,
        }),
      }
    }
    return deployed.app.fetch(request, env)
  },
}
