import {
  errorResponse,
  ForbiddenError,
  KeywardError,
  MissingTokenError,
  NotFoundError,
  RateLimitedError,
} from '../../errors.js'
import type { EventOrigin } from '../../keys/audit.js'
import type { Keyward } from '../../keyward.js'
import { assertImplements, assertObject } from '../../lib/options.js'
import { refundRequest } from '../../limits/charge.js'
import { rateLimitHeaders } from '../../limits/policy.js'
import { isScope, type ScopeRequirement, scopeRequirement } from '../../scopes.js'
import type { AccessTokenIssuer, VerifiedKey } from '../../types.js'
import { type Authenticator, createAuthenticator } from '../authenticate.js'
import { assertPrincipal, assertSameOrigin, type Principal } from '../principal.js'
import { type ManagementRequest, type ManagementResponse, maxBodyBytesOption } from '../request.js'
import { parseJsonBody } from './body.js'
import { createCatalogRoute } from './catalog.js'
import { type Caller, callerOf, type ManagementContext } from './context.js'
import { problemResponse } from './json.js'
import { type OpenApiOptions, openApiDocument } from './openapi.js'
import {
  managementRoutes,
  type Route,
  type RouteDeps,
  type RouteMatcher,
  routeMatcher,
} from './routes.js'
import { DEFAULT_SELF_ROTATE_SCOPE } from './self-rotate-route.js'
import { createTokenRoute, type TokenRoute } from './token-route.js'

/** Options of {@link createManagementApi}. Invalid options throw `TypeError` at once. */
export interface ManagementApiOptions {
  /**
   * The scope every management route requires (all but `POST /token`). Must be declared in
   * the instance's scope catalog. Default `'api_keys:manage'`.
   */
  manageScope?: string
  /**
   * The scope with which an API key may rotate itself (`POST /self/rotate`), without the
   * manage scope. When given, it must be declared in the scope catalog. Default
   * `'api_keys:rotate_self'` (a key can hold it only once the catalog declares it).
   */
  selfRotateScope?: string
  /**
   * Mints access tokens for `POST /token` (for example `@keyward/jwt`). Default: none, and
   * `POST /token` answers 404. A JSON body (`{ scope?, expiresIn? }`, Bearer API key) is
   * answered here as before; a form body is an OAuth token request, answered by core's
   * `createTokenEndpoint` (client credentials or RFC 8693 exchange, RFC 6749 §5.2 errors).
   */
  accessTokens?: AccessTokenIssuer
  /** Largest request body accepted, in bytes; larger ones answer 413. Default `16_384`. */
  maxBodyBytes?: number
  /**
   * `GET /openapi.json`: the API's OpenAPI 3.1 document, public (no credential), built from
   * its route table, scope catalog and limits (see `openApiDocument`); these options say where
   * the app mounts it and what else the app serves. `false`: not served (404). Default `{}`
   * (mounted at `/api-keys`).
   */
  openApi?: OpenApiOptions | false
}

/** The management REST API, built once and shared by the Express and Hono adapters. */
export interface ManagementApi {
  /** The scope management routes require. */
  readonly manageScope: string
  /** The body limit adapters apply while reading, in bytes. */
  readonly maxBodyBytes: number
  /**
   * Answers one request. Every outcome, failures included, is a {@link ManagementResponse};
   * only errors that are not a `KeywardError` (bugs) reject.
   */
  handle(request: ManagementRequest): Promise<ManagementResponse>
}

/**
 * Builds the management REST API of DESIGN.md over `keyward.keys`: routing, the manage scope,
 * owner isolation, least privilege, body parsing and error rendering all live here, so the
 * framework adapters only translate requests and responses.
 *
 * Decisions beyond the route table:
 * - The owner is always the caller's `ownerId`; a body naming `ownerId` is refused (422).
 * - Unknown body fields are refused (422, naming the field).
 * - Creating a key, and `PATCH` of its scopes, may grant only scopes the caller holds (403).
 * - `PATCH` and rotation change a key only when the caller's scopes cover the key's (403),
 *   so a narrow key cannot mint a copy of a broader one; `PATCH` scopes can only narrow (422).
 * - `POST /token` needs an API key (not an access token) but no manage scope.
 * - `POST /self/rotate` needs an API key (not an access token, not a person) holding
 *   `selfRotateScope`, and no manage scope: the key gets its one successor.
 * - The caller is re-checked (`keyward.recheck`) once the body has arrived, right before
 *   anything is done: a caller revoked, suspended or expired meanwhile gets 401, one outside
 *   its `allowedIps` (`request.clientIp`) 403, and nothing happens.
 * - A key never changes its own expiry or scopes (403 `forbidden`); renaming itself is fine.
 * - `PATCH` and rotation of a revoked, expired or rotated key answer 409 (`key_inactive`);
 *   `DELETE` of a revoked key answers 204 again.
 * - Unknown routes and methods answer 404 problem+json.
 * - A {@link Principal} (a person signed in through the app's own login) is the caller when
 *   the adapter resolved one, whatever API key the request also carries; it acts like a key
 *   of its owner holding its scopes (the manage scope included), except that it may not use
 *   `POST /token` (403) and its state-changing requests must pass the CSRF rule (403).
 * - `GET /catalog` answers what a settings page needs (scopes with descriptions, grouped by
 *   resource, which of them the caller may grant, the lifetime and grace limits in seconds).
 * - Audit events name the caller as `actor`: `'key:<id>'` or the principal's `actor`.
 *
 * The routes themselves are in `routes.ts`, one file per family (`key-routes.ts`,
 * `token-route.ts`, `catalog.ts`); this function checks the options and wires them.
 */
