/**
 * The management API's route table — method, path below the mount, who acts (and so which
 * scope it needs), its OpenAPI operation, and the handler — and the matching of a request's method and path against
 * it. Authentication, the caller's re-check and the scope check are decided once, in
 * `createManagementApi`, from the `acts` column.
 */
import type { EventOrigin } from '../../keys/audit.js'
import type { VerifiedKey } from '../../types.js'
import type { ManagementResponse } from '../request.js'
import { AUDIT_OPERATION, listAuditEvents } from './audit-route.js'
import type { CatalogRoute } from './catalog.js'
import type { Caller, ManagementContext } from './context.js'
import { jsonResponse } from './json.js'
import { KEY_OPERATIONS } from './key-operations.js'
import {
  createKey,
  getKey,
  listKeys,
  resumeKey,
  revokeAllKeys,
  revokeKey,
  rotateKey,
  suspendKey,
  updateKey,
} from './key-routes.js'
import { OPENAPI_CACHE_CONTROL, OPENAPI_OPERATION } from './openapi-operation.js'
import type { RouteOperation } from './operation.js'
import { rotateSelf, SELF_ROTATE_OPERATION } from './self-rotate-route.js'
import { TOKEN_OPERATION, type TokenRoute } from './token-route.js'
import {
  getKeyUsage,
  KEY_USAGE_OPERATION,
  summarizeUsage,
  USAGE_SUMMARY_OPERATION,
} from './usage-route.js'

/** What a route's `run` gets besides its caller: the `:id` segment and the body, parsed on demand. */
export interface RouteRequest {
  /** The `:id` segment of the path; `''` on routes without one. */
  id: string
  /** The parsed JSON body (`undefined` when empty); throws 400/413 when it cannot be read. */
  body: () => unknown
  /** The query parameters (empty when the request had none). */
  query: URLSearchParams
  /** Where the request came from, as the adapter decided: kept in the audit log. */
  origin: EventOrigin
}

/** What the routes act through, bound once by `createManagementApi`. */
export interface RouteDeps {
  readonly ctx: ManagementContext
  readonly catalog: CatalogRoute
  /** `POST /token`, when the API mints access tokens (the row exists only then). */
  readonly token: TokenRoute | undefined
  /** The API's OpenAPI document, built on first use. */
  readonly openApi: () => Record<string, unknown>
  /** The scope a key needs to rotate itself (`POST /self/rotate`). */
  readonly selfRotateScope: string
}

/** Where a route sits (its method and its path) and what the OpenAPI document says of it. */
export interface RoutePlace {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** Segments below the mount; `:id` matches any segment that is not a literal of the table. */
  readonly path: readonly string[]
  /** Its OpenAPI operation: required, so a route cannot be added undocumented. */
  readonly operation: RouteOperation
}

/**
 * A route on which a manager acts: a key holding the manage scope, or a principal (who must
 * hold it too).
 */
export interface ManagerRoute extends RoutePlace {
  readonly acts: 'manager'
  readonly run: (
    deps: RouteDeps,
    caller: Caller,
    request: RouteRequest,
  ) => Promise<ManagementResponse>
}

/** A route on which an API key acts for itself (`POST /token`): no manage scope, no principal. */
export interface KeyRoute extends RoutePlace {
  readonly acts: 'key'
  readonly run: (
    deps: RouteDeps,
    caller: VerifiedKey,
    request: RouteRequest,
  ) => Promise<ManagementResponse>
}

/** A route anyone may call, answered before any credential is read (`GET /openapi.json`). */
export interface PublicRoute extends RoutePlace {
  readonly acts: 'public'
  readonly run: (deps: RouteDeps) => ManagementResponse
}

/** One row of the route table. */
export type Route = ManagerRoute | KeyRoute | PublicRoute

/** What an API serves beyond the key routes, as its options say. */
export interface RouteFeatures {
  /** `POST /token`: the API mints access tokens. */
  readonly accessTokens: boolean
  /** `GET /openapi.json`: the API describes itself. */
  readonly openApi: boolean
}

/** A row of the table, perhaps served only with one of the {@link RouteFeatures}. */
type Row = Route & { readonly onlyWith?: keyof RouteFeatures }

/**
 * Every route, in one table. Literal paths come before `:id` ones only for the reader: the
 * matcher never takes a literal for an id.
 */
