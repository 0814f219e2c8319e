/**
 * An edge function that accepts Keyward access tokens with nothing but the issuer's public
 * JWK Set: no store, no revocation list, no secret. It is a plain `fetch` handler
 * (`Request` → `Response`), the shape Cloudflare Workers, Vercel Edge Functions, Deno and Bun
 * run as is, and Hono mounts with `app.mount('/', handler)`.
 *
 * Trade-off: nothing here knows about revocations, so a revoked API key's access tokens keep
 * working at the edge until they expire (at most `maxTtl`, 1 h by default). Keep their
 * lifetime short, or put `keyward.verify` (with the shared revocation list) in front of
 * anything that must stop at once.
 */
import {
  errorResponse,
  InvalidRequestError,
  isKeywardError,
  MissingTokenError,
  NotFoundError,
  type VerifiedKey,
} from '@keyward/core'
import { type AccessTokenVerifierOptions, createAccessTokenVerifier } from '@keyward/jwt'

/** A request handler of the Fetch API. */
export type FetchHandler = (request: Request) => Promise<Response>

/** What the edge API needs: where the issuer publishes its keys, and whose tokens to accept. */
export type EdgeApiOptions = Pick<
  AccessTokenVerifierOptions,
  'issuer' | 'audience' | 'jwks' | 'now' | 'realm' | 'remoteJwks'
>

/** The bindings a Worker is deployed with. */
export interface EdgeEnv {
  KEYWARD_ISSUER: string
  KEYWARD_AUDIENCE: string
  /** Usually `<issuer>/.well-known/jwks.json`. */
  KEYWARD_JWKS_URL: string
}

const PROJECTS = [
  { id: 'prj_1', name: 'Snowflake ingest' },
  { id: 'prj_2', name: 'Billing export' },
]

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  })
}

/** The token of `Authorization: Bearer <token>`; any other scheme counts as none (RFC 6750 §3.1). */
function bearerToken(request: Request, realm: string | undefined): string {
  const options = realm === undefined ? {} : { realm }
  const match = /^(\S+)(?: +(.*))?$/.exec(request.headers.get('authorization') ?? '')
  if (match === null || match[1]!.toLowerCase() !== 'bearer') throw new MissingTokenError(options)
  const token = match[2]?.trim() ?? ''
  if (token === '') throw new InvalidRequestError('The Bearer credential is empty.', options)
  return token
}

/** Builds the handler: the verifier (and its JWK Set cache) is created once, not per request. */
export function createEdgeApi(options: EdgeApiOptions): FetchHandler {
  const accessTokens = createAccessTokenVerifier(options)
  const realm = options.realm

  const routes: Record<string, { scopes: string[]; run: (key: VerifiedKey) => Response }> = {
    'GET /v1/projects': {
      scopes: ['projects:read'],
      run: (key) => json(200, { owner: key.ownerId, projects: PROJECTS }),
    },
    'GET /v1/whoami': { scopes: [], run: (key) => json(200, key) },
  }

  return async function edgeApi(request) {
    try {
      const { pathname } = new URL(request.url)
      if (request.method === 'GET' && pathname === '/health') return json(200, { status: 'ok' })
      const route = routes[`${request.method} ${pathname}`]
      if (route === undefined) throw new NotFoundError('No such route.')
      const key = await accessTokens.verifyAccessToken(bearerToken(request, realm), {
        scopes: route.scopes,
      })
      return route.run(key)
    } catch (error) {
      if (!isKeywardError(error)) throw error
      const { status, headers, body } = errorResponse(error)
      return new Response(JSON.stringify(body), { status, headers })
    }
  }
}

let deployed: { env: EdgeEnv; handler: FetchHandler } | undefined

/** The Worker entry point: one handler per set of bindings, so the JWK Set stays cached. */
export default {
  fetch(request: Request, env: EdgeEnv): Promise<Response> {
    if (deployed?.env !== env) {
      deployed = {
        env,
        handler: createEdgeApi({
          issuer: env.KEYWARD_ISSUER,
          audience: env.KEYWARD_AUDIENCE,
          jwks: env.KEYWARD_JWKS_URL,
        }),
      }
    }
    return deployed.handler(request)
  },
}
