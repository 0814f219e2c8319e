import { parseDuration } from '../../duration.js'
import {
  type ErrorResponse,
  errorResponse,
  ForbiddenError,
  InvalidArgumentError,
  InvalidRequestError,
  KeywardError,
  MissingTokenError,
  NotFoundError,
  RateLimitedError,
  RequestTooLargeError,
} from '../../errors.js'
import type { CreateKeyInput, RotateKeyInput, UpdateKeyInput } from '../../keys/lifecycle.js'
import type { Keyward } from '../../keyward.js'
import { assertImplements, assertObject, positiveIntegerOption } from '../../lib/options.js'
import { rateLimitHeaders, refundRequest } from '../../limits/limits.js'
import { assertGrantable, grants, isScope, isSubsetOf, scopeRequirement } from '../../scopes.js'
import { isKeyId } from '../../token/token.js'
import type {
  AccessTokenIssuer,
  ApiKey,
  KeyMetadata,
  KeyStatus,
  RateLimit,
  VerifiedKey,
} from '../../types.js'
import { createAuthenticator } from '../authenticate.js'
import { createTokenEndpoint } from '../oauth/token-endpoint.js'
import { assertPrincipal, assertSameOrigin } from '../principal.js'
import type { ManagementBody, ManagementRequest, ManagementResponse } from '../request.js'

/** Options of {@link createManagementApi}. Invalid options throw `TypeError` at once. */
export interface ManagementApiOptions {
  /**
   * The scope every management route requires (all but `POST /token`). Must be declared in
   * the instance's scope catalog. Default `'api_keys:manage'`.
   */
  manageScope?: string
  /**
   * Mints access tokens for `POST /token` (for example `@keyward/jwt`). Default: none, and
   * `POST /token` answers 404. A JSON body (`{ scope?, expiresIn? }`, Bearer API key) is
   * answered here as before; a form body is an OAuth token request, answered by core's
   * `createTokenEndpoint` (client credentials or RFC 8693 exchange, RFC 6749 §5.2 errors).
   */
  accessTokens?: AccessTokenIssuer
  /** Largest request body accepted, in bytes; larger ones answer 413. Default `16_384`. */
  maxBodyBytes?: number
}

/** A key as management responses show it: times as ISO 8601, never the hash. */
export interface ApiKeyJson {
  id: string
  name: string
  hint: string
  ownerId: string
  scopes: string[]
  createdAt: string
  expiresAt: string
  /** `null` until the key is first used. */
  lastUsedAt: string | null
  /**
   * Where the key stands when answered: `revoked`, else `rotated` (replaced, perhaps still
   * in its grace period), else `expired`, else `active`.
   */
  status: KeyStatus
  metadata?: KeyMetadata
  /** The id of the key this one replaced through rotation. */
  rotatedFrom?: string
  /** The id of the key that replaced this one through rotation. */
  rotatedTo?: string
  /** The key's own rate limits (`window` in seconds); absent when the deployment defaults apply. */
  rateLimits?: RateLimitJson[]
  /**
   * The key's credit grant: `remaining` as granted at `grantedAt` (the live balance is in the
   * `RateLimit` header of its requests), and its refill (`interval` in seconds).
   */
  credits?: {
    remaining: number
    grantedAt: string
    refill?: { amount: number; interval: number }
  }
}

/** A rate limit in JSON: `limit` requests per `window` seconds, named in the headers. */
export interface RateLimitJson {
  name: string
  limit: number
  /** Window length in seconds. */
  window: number
}

function rateLimitsJson(limits: readonly RateLimit[]): RateLimitJson[] {
  return limits.map(({ name, limit, window }) => ({ name, limit, window: window / 1000 }))
}

/** One scope of `GET /catalog`. */
export interface CatalogScopeJson {
  name: string
  /** What a UI shows next to it. */
  description: string
  /** The part of the name before the first `:`. */
  resource: string
  /** Whether the caller holds it, so may grant it. */
  grantable: boolean
}

