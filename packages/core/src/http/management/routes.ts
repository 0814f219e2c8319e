/**
 * The management API's route table — method, path below the mount, who acts (and so which
 * scope it needs), and the handler — and the matching of a request's method and path against
 * it. Authentication, the caller's re-check and the scope check are decided once, in
 * `createManagementApi`, from the `acts` column.
 */
import type { VerifiedKey } from '../../types.js'
import type { ManagementResponse } from '../request.js'
import type { CatalogRoute } from './catalog.js'
import type { Caller, ManagementContext } from './context.js'
import {
  createKey,
  getKey,
  listKeys,
  revokeAllKeys,
  revokeKey,
  rotateKey,
  updateKey,
} from './key-routes.js'
import type { TokenRoute } from './token-route.js'

/** What a route's `run` gets besides its caller: the `:id` segment and the body, parsed on demand. */
export interface RouteRequest {
  /** The `:id` segment of the path; `''` on routes without one. */
  id: string
  /** The parsed JSON body (`undefined` when empty); throws 400/413 when it cannot be read. */
  body: () => unknown
}

/** Where a route sits: its method and its path. */
export interface RoutePlace {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** Segments below the mount; `:id` matches any segment that is not a literal of the table. */
  readonly path: readonly string[]
}

/**
 * A route on which a manager acts: a key holding the manage scope, or a principal (who must
 * hold it too).
 */
export interface ManagerRoute extends RoutePlace {
  readonly acts: 'manager'
  readonly run: (caller: Caller, request: RouteRequest) => Promise<ManagementResponse>
}

/** A route on which an API key acts for itself (`POST /token`): no manage scope, no principal. */
export interface KeyRoute extends RoutePlace {
  readonly acts: 'key'
  readonly run: (caller: VerifiedKey, request: RouteRequest) => Promise<ManagementResponse>
}

/** One row of the route table. */
export type Route = ManagerRoute | KeyRoute

/**
 * Every route, in one table. `POST /token` is there only when the API mints access tokens
 * (`token` given); without it the path is 404 like any unknown one.
 */
export function managementRoutes(
  ctx: ManagementContext,
  catalog: CatalogRoute,
  token: TokenRoute | undefined,
): readonly Route[] {
  const tokenRoutes: KeyRoute[] =
    token === undefined
      ? []
      : [
          {
            method: 'POST',
            path: ['token'],
            acts: 'key',
            run: (key, { body }) => token.mint(key, body()),
          },
        ]
  return [
    { method: 'GET', path: [], acts: 'manager', run: (caller) => listKeys(ctx, caller) },
    {
      method: 'POST',
      path: [],
      acts: 'manager',
      run: (caller, { body }) => createKey(ctx, caller, body()),
    },
    {
      method: 'POST',
      path: ['revoke-all'],
      acts: 'manager',
      run: (caller, { body }) => revokeAllKeys(ctx, caller, body()),
    },
    { method: 'GET', path: ['catalog'], acts: 'manager', run: async (caller) => catalog(caller) },
    ...tokenRoutes,
    {
      method: 'GET',
      path: [':id'],
      acts: 'manager',
      run: (caller, { id }) => getKey(ctx, caller, id),
    },
    {
      method: 'PATCH',
      path: [':id'],
      acts: 'manager',
      run: (caller, { id, body }) => updateKey(ctx, caller, id, body()),
    },
    {
      method: 'DELETE',
      path: [':id'],
      acts: 'manager',
      run: (caller, { id }) => revokeKey(ctx, caller, id),
    },
    {
      method: 'POST',
      path: [':id', 'rotate'],
      acts: 'manager',
      run: (caller, { id, body }) => rotateKey(ctx, caller, id, body()),
    },
  ]
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
