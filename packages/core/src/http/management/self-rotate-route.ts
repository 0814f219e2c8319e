/**
 * `POST /self/rotate`: an API key rotates itself. Automation that holds one key and no manage
 * scope (a deploy pipeline, a cron job) renews its own credential: it gets its successor once,
 * under the same grace rules as `POST /:id/rotate`, and can widen nothing (the successor keeps
 * the key's scopes, expiry, limits and networks; the body takes only `gracePeriod` and `until`).
 */
import { InvalidRequestError } from '../../errors.js'
import type { EventOrigin } from '../../keys/audit.js'
import type { RotateKeyInput } from '../../keys/lifecycle.js'
import { assertGrantable } from '../../scopes.js'
import type { VerifiedKey } from '../../types.js'
import type { ManagementResponse } from '../request.js'
import { bodyFields } from './body.js'
import type { ManagementContext } from './context.js'
import { jsonResponse, toApiKeyJson } from './json.js'
import { ROTATE_FIELDS } from './key-routes.js'
import type { RouteOperation } from './operation.js'

/** The scope a key needs to rotate itself unless `selfRotateScope` names another. */
export const DEFAULT_SELF_ROTATE_SCOPE = 'api_keys:rotate_self'

/** What the OpenAPI document says of `POST /self/rotate`. */
export const SELF_ROTATE_OPERATION: RouteOperation = {
  operationId: 'rotateSelf',
  summary: 'Rotate the calling key itself',
  description:
    'The Bearer API key (not an access token, not a signed-in person) holding the ' +
    'self-rotation scope (default `api_keys:rotate_self`; no manage scope needed) gets a ' +
    'successor with the same name, scopes, expiry, limits and networks; the body takes only ' +
    '`gracePeriod` and `until`, with the rules of `POST /{id}/rotate`. A key gets one successor: ' +
    'rotating it again, even while it still works in its grace period, is 409 `key_inactive`.',
  tag: 'API keys',
  audience: 'self',
  body: { json: 'RotateKeyRequest', required: false },
  success: { status: 201, description: 'The successor and its token.', schema: 'IssuedKey' },
  refusals: [409],
}

/**
 * Rotates `key`, the caller as re-checked just now, when it is an API key holding `scope`:
 * 201 with the successor and its token, shown this once.
 */
export async function rotateSelf(
  ctx: ManagementContext,
  scope: string,
  key: VerifiedKey,
  request: { body: () => unknown; origin: EventOrigin },
): Promise<ManagementResponse> {
  if (key.kind !== 'api_key') {
    throw new InvalidRequestError(
      'A key rotates itself with the API key, not with an access token.',
      { realm: ctx.realm },
    )
  }
  assertGrantable([scope], key.scopes, ctx.realm)
  const input = bodyFields(request.body(), ROTATE_FIELDS)
  const issued = await ctx.keys.rotate(key.id, input as RotateKeyInput, {
    actor: `key:${key.id}`,
    ...request.origin,
  })
  return jsonResponse(201, { key: toApiKeyJson(issued.key, ctx.now()), token: issued.token })
}
