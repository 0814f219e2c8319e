/**
 * What the OpenAPI document says of each key route (see `key-routes.ts` for the handlers);
 * `routes.ts` puts them on its rows.
 */
import { DEFAULT_PAGE_SIZE, KEY_STATUSES, MAX_PAGE_SIZE } from '../../backends/key-page.js'
import { MAX_NAME } from '../../keys/input.js'
import type { RouteOperation } from './operation.js'

export const KEY_OPERATIONS = {
  list: {
    operationId: 'listKeys',
    summary: "One page of the caller's owner's keys",
    description:
      'Newest first (ties by id), revoked keys aside unless `status=revoked`; never a token or ' +
      'a hash. Follow `nextCursor` (or the `Link` header) until it is `null`: a filtered page ' +
      'may hold fewer keys than `limit`, even none, while more follow. A cursor stays valid ' +
      'while keys are added or removed: no key is skipped or repeated.',
    tag: 'API keys',
    query: [
      {
        name: 'limit',
        description: `Keys per page, 1–${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.`,
        schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
      },
      {
        name: 'cursor',
        description: "The previous page's `nextCursor`; absent: the first page.",
        schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,400}$' },
      },
      {
        name: 'status',
        description: 'Only keys with this status now; absent: every key except revoked ones.',
        schema: { type: 'string', enum: [...KEY_STATUSES] },
      },
      {
        name: 'name',
        description: 'A case-insensitive prefix of the name.',
        schema: { type: 'string', maxLength: MAX_NAME },
      },
    ],
    success: {
      status: 200,
      description: 'The page.',
      schema: 'KeyList',
      headers: {
        link: {
          description:
            'RFC 8288 `<?limit=…&cursor=…>; rel="next"` (relative to the mount) when another page follows.',
          required: false,
        },
      },
    },
  },
  create: {
    operationId: 'createKey',
    summary: 'Create a key',
    description:
      "A key of the caller's owner, with scopes the caller holds (403 otherwise). The token is " +
      'in this answer only: it is never stored or shown again.',
    tag: 'API keys',
    body: { json: 'CreateKeyRequest', required: true },
    success: { status: 201, description: 'The key and its token.', schema: 'IssuedKey' },
  },
  revokeAll: {
    operationId: 'revokeAllKeys',
    summary: "Revoke every key of the caller's owner",
    description:
      'Incident response: every key of the owner issued until now stops at once, the caller ' +
      'included. Takes no body fields.',
    tag: 'API keys',
    body: { json: 'EmptyBody', required: false },
    success: { status: 200, description: 'When the revocation applies.', schema: 'RevokedAll' },
  },
  catalog: {
    operationId: 'getCatalog',
    summary: 'What a settings page needs to draw itself',
    description:
      'The declared scopes with descriptions, grouped by resource, which of them the caller ' +
      'may grant, and the lifetime, grace and rate limits in force.',
    tag: 'API keys',
    success: { status: 200, description: 'The catalog.', schema: 'Catalog' },
  },
  get: {
    operationId: 'getKey',
    summary: 'One key',
    description: "A key of the caller's owner; another owner's key, and a revoked one, are 404.",
    tag: 'API keys',
    success: { status: 200, description: 'The key.', schema: 'ApiKey' },
  },
  update: {
    operationId: 'updateKey',
    summary: 'Rename a key, move its expiry, narrow its scopes, change its limits or networks',
    description:
      "At least one field. Scopes only narrow (422). The caller's scopes must cover the key's " +
      '(403), and a key never changes its own expiry, scopes, limits or allowed IPs (403). A ' +
      'revoked, expired or rotated key is 409 `key_inactive`; a suspended one may be changed.',
    tag: 'API keys',
    body: { json: 'UpdateKeyRequest', required: true },
    success: { status: 200, description: 'The key as changed.', schema: 'ApiKey' },
    refusals: [409],
  },
  revoke: {
    operationId: 'revokeKey',
    summary: 'Revoke a key',
    description:
      'The key stops verifying on every instance at once, for good. Revoking a revoked key ' +
      'answers 204 again.',
    tag: 'API keys',
    success: { status: 204, description: 'Revoked.' },
  },
  rotate: {
    operationId: 'rotateKey',
    summary: 'Rotate a key',
    description:
      'A successor with a new secret and the same name, owner, scopes and expiry; the old key ' +
      'ends after `gracePeriod` (default 0: at once), or with `until: "first-use"` when the ' +
      'successor is first verified on any instance (at most `gracePeriod` later, default the ' +
      'largest grace period). A revoked, expired, rotated or suspended key is 409 `key_inactive`.',
    tag: 'API keys',
    body: { json: 'RotateKeyRequest', required: false },
    success: { status: 201, description: 'The successor and its token.', schema: 'IssuedKey' },
    refusals: [409],
  },
  suspend: {
    operationId: 'suspendKey',
    summary: 'Suspend a key',
    description:
      'The key (and its access tokens) is refused with 401 `suspended_token` on every instance ' +
      'within the revocation bound, until resumed; nothing else about it changes. Suspending a ' +
      'suspended key changes nothing. A revoked, expired or rotated key is 409 `key_inactive`.',
    tag: 'API keys',
    body: { json: 'SuspendKeyRequest', required: false },
    success: { status: 200, description: 'The key, suspended.', schema: 'ApiKey' },
    refusals: [409],
  },
  resume: {
    operationId: 'resumeKey',
    summary: 'Resume a suspended key',
    description:
      "The key works again at once, unless it expired meanwhile. The caller's scopes must cover " +
      "the key's (403). Resuming an active key changes nothing; a revoked, expired or rotated " +
      'key is 409 `key_inactive`.',
    tag: 'API keys',
    body: { json: 'EmptyBody', required: false },
    success: { status: 200, description: 'The key as it stands.', schema: 'ApiKey' },
    refusals: [409],
  },
} as const satisfies Record<string, RouteOperation>