export function createManagementApi<S extends string>(
  keyward: Keyward<S>,
  options: ManagementApiOptions = {},
): ManagementApi {
  assertObject(options)
  const manageScope = options.manageScope ?? 'api_keys:manage'
  if (!isScope(manageScope) || !keyward.scopes.has(manageScope)) {
    throw new TypeError('manageScope must be a resource:action scope declared in the scope catalog')
  }
  const selfRotateScope = options.selfRotateScope ?? DEFAULT_SELF_ROTATE_SCOPE
  if (
    options.selfRotateScope !== undefined &&
    (!isScope(selfRotateScope) || !keyward.scopes.has(selfRotateScope))
  ) {
    throw new TypeError(
      'selfRotateScope must be a resource:action scope declared in the scope catalog',
    )
  }
  const issuer = options.accessTokens
  if (issuer !== undefined) {
    assertImplements(issuer, 'accessTokens', ['issueAccessToken'])
  }
  const maxBodyBytes = maxBodyBytesOption(options.maxBodyBytes)
  // Preflights are not let through: the management API answers no cross-origin requests.
  const authenticate = createAuthenticator(keyward, { passPreflight: false })
  const ctx: ManagementContext = {
    keys: keyward.keys as Keyward['keys'],
    audit: keyward.audit,
    usage: keyward.usage,
    scopes: keyward.scopes,
    realm: keyward.realm,
    now: () => keyward.now(),
  }
  const token =
    issuer === undefined ? undefined : createTokenRoute(keyward, ctx, issuer, maxBodyBytes)
  const openApi = openApiOption(options.openApi)
  // Built at once, so that a bad `openApi` option throws here, not on a request.
  const document =
    openApi === false
      ? {}
      : openApiDocument({
          ...openApi,
          scopes: keyward.scopes.names,
          limits: keyward.limits,
          manageScope,
          accessTokens: token !== undefined,
        })
  const deps: RouteDeps = {
    ctx,
    catalog: createCatalogRoute(keyward),
    token,
    openApi: () => document,
    selfRotateScope,
  }
  const features = { accessTokens: token !== undefined, openApi: openApi !== false }
  const dispatch: Dispatch = {
    realm: keyward.realm,
    maxBodyBytes,
    manage: scopeRequirement([manageScope]),
    authenticate,
    recheck: (key, clientIp) => keyward.recheck(key, clientIp),
    token,
    deps,
    matchRoute: routeMatcher(managementRoutes(features)),
  }
  return Object.freeze({
    manageScope,
    maxBodyBytes,
    handle(request: ManagementRequest): Promise<ManagementResponse> {
      return answerRequest(dispatch, request)
    },
  })
}

/** What answering a request needs, bound once by {@link createManagementApi}. */
interface Dispatch {
  readonly realm: string
  readonly maxBodyBytes: number
  /** The manage scope, compiled: what every `manager` route requires. */
  readonly manage: ScopeRequirement
  /** Reads the request's API key from its headers. */
  readonly authenticate: Authenticator
  /** `keyward.recheck`: the caller as it stands now, from where the request comes. */
  readonly recheck: (key: VerifiedKey, clientIp: string | undefined) => Promise<VerifiedKey>
  /** `POST /token`, when the API mints access tokens. */
  readonly token: TokenRoute | undefined
  /** What the routes act through. */
  readonly deps: RouteDeps
  readonly matchRoute: RouteMatcher<Route>
}

/** Who the request says it is: a principal the adapter resolved, else an API key. */
type Presented =
  | { readonly principal: Principal; readonly key?: undefined }
  | { readonly principal?: undefined; readonly key: VerifiedKey }

