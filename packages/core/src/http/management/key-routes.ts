/**
 * The key routes of the management API, one function each over the {@link ManagementContext}:
 * list, create, get, update, rotate, suspend, resume, delete (revoke) and revoke-all. Every one acts for a
 * {@link Caller} already authenticated, re-checked and holding the manage scope, and only on
 * keys of the caller's owner.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../backends/key-page.js'
import { ForbiddenError, InvalidArgumentError, NotFoundError } from '../../errors.js'
import type { CreateKeyInput, RotateKeyInput, UpdateKeyInput } from '../../keys/lifecycle.js'
import { isSubsetOf } from '../../scopes.js'
import { isKeyId } from '../../token/token.js'
import type { ApiKey } from '../../types.js'
import type { ManagementResponse } from '../request.js'
import { bodyFields } from './body.js'
import { actionOf, assertCallerHolds, type Caller, type ManagementContext } from './context.js'
import { type ApiKeyJson, jsonResponse, toApiKeyJson } from './json.js'

/** The body fields of `POST /`; the OpenAPI request schema is built from this list. */
export const CREATE_FIELDS = [
  'name',
  'scopes',
  'expiresAt',
  'expiresIn',
  'metadata',
  'rateLimits',
  'credits',
  'allowedIps',
] as const
/** What `PATCH` may change: the same fields as on create (the owner never changes). */
export const UPDATE_FIELDS = CREATE_FIELDS
/** The body fields of `POST /:id/rotate`. */
export const ROTATE_FIELDS = ['gracePeriod', 'until'] as const
/** The body fields of `POST /:id/suspend`. */
export const SUSPEND_FIELDS = ['reason'] as const
/** What a key may never change about itself: its own life, reach, limits and networks. */
const LIFE_FIELDS = [
  'expiresAt',
  'expiresIn',
  'scopes',
  'rateLimits',
  'credits',
  'allowedIps',
] as const

/** The query parameters `GET /` reads; any other is ignored. */
export const PAGE_PARAMETERS = ['limit', 'cursor', 'status', 'name'] as const

/**
 * `GET /?limit=&cursor=&status=&name=`: one page of the caller's owner's keys, newest first
 * (default 50, at most 100), with `nextCursor` and, when another page follows, an RFC 8288
 * `Link: <?…&cursor=…>; rel="next"` (relative: it keeps the mount and the other parameters).
 */
export async function listKeys(
  ctx: ManagementContext,
  caller: Caller,
  query: URLSearchParams,
): Promise<ManagementResponse> {
  const options: Record<string, unknown> = queryParameters(query, PAGE_PARAMETERS)
  if (options.limit !== undefined) options.limit = pageLimit(options.limit as string)
  const page = await ctx.keys.listPage(caller.ownerId, options)
  const headers: Record<string, string> = {}
  if (page.nextCursor !== null) {
    const next = new URLSearchParams()
    next.set('limit', String(options.limit ?? DEFAULT_PAGE_SIZE))
    next.set('cursor', page.nextCursor)
    for (const parameter of ['status', 'name'] as const) {
      if (options[parameter] !== undefined) next.set(parameter, options[parameter] as string)
    }
    headers.link = `<?${next}>; rel="next"`
  }
  return jsonResponse(
    200,
    { keys: page.keys.map((key) => keyJson(ctx, key)), nextCursor: page.nextCursor },
    headers,
  )
}

/** The values of `names` in `query`, each given at most once (422 naming one given twice). */
export function queryParameters(
  query: URLSearchParams,
  names: readonly string[],
): Record<string, string> {
  const options: Record<string, string> = {}
  for (const name of names) {
    const values = query.getAll(name)
    if (values.length > 1) throw new InvalidArgumentError(name, `Give ${name} at most once.`)
    if (values[0] !== undefined) options[name] = values[0]
  }
  return options
}

