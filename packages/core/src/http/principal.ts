import { ForbiddenError } from '../errors.js'
import { parseOwnerId } from '../keys/input.js'
import { isScopeGrant } from '../scopes.js'

/**
 * A principal as the application's resolver returned it, checked and copied. A malformed one
 * is the application's bug, not the client's: `TypeError`, which the management API lets
 * through to the framework's error handling (500) instead of answering it.
 */
export function assertPrincipal(value: unknown): Principal {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError('principal must resolve to { ownerId, scopes, actor } or to nothing')
  }
  const { ownerId, scopes, actor } = value as Record<string, unknown>
  try {
    parseOwnerId(ownerId)
  } catch {
    throw new TypeError(
      'principal.ownerId must be a non-blank string of at most 200 characters without control characters',
    )
  }
  if (!Array.isArray(scopes) || !scopes.every(isScopeGrant)) {
    throw new TypeError(
      'principal.scopes must be an array of scopes (resource:action) or wildcard grants',
    )
  }
  if (typeof actor !== 'string' || actor.trim() === '') {
    throw new TypeError('principal.actor must be a non-blank string, e.g. "person:42"')
  }
  return { ownerId: ownerId as string, scopes: Object.freeze([...scopes]), actor }
}

/** Methods that change nothing; everything else is state-changing and checked. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The CSRF rule for callers authenticated by the application's own login (a cookie the
 * browser attaches to any request, cross-site ones included): a state-changing request must
 * be `Content-Type: application/json`, which a cross-site HTML form cannot send and a
 * cross-site `fetch` cannot send without a CORS preflight this API never answers, AND come
 * from this very origin, as the browser states it: `Sec-Fetch-Site` when the browser sends
 * it (it knows the whole redirect chain, and it survives TLS-terminating proxies that change
 * the scheme the server sees), else `Origin` compared with `ownOrigin`. Throws
 * `ForbiddenError` (403) saying which part failed.
 *
 * @param ownOrigin the request's own origin, `scheme://host[:port]`, as the server was reached
 */
export function assertSameOrigin(
  method: string,
  header: (name: string) => string | undefined,
  ownOrigin: string | undefined,
): void {
  if (SAFE_METHODS.has(method)) return
  const refuse = (why: string) =>
    new ForbiddenError(
      `Refused as possible cross-site request forgery: ${why}. A signed-in person's ${method} ` +
        'must be sent by this site’s own pages with Content-Type: application/json and a ' +
        'same-origin Origin (or Sec-Fetch-Site: same-origin).',
    )
  const contentType = header('content-type')
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase()
  if (mediaType !== 'application/json') {
    throw refuse(
      contentType === undefined
        ? 'the request has no Content-Type'
        : `its Content-Type is ${contentType}, not application/json`,
    )
  }
  const site = header('sec-fetch-site')
  if (site !== undefined) {
    if (site.trim().toLowerCase() === 'same-origin') return
    throw refuse(`the browser says it was sent from another site (Sec-Fetch-Site: ${site})`)
  }
  const origin = header('origin')
  if (origin === undefined) throw refuse('it carries neither Origin nor Sec-Fetch-Site')
  const mine = ownOrigin === undefined ? undefined : originOf(ownOrigin)
  if (mine !== undefined && originOf(origin) === mine) return
  throw refuse(`it comes from ${origin}, not ${ownOrigin ?? 'this origin'}`)
}

/** The serialised origin of a URL (default port dropped, host lower-cased), or `undefined`. */
function originOf(url: string): string | undefined {
  let origin: string
  try {
    origin = new URL(url).origin
  } catch {
    return undefined
  }
  // Opaque origins (`null`, `file:`) match nothing, not even each other.
  return origin === 'null' ? undefined : origin
}

/**
 * A person signed in through the application's own login (its session cookie, Passport,
 * better-auth, Auth.js…), as the adapters' `principal` option resolves them. On the
 * management API they act like an API key of `ownerId` holding `scopes`: they need the
 * manage scope, see and change only `ownerId`'s keys, and grant only scopes they hold.
 */
export interface Principal {
  /** Whose keys they manage (their organisation, or themselves). */
  ownerId: string
  /** What they hold: scopes or wildcard grants (`projects:*`, `*`), as on a key. */
  scopes: readonly string[]
  /** Who they are in audit events (`KeyEvent.actor`), e.g. `'person:42'`. */
  actor: string
}