const ROUTES: readonly Row[] = [
  {
    method: 'GET',
    path: [],
    acts: 'manager',
    operation: KEY_OPERATIONS.list,
    run: ({ ctx }, caller, { query }) => listKeys(ctx, caller, query),
  },
  {
    method: 'POST',
    path: [],
    acts: 'manager',
    operation: KEY_OPERATIONS.create,
    run: ({ ctx }, caller, { body }) => createKey(ctx, caller, body()),
  },
  {
    method: 'POST',
    path: ['revoke-all'],
    acts: 'manager',
    operation: KEY_OPERATIONS.revokeAll,
    run: ({ ctx }, caller, { body }) => revokeAllKeys(ctx, caller, body()),
  },
  {
    method: 'GET',
    path: ['audit'],
    acts: 'manager',
    operation: AUDIT_OPERATION,
    run: ({ ctx }, caller, { query }) => listAuditEvents(ctx, caller, query),
  },
  {
    // A literal, so never taken for a key id: `GET /usage` is the owner's summary.
    method: 'GET',
    path: ['usage'],
    acts: 'manager',
    operation: USAGE_SUMMARY_OPERATION,
    run: ({ ctx }, caller, { query }) => summarizeUsage(ctx, caller, query),
  },
  {
    method: 'GET',
    path: ['catalog'],
    acts: 'manager',
    operation: KEY_OPERATIONS.catalog,
    run: async ({ catalog }, caller) => catalog(caller),
  },
  {
    method: 'POST',
    path: ['token'],
    acts: 'key',
    operation: TOKEN_OPERATION,
    onlyWith: 'accessTokens',
    run: ({ token }, key, { body }) => (token as TokenRoute).mint(key, body()),
  },
  {
    method: 'POST',
    path: ['self', 'rotate'],
    acts: 'key',
    operation: SELF_ROTATE_OPERATION,
    run: ({ ctx, selfRotateScope }, key, request) => rotateSelf(ctx, selfRotateScope, key, request),
  },
  {
    method: 'GET',
    path: ['openapi.json'],
    acts: 'public',
    operation: OPENAPI_OPERATION,
    onlyWith: 'openApi',
    run: ({ openApi }) => jsonResponse(200, openApi(), { 'cache-control': OPENAPI_CACHE_CONTROL }),
  },
  {
    method: 'GET',
    path: [':id'],
    acts: 'manager',
    operation: KEY_OPERATIONS.get,
    run: ({ ctx }, caller, { id }) => getKey(ctx, caller, id),
  },
  {
    method: 'PATCH',
    path: [':id'],
    acts: 'manager',
    operation: KEY_OPERATIONS.update,
    run: ({ ctx }, caller, { id, body }) => updateKey(ctx, caller, id, body()),
  },
  {
    method: 'DELETE',
    path: [':id'],
    acts: 'manager',
    operation: KEY_OPERATIONS.revoke,
    run: ({ ctx }, caller, { id }) => revokeKey(ctx, caller, id),
  },
  {
    method: 'GET',
    path: [':id', 'usage'],
    acts: 'manager',
    operation: KEY_USAGE_OPERATION,
    run: ({ ctx }, caller, { id, query }) => getKeyUsage(ctx, caller, id, query),
  },
  {
    method: 'POST',
    path: [':id', 'rotate'],
    acts: 'manager',
    operation: KEY_OPERATIONS.rotate,
    run: ({ ctx }, caller, { id, body }) => rotateKey(ctx, caller, id, body()),
  },
  {
    method: 'POST',
    path: [':id', 'suspend'],
    acts: 'manager',
    operation: KEY_OPERATIONS.suspend,
    run: ({ ctx }, caller, { id, body }) => suspendKey(ctx, caller, id, body()),
  },
  {
    method: 'POST',
    path: [':id', 'resume'],
    acts: 'manager',
    operation: KEY_OPERATIONS.resume,
    run: ({ ctx }, caller, { id, body }) => resumeKey(ctx, caller, id, body()),
  },
]

/**
 * The route table of an API with `features`: `POST /token` is there only when the API mints
 * access tokens, `GET /openapi.json` unless turned off; without them the path is 404 like any
 * unknown one.
 */
export function managementRoutes(features: RouteFeatures): readonly Route[] {
  return ROUTES.filter((row) => row.onlyWith === undefined || features[row.onlyWith])
}

/** A request's route with its `:id`, or `undefined` when no route has its method and path. */
export type RouteMatcher<R extends RoutePlace> = (
  method: string,
  path: string,
) => { route: R; id: string } | undefined

/**
 * Matches requests against a route table: the route of a method and path, with its `:id`, or
 * `undefined` (404). A literal segment of the table (`catalog`, `revoke-all`, `rotate`…) is
 * never taken for an id, and a known path with another method is 404 like an unknown path.
 */
export function routeMatcher<R extends RoutePlace>(routes: readonly R[]): RouteMatcher<R> {
  // Stryker disable next-line MethodExpression,ConditionalExpression,StringLiteral: a segment ':id' is no key id, 404 either way
  const literals = new Set(routes.flatMap((route) => route.path.filter((part) => part !== ':id')))
  return function matchRoute(method, path) {
    const segments = routeSegments(path)
    if (segments === undefined) return undefined
    for (const route of routes) {
      if (route.method !== method || route.path.length !== segments.length) continue
      // Stryker disable next-line StringLiteral: only routes with :id read their id, which sets it
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
    // Stryker disable next-line ConditionalExpression: no literal and no key id holds '%', so such a segment is 404 either way
    if (segment.includes('%')) return undefined
    segments.push(segment)
  }
  return segments
}