/** The answer of `GET /catalog`: what a settings page needs to draw itself. */
export interface CatalogJson {
  /** Every declared scope, in declaration order. */
  scopes: CatalogScopeJson[]
  /** The scope names by resource, in order of first appearance. */
  groups: { resource: string; scopes: string[] }[]
  /** The names of the declared scopes the caller holds (wildcards expanded). */
  grantable: string[]
  /** Longest key lifetime, in seconds. */
  maxLifetime: number
  /** Lifetime of a key created without an expiry, in seconds; `null` when one is required. */
  defaultExpiresIn: number | null
  /** Longest rotation grace period, in seconds. */
  maxGracePeriod: number
  /**
   * The deployment's default rate limits (`createKeyward({ rateLimits })`), applied to keys
   * without their own; `null` when there are none.
   */
  defaultRateLimits: RateLimitJson[] | null
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

const DEFAULT_MAX_BODY_BYTES = 16_384

const CREATE_FIELDS = [
  'name',
  'scopes',
  'expiresAt',
  'expiresIn',
  'metadata',
  'rateLimits',
  'credits',
] as const
/** What `PATCH` may change: the same fields as on create (the owner never changes). */
const UPDATE_FIELDS = CREATE_FIELDS
const ROTATE_FIELDS = ['gracePeriod'] as const
const TOKEN_FIELDS = ['scope', 'expiresIn'] as const
/** What a key may never change about itself: its own life, reach and limits. */
const LIFE_FIELDS = ['expiresAt', 'expiresIn', 'scopes', 'rateLimits', 'credits'] as const
/** `AccessTokenIssuer` option names → the `POST /token` body fields they come from. */
const ISSUER_FIELDS: Partial<Record<string, string>> = { ttl: 'expiresIn', scopes: 'scope' }

/**
 * A key as management responses show it: times as ISO 8601, never the hash; `status` as of
 * `at` (epoch ms, default now).
 */
export function toApiKeyJson(key: ApiKey, at: number = Date.now()): ApiKeyJson {
  const json: ApiKeyJson = {
    id: key.id,
    name: key.name,
    hint: key.hint,
    ownerId: key.ownerId,
    scopes: [...key.scopes],
    createdAt: new Date(key.createdAt).toISOString(),
    expiresAt: new Date(key.expiresAt).toISOString(),
    lastUsedAt: key.lastUsedAt === undefined ? null : new Date(key.lastUsedAt).toISOString(),
    status:
      key.revokedAt !== undefined
        ? 'revoked'
        : key.rotatedTo !== undefined
          ? 'rotated'
          : at >= key.expiresAt
            ? 'expired'
            : 'active',
  }
  if (key.metadata !== undefined) json.metadata = key.metadata
  if (key.rotatedFrom !== undefined) json.rotatedFrom = key.rotatedFrom
  if (key.rotatedTo !== undefined) json.rotatedTo = key.rotatedTo
  if (key.rateLimits !== undefined) {
    json.rateLimits = rateLimitsJson(key.rateLimits)
  }
  if (key.credits !== undefined) {
    const { remaining, grantedAt, refill } = key.credits
    json.credits = { remaining, grantedAt: new Date(grantedAt).toISOString() }
    if (refill !== undefined) {
      json.credits.refill = { amount: refill.amount, interval: refill.interval / 1000 }
    }
  }
  return json
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
 * - The caller is re-checked (`keyward.recheck`) once the body has arrived, right before
 *   anything is done: a caller revoked or expired meanwhile gets 401 and nothing happens.
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
  const issuer = options.accessTokens
  if (issuer !== undefined) {
    assertImplements(issuer, 'accessTokens', ['issueAccessToken'])
  }
  const maxBodyBytes = positiveIntegerOption(
    options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    'maxBodyBytes',
    DEFAULT_MAX_BODY_BYTES,
  )
  // OAuth clients (form bodies) get the RFC 6749 token endpoint, which authenticates them itself.
  const tokenEndpoint =
    issuer === undefined
      ? undefined
      : createTokenEndpoint(keyward, { accessTokens: issuer, maxBodyBytes })
  const keys = keyward.keys as Keyward['keys']
  const catalog = keyward.scopes
  const realm = keyward.realm
  const manage = scopeRequirement([manageScope])
  // Preflights are not let through: the management API answers no cross-origin requests.
  const authenticate = createAuthenticator(keyward, { passPreflight: false })
  // The catalog's shape never changes: only what the caller may grant is per request.
  const catalogScopes = catalog.names.map((name) => ({
    name,
    description: (catalog.descriptions as Readonly<Record<string, string>>)[name] ?? '',
    resource: name.slice(0, name.indexOf(':')),
  }))
  const catalogGroups = new Map<string, string[]>()
  for (const { name, resource } of catalogScopes) {
    const group = catalogGroups.get(resource)
    if (group) group.push(name)
    else catalogGroups.set(resource, [name])
  }
  const seconds = (ms: number) => Math.floor(ms / 1000)
  const { defaultRateLimits } = keyward
  const catalogOf = (caller: Caller): CatalogJson => {
    const held = new Set(caller.scopes)
    const scopes = catalogScopes.map((scope) => ({ ...scope, grantable: grants(held, scope.name) }))
    const { maxLifetime, defaultExpiresIn, maxGracePeriod } = keyward.limits
    return {
      scopes,
      groups: [...catalogGroups].map(([resource, names]) => ({ resource, scopes: [...names] })),
      grantable: scopes.filter((scope) => scope.grantable).map((scope) => scope.name),
      maxLifetime: seconds(maxLifetime),
      defaultExpiresIn: defaultExpiresIn === undefined ? null : seconds(defaultExpiresIn),
      maxGracePeriod: seconds(maxGracePeriod),
      defaultRateLimits: defaultRateLimits === undefined ? null : rateLimitsJson(defaultRateLimits),
    }
  }
  const jsonOf = (key: ApiKey) => toApiKeyJson(key, keyward.now())

  /**
   * Another owner's key and a missing one are the same 404; so is a revoked one for reading.
   * Changes find revoked keys too, so that they answer 409 (`key_inactive`) or, for DELETE,
   * succeed idempotently.
   */
  const ownedKey = async (id: string, caller: Caller, includeRevoked = false): Promise<ApiKey> => {
    const key = isKeyId(id) ? await keys.get(id, { includeRevoked }) : undefined
    if (!key || key.ownerId !== caller.ownerId) throw new NotFoundError()
    return key
  }

  /** Least privilege: the caller must hold every scope in `scopes` (core's one check). */
  const assertCallerHolds = (caller: { scopes: readonly string[] }, scopes: readonly string[]) =>
    assertGrantable(scopes, caller.scopes, realm)

  const createKey = async (caller: Caller, body: unknown) => {
    const input = fieldsOf(body, CREATE_FIELDS)
    assertIsoExpiry(input)
    const scopes = catalog.validateGrants(input.scopes)
    assertCallerHolds(caller, scopes)
    // The remaining fields are checked by keys.create, which names the field it rejects.
    const create = { ...input, scopes, ownerId: caller.ownerId } as unknown as CreateKeyInput
    const issued = await keys.create(create, { actor: caller.actor })
    return json(201, { key: jsonOf(issued.key), token: issued.token })
  }

  const updateKey = async (caller: Caller, id: string, body: unknown) => {
    const input = fieldsOf(body, UPDATE_FIELDS)
    if (Object.keys(input).length === 0) {
      throw new InvalidArgumentError('body', `Give at least one of ${UPDATE_FIELDS.join(', ')}.`)
    }
    assertIsoExpiry(input)
    const key = await ownedKey(id, caller, true)
    assertCallerHolds(caller, key.scopes)
    const lifeChanges = LIFE_FIELDS.filter((field) => input[field] !== undefined)
    if (key.id === caller.keyId && lifeChanges.length > 0) {
      throw new ForbiddenError(
        `An API key cannot change its own ${lifeChanges.join(', ')}; use another key or ask its owner.`,
      )
    }
    if (input.scopes !== undefined) {
      const scopes = catalog.validateGrants(input.scopes)
      assertCallerHolds(caller, scopes)
      if (!isSubsetOf(scopes, key.scopes)) {
        throw new InvalidArgumentError(
          'scopes',
          'scopes can only be narrowed; create a new key for more scopes.',
        )
      }
      input.scopes = scopes
    }
    const actor = { actor: caller.actor }
    return json(200, jsonOf(await keys.update(key.id, input as UpdateKeyInput, actor)))
  }

  const rotateKey = async (caller: Caller, id: string, body: unknown) => {
    const input = fieldsOf(body, ROTATE_FIELDS)
    const key = await ownedKey(id, caller, true)
    assertCallerHolds(caller, key.scopes)
    const issued = await keys.rotate(key.id, input as RotateKeyInput, { actor: caller.actor })
    return json(201, { key: jsonOf(issued.key), token: issued.token })
  }

  const mintAccessToken = async (tokens: AccessTokenIssuer, caller: VerifiedKey, body: unknown) => {
    if (caller.kind !== 'api_key') {
      throw new InvalidRequestError(
        'Access tokens are minted with an API key, not another access token.',
        {
          realm,
        },
      )
    }
    const input = fieldsOf(body, TOKEN_FIELDS)
    let scopes: string[] | undefined
    if (input.scope !== undefined) {
      if (typeof input.scope !== 'string' || input.scope.trim() === '') {
        throw new InvalidArgumentError('scope', 'scope must be a space-delimited list of scopes.')
      }
      scopes = catalog.validateGrants(input.scope.trim().split(/ +/), 'scope')
      assertCallerHolds(caller, scopes)
    }
    if (input.expiresIn !== undefined) parseDuration(input.expiresIn, 'expiresIn')
    const ttl = input.expiresIn as number | string | undefined
    let issued: Awaited<ReturnType<AccessTokenIssuer['issueAccessToken']>>
    try {
      issued = await tokens.issueAccessToken(caller, {
        ...(scopes === undefined ? {} : { scopes }),
        ...(ttl === undefined ? {} : { ttl }),
      })
    } catch (error) {
      // The issuer names its own options; the client knows the body's field names.
      const field = error instanceof InvalidArgumentError ? ISSUER_FIELDS[error.field] : undefined
      if (field === undefined) throw error
      const message = (error as InvalidArgumentError).message.replaceAll(
        (error as InvalidArgumentError).field,
        field,
      )
      throw new InvalidArgumentError(field, message, { cause: error })
    }
    return json(
      200,
      {
        access_token: issued.accessToken,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        scope: issued.scopes.join(' '),
      },
      { pragma: 'no-cache' },
    )
  }

  const listKeys = async (caller: Caller) =>
    json(200, { keys: (await keys.list(caller.ownerId)).map((key) => jsonOf(key)) })

  const revokeAllKeys = async (caller: Caller, body: unknown) => {
    fieldsOf(body, [])
    const { revokedBefore } = await keys.revokeAll(
      { ownerId: caller.ownerId },
      { actor: caller.actor },
    )
    return json(200, { revokedBefore: new Date(revokedBefore).toISOString() })
  }

  const revokeKey = async (caller: Caller, id: string): Promise<ManagementResponse> => {
    const key = await ownedKey(id, caller, true)
    await keys.revoke(key.id, { actor: caller.actor })
    return { status: 204, headers: { 'cache-control': 'no-store' } }
  }

  /**
   * Every route, in one table: the method, the path below the mount (`:id` is a key id), who
   * acts (`manager`: a key holding the manage scope, or a principal; `key`: an API key itself)
   * and what it does. Routing, authentication and the caller's re-check are decided once, in
   * `handle`, from this table.
   */
  const routes: readonly Route[] = [
    { method: 'GET', path: [], acts: 'manager', run: (caller) => listKeys(caller) },
    {
      method: 'POST',
      path: [],
      acts: 'manager',
      run: (caller, { body }) => createKey(caller, body()),
    },
    {
      method: 'POST',
      path: ['revoke-all'],
      acts: 'manager',
      run: (caller, { body }) => revokeAllKeys(caller, body()),
    },
    {
      method: 'GET',
      path: ['catalog'],
      acts: 'manager',
      run: async (caller) => json(200, catalogOf(caller)),
    },
    ...(issuer === undefined
      ? []
      : [
          {
            method: 'POST',
            path: ['token'],
            acts: 'key',
            run: (caller, { body }) => mintAccessToken(issuer, caller, body()),
          } satisfies KeyRoute,
        ]),
    {
      method: 'GET',
      path: [':id'],
      acts: 'manager',
      run: async (caller, { id }) => json(200, jsonOf(await ownedKey(id, caller))),
    },
    {
      method: 'PATCH',
      path: [':id'],
      acts: 'manager',
      run: (caller, { id, body }) => updateKey(caller, id, body()),
    },
    {
      method: 'DELETE',
      path: [':id'],
      acts: 'manager',
      run: (caller, { id }) => revokeKey(caller, id),
    },
    {
      method: 'POST',
      path: [':id', 'rotate'],
      acts: 'manager',
      run: (caller, { id, body }) => rotateKey(caller, id, body()),
    },
  ]
  const matchRoute = routeMatcher(routes)

  return Object.freeze({
    manageScope,
    maxBodyBytes,
    async handle(request: ManagementRequest): Promise<ManagementResponse> {
      // The caller's key, once known: a key with limits gets its RateLimit headers on every
      // answer, and what it was charged back when the request is refused.
      let limited: VerifiedKey | undefined
      const answer = (response: ManagementResponse): ManagementResponse => {
        const headers = rateLimitHeaders(limited)
        return headers === undefined
          ? response
          : { ...response, headers: { ...headers, ...response.headers } }
      }
      try {
        if (tokenEndpoint?.accepts(request) && request.path.replaceAll('/', '') === 'token') {
          return await tokenEndpoint.handle(request)
        }
        const method = request.method.toUpperCase()
        const { header } = request
        // The app's own login first; without a principal, the request's API key.
        const principal = request.principal == null ? undefined : assertPrincipal(request.principal)
        if (principal !== undefined) assertSameOrigin(method, header ?? noHeader, request.origin)
        const presented =
          principal !== undefined
            ? undefined
            : (request.apiKey ??
              (header === undefined
                ? undefined
                : await authenticate({ method: request.method, header: (name) => header(name) })))
        if (principal === undefined && presented === undefined) {
          throw new MissingTokenError({ realm })
        }
        if (presented?.rateLimit !== undefined) limited = presented
        const matched = matchRoute(method, request.path)
        if (!matched) throw new NotFoundError('No such management route.')
        const { route, id } = matched
        const body = () => parseBody(request.body, maxBodyBytes, realm)
        // An earlier middleware may have verified the caller when the headers arrived, and
        // the body may have taken minutes. Decide on the caller as it is now: revoked,
        // expired or narrowed meanwhile, it acts as what it is now, or not at all.
        if (route.acts === 'key') {
          if (presented === undefined) {
            throw new ForbiddenError(
              'This route acts for an API key itself, and a signed-in person is not one: present an API key.',
            )
          }
          return answer(await route.run(await keyward.recheck(presented), { id, body }))
        }
        const caller =
          presented === undefined ? principal! : callerOf(await keyward.recheck(presented))
        manage.check(new Set(caller.scopes), realm)
        return answer(await route.run(caller, { id, body }))
      } catch (error) {
        if (limited !== undefined && !(error instanceof RateLimitedError)) refundRequest(limited)
        if (error instanceof KeywardError) return answer(problem(errorResponse(error)))
        throw error
      }
    },
  })
}

/** What a route's `run` gets besides its caller: the `:id` segment and the body, parsed on demand. */
interface RouteRequest {
  /** The `:id` segment of the path; `''` on routes without one. */
  id: string
  /** The parsed JSON body (`undefined` when empty); throws 400/413 when it cannot be read. */
  body: () => unknown
}

/** One row of the management route table. */
interface RouteRow {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** Segments below the mount; `:id` matches any segment that is not a literal of the table. */
  readonly path: readonly string[]
}

/** A route on which a manager acts: a key holding the manage scope, or a principal. */
interface ManagerRoute extends RouteRow {
  readonly acts: 'manager'
  readonly run: (caller: Caller, request: RouteRequest) => Promise<ManagementResponse>
}

/** A route on which an API key acts for itself (`POST /token`): no manage scope, no principal. */
interface KeyRoute extends RouteRow {
  readonly acts: 'key'
  readonly run: (caller: VerifiedKey, request: RouteRequest) => Promise<ManagementResponse>
}

type Route = ManagerRoute | KeyRoute

/**
 * Matches requests against a route table: the route of a method and path, with its `:id`, or
 * `undefined` (404). A literal segment of the table (`catalog`, `revoke-all`, `rotate`…) is
 * never taken for an id, and a known path with another method is 404 like an unknown path.
 */
function routeMatcher<R extends RouteRow>(
  routes: readonly R[],
): (method: string, path: string) => { route: R; id: string } | undefined {
  const literals = new Set(routes.flatMap((route) => route.path.filter((part) => part !== ':id')))
  return (method, path) => {
    const segments = routeSegments(path)
    if (segments === undefined) return undefined
    for (const route of routes) {
      if (route.method !== method || route.path.length !== segments.length) continue
      let id = ''
      const matches = route.path.every((pattern, index) => {
        const segment = segments[index] as string
        if (pattern !== ':id') return pattern === segment
        id = segment
        return !literals.has(segment)
      })
      if (matches) return { route, id }
    }
    return undefined
  }
}

const DOT_SEGMENTS = new Set(['.', '%2e'])
const DOUBLE_DOT_SEGMENTS = new Set(['..', '.%2e', '%2e.', '%2e%2e'])

/**
 * The segments of a mount-relative path as it came on the wire (still percent-encoded),
 * or `undefined` for a path no route has (404). Decided once here for every adapter:
 * `.` and `..` segments (`%2e` too) resolve as the URL standard resolves them, and one
 * climbing above the mount is 404; the mount root answers with or without its trailing
 * slash, any other empty segment (`/key_…/`, `//`) is 404; a segment holding `%` is 404
 * (ids and actions are plain ASCII, so `%2F` never splits an id and an encoded id is never
 * decoded into one); segments compare case-sensitively (`/ROTATE` is 404).
 */
function routeSegments(path: string): string[] | undefined {
  const segments: string[] = []
  const raw = path.split('/')
  for (const [index, segment] of raw.entries()) {
    const lower = segment.toLowerCase()
    if (DOT_SEGMENTS.has(lower)) continue
    if (DOUBLE_DOT_SEGMENTS.has(lower)) {
      if (segments.pop() === undefined) return undefined
      continue
    }
    if (segment === '') {
      if (index === 0 || (index === raw.length - 1 && segments.length === 0)) continue
      return undefined
    }
    if (segment.includes('%')) return undefined
    segments.push(segment)
  }
  return segments
}

/** Who acts on a manage route: an API key or a signed-in {@link Principal}. */
interface Caller {
  ownerId: string
  scopes: readonly string[]
  /** `KeyEvent.actor`: `'key:<id>'`, or the principal's own. */
  actor: string
  /** The caller's own key id when it is a key: a key may not change its own life. */
  keyId?: string
}

function callerOf(key: VerifiedKey): Caller {
  return { ownerId: key.ownerId, scopes: key.scopes, actor: `key:${key.id}`, keyId: key.id }
}

const noHeader = (): undefined => undefined

function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ManagementResponse {
  // Every answer is about credentials: never let a cache keep it, least of all a token.
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
    body,
  }
}