/**
 * Answers one request: OAuth form bodies at `/token` go to the token endpoint; everything
 * else is authenticated, routed, re-checked and run. A `KeywardError` becomes its
 * problem+json answer; anything else (a bug) rejects.
 */
async function answerRequest(
  dispatch: Dispatch,
  request: ManagementRequest,
): Promise<ManagementResponse> {
  // The caller's key, once known: a key with limits gets its RateLimit headers on every
  // answer, and what it was charged back when the request is refused.
  let limited: VerifiedKey | undefined
  try {
    // OAuth clients (form bodies) get the RFC 6749 token endpoint, which authenticates them itself.
    const oauth = dispatch.token?.answerOAuth(request)
    if (oauth !== undefined) return await oauth
    const method = request.method.toUpperCase()
    const matched = dispatch.matchRoute(method, request.path)
    // A public route (the OpenAPI document) reads no credential.
    if (matched?.route.acts === 'public') return matched.route.run(dispatch.deps)
    const presented = await presentedCaller(dispatch, request, method)
    if (presented.key?.rateLimit !== undefined) limited = presented.key
    if (!matched) throw new NotFoundError('No such management route.')
    return withRateLimitHeaders(
      limited,
      await runRoute(dispatch, request, { route: matched.route, id: matched.id }, presented),
    )
  } catch (error) {
    if (limited !== undefined && !(error instanceof RateLimitedError)) refundRequest(limited)
    if (error instanceof KeywardError) {
      return withRateLimitHeaders(limited, problemResponse(errorResponse(error)))
    }
    throw error
  }
}

/**
 * The app's own login first: a principal the adapter resolved is the caller, and its
 * state-changing requests must pass the CSRF rule (403). Without one, the request's API key
 * (401 when there is none).
 */
async function presentedCaller(
  dispatch: Dispatch,
  request: ManagementRequest,
  method: string,
): Promise<Presented> {
  const { header } = request
  if (request.principal != null) {
    const principal = assertPrincipal(request.principal)
    assertSameOrigin(method, header ?? noHeader, request.origin)
    return { principal }
  }
  const key =
    request.apiKey ??
    (header === undefined
      ? undefined
      : await dispatch.authenticate(
          { method: request.method, header: (name) => header(name) },
          request.clientIp,
        ))
  if (key === undefined) throw new MissingTokenError({ realm: dispatch.realm })
  return { key }
}

/** Runs the matched route for the caller as it stands now, holding what the route requires. */
async function runRoute(
  dispatch: Dispatch,
  request: ManagementRequest,
  { route, id }: { route: Exclude<Route, { acts: 'public' }>; id: string },
  presented: Presented,
): Promise<ManagementResponse> {
  const body = () => parseJsonBody(request.body, dispatch.maxBodyBytes, dispatch.realm)
  const query = new URLSearchParams(request.query ?? '')
  const origin = requestOrigin(request)
  // An earlier middleware may have verified the caller when the headers arrived, and
  // the body may have taken minutes. Decide on the caller as it is now: revoked,
  // expired or narrowed meanwhile, it acts as what it is now, or not at all.
  if (route.acts === 'key') {
    if (presented.key === undefined) {
      throw new ForbiddenError(
        'This route acts for an API key itself, and a signed-in person is not one: present an API key.',
      )
    }
    return route.run(dispatch.deps, await dispatch.recheck(presented.key, request.clientIp), {
      id,
      body,
      query,
      origin,
    })
  }
  const caller: Caller = {
    ...(presented.key === undefined
      ? presented.principal
      : callerOf(await dispatch.recheck(presented.key, request.clientIp))),
    origin,
  }
  dispatch.manage.check(new Set(caller.scopes), dispatch.realm)
  return route.run(dispatch.deps, caller, { id, body, query, origin })
}

/** The `openApi` option, checked: `false`, or the document's options. */
function openApiOption(value: unknown): OpenApiOptions | false {
  if (value === false) return false
  if (value === undefined) return {}
  assertObject(value, 'openApi')
  return value as OpenApiOptions
}

/** `response` with the caller's `RateLimit` headers, when its key has limits. */
function withRateLimitHeaders(
  key: VerifiedKey | undefined,
  response: ManagementResponse,
): ManagementResponse {
  const headers = rateLimitHeaders(key)
  return headers === undefined
    ? response
    : { ...response, headers: { ...headers, ...response.headers } }
}

const noHeader = (): undefined => undefined

/** Where a request came from, for the audit log: the adapter's client address and the `User-Agent`. */
function requestOrigin(request: ManagementRequest): EventOrigin {
  const userAgent = request.header?.('user-agent')
  return {
    ...(request.clientIp === undefined ? {} : { clientIp: request.clientIp }),
    ...(userAgent === undefined || userAgent === '' ? {} : { userAgent }),
  }
}