/** The `limit` parameter: a decimal integer from 1 to 100 (422 `limit` otherwise). */
function pageLimit(value: string): number {
  if (!/^[0-9]{1,3}$/.test(value)) {
    throw new InvalidArgumentError('limit', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}.`)
  }
  return Number(value)
}

/** `POST /`: a new key of the caller's owner, with scopes the caller holds; 201 with its token. */
export async function createKey(
  ctx: ManagementContext,
  caller: Caller,
  body: unknown,
): Promise<ManagementResponse> {
  const input = bodyFields(body, CREATE_FIELDS)
  assertIsoExpiry(input)
  const scopes = ctx.scopes.validateGrants(input.scopes)
  assertCallerHolds(ctx, caller, scopes)
  // The remaining fields are checked by keys.create, which names the field it rejects.
  const create = { ...input, scopes, ownerId: caller.ownerId } as unknown as CreateKeyInput
  const issued = await ctx.keys.create(create, actionOf(caller))
  return jsonResponse(201, { key: keyJson(ctx, issued.key), token: issued.token })
}

/** `GET /:id`: one key, not revoked. */
export async function getKey(
  ctx: ManagementContext,
  caller: Caller,
  id: string,
): Promise<ManagementResponse> {
  return jsonResponse(200, keyJson(ctx, await ownedKey(ctx, caller, id)))
}

/**
 * `PATCH /:id`: changes a key the caller's scopes cover. Scopes only narrow (422), and a key
 * never changes its own life, reach or limits (403).
 */
export async function updateKey(
  ctx: ManagementContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<ManagementResponse> {
  const input = bodyFields(body, UPDATE_FIELDS)
  if (Object.keys(input).length === 0) {
    throw new InvalidArgumentError('body', `Give at least one of ${UPDATE_FIELDS.join(', ')}.`)
  }
  assertIsoExpiry(input)
  const key = await ownedKey(ctx, caller, id, true)
  assertCallerHolds(ctx, caller, key.scopes)
  const lifeChanges = LIFE_FIELDS.filter((field) => input[field] !== undefined)
  if (key.id === caller.keyId && lifeChanges.length > 0) {
    throw new ForbiddenError(
      `An API key cannot change its own ${lifeChanges.join(', ')}; use another key or ask its owner.`,
    )
  }
  if (input.scopes !== undefined) {
    const scopes = ctx.scopes.validateGrants(input.scopes)
    assertCallerHolds(ctx, caller, scopes)
    if (!isSubsetOf(scopes, key.scopes)) {
      throw new InvalidArgumentError(
        'scopes',
        'scopes can only be narrowed; create a new key for more scopes.',
      )
    }
    input.scopes = scopes
  }
  const updated = await ctx.keys.update(key.id, input as UpdateKeyInput, actionOf(caller))
  return jsonResponse(200, keyJson(ctx, updated))
}

/** `POST /:id/rotate`: a successor of a key the caller's scopes cover; 201 with its token. */
export async function rotateKey(
  ctx: ManagementContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<ManagementResponse> {
  const input = bodyFields(body, ROTATE_FIELDS)
  const key = await ownedKey(ctx, caller, id, true)
  assertCallerHolds(ctx, caller, key.scopes)
  const issued = await ctx.keys.rotate(key.id, input as RotateKeyInput, actionOf(caller))
  return jsonResponse(201, { key: keyJson(ctx, issued.key), token: issued.token })
}

/**
 * `POST /:id/suspend`: suspends a key of the caller's owner (`{ reason? }`); 200 with the key,
 * again for a key suspended already; 409 for a revoked, expired or rotated one.
 */
export async function suspendKey(
  ctx: ManagementContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<ManagementResponse> {
  const input = bodyFields(body, SUSPEND_FIELDS)
  const key = await ownedKey(ctx, caller, id, true)
  const suspended = await ctx.keys.suspend(
    key.id,
    // Stryker disable next-line ConditionalExpression: suspend reads an absent and an undefined reason alike
    input.reason === undefined ? {} : { reason: input.reason as string },
    actionOf(caller),
  )
  return jsonResponse(200, keyJson(ctx, suspended))
}

/**
 * `POST /:id/resume`: resumes a suspended key the caller's scopes cover (a narrow key cannot
 * bring a broader one back); 200 with the key, also when it was not suspended; 409 for a
 * revoked, expired or rotated one.
 */
export async function resumeKey(
  ctx: ManagementContext,
  caller: Caller,
  id: string,
  body: unknown,
): Promise<ManagementResponse> {
  // Stryker disable next-line ArrayDeclaration: only a field named "Stryker was here" would tell
  bodyFields(body, [])
  const key = await ownedKey(ctx, caller, id, true)
  assertCallerHolds(ctx, caller, key.scopes)
  const resumed = await ctx.keys.resume(key.id, actionOf(caller))
  return jsonResponse(200, keyJson(ctx, resumed))
}

/** `DELETE /:id`: revokes a key; 204, again for a key already revoked. */
export async function revokeKey(
  ctx: ManagementContext,
  caller: Caller,
  id: string,
): Promise<ManagementResponse> {
  const key = await ownedKey(ctx, caller, id, true)
  await ctx.keys.revoke(key.id, actionOf(caller))
  return { status: 204, headers: { 'cache-control': 'no-store' } }
}

/** `POST /revoke-all`: revokes every key of the caller's owner issued until now. */
export async function revokeAllKeys(
  ctx: ManagementContext,
  caller: Caller,
  body: unknown,
): Promise<ManagementResponse> {
  // Stryker disable next-line ArrayDeclaration: only a field named "Stryker was here" would tell
  bodyFields(body, [])
  const { revokedBefore } = await ctx.keys.revokeAll({ ownerId: caller.ownerId }, actionOf(caller))
  return jsonResponse(200, { revokedBefore: new Date(revokedBefore).toISOString() })
}

/**
 * Another owner's key and a missing one are the same 404; so is a revoked one for reading.
 * Changes find revoked keys too, so that they answer 409 (`key_inactive`) or, for DELETE,
 * succeed idempotently.
 */
/** The caller's owner's key `id` (with `includeRevoked`, a revoked one too); else 404. */
export async function ownedKey(
  ctx: ManagementContext,
  caller: Caller,
  id: string,
  includeRevoked = false,
): Promise<ApiKey> {
  const key = isKeyId(id) ? await ctx.keys.get(id, { includeRevoked }) : undefined
  if (!key || key.ownerId !== caller.ownerId) throw new NotFoundError()
  return key
}

function keyJson(ctx: ManagementContext, key: ApiKey): ApiKeyJson {
  return toApiKeyJson(key, ctx.now())
}

/** In JSON an instant is an ISO 8601 string: a bare number would be ambiguous (seconds or ms?). */
function assertIsoExpiry(input: Record<string, unknown>): void {
  if (input.expiresAt !== undefined && typeof input.expiresAt !== 'string') {
    throw new InvalidArgumentError('expiresAt', 'expiresAt must be an ISO 8601 string.')
  }
}