function problem(response: ErrorResponse): ManagementResponse {
  return {
    status: response.status,
    headers: { ...response.headers, 'cache-control': 'no-store' },
    body: response.body,
  }
}

function parseBody(body: ManagementBody, maxBytes: number, realm: string): unknown {
  if (body === undefined) return undefined
  if (typeof body !== 'string') {
    if (body.failure === 'too_large') throw new RequestTooLargeError(maxBytes)
    throw new InvalidRequestError('The request body could not be read as UTF-8 text.', { realm })
  }
  if (
    body.length > maxBytes ||
    (body.length * 3 > maxBytes && new TextEncoder().encode(body).length > maxBytes)
  ) {
    throw new RequestTooLargeError(maxBytes)
  }
  if (body.trim() === '') return undefined
  try {
    return JSON.parse(body)
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.', { realm })
  }
}

/** The body's fields, refusing a non-object body and any field not in `allowed`. */
function fieldsOf(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === undefined) return {}
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidArgumentError('body', 'The request body must be a JSON object.')
  }
  const fields = body as Record<string, unknown>
  for (const field of Object.keys(fields)) {
    if (allowed.includes(field)) continue
    if (field === 'ownerId') {
      throw new InvalidArgumentError(
        'ownerId',
        'ownerId is taken from the calling API key; leave it out.',
      )
    }
    throw new InvalidArgumentError(
      field,
      allowed.length === 0
        ? `${field} is not accepted: this request takes no body fields.`
        : `${field} is not accepted; the fields are ${allowed.join(', ')}.`,
    )
  }
  return { ...fields }
}

/** In JSON an instant is an ISO 8601 string: a bare number would be ambiguous (seconds or ms?). */
function assertIsoExpiry(input: Record<string, unknown>): void {
  if (input.expiresAt !== undefined && typeof input.expiresAt !== 'string') {
    throw new InvalidArgumentError('expiresAt', 'expiresAt must be an ISO 8601 string.')
  }
}
