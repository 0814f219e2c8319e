/**
 * The JSON Schemas (2020-12, as OpenAPI 3.1 takes them) of the management API's bodies.
 * Request schemas are built from the field lists the handlers read (`CREATE_FIELDS`…) and
 * the limits the lifecycle enforces (name length, `maxLifetime`, the grace period, the scope
 * catalog), so a field added to a handler without a schema fails the type check.
 */

import { MAX_ALLOWED_IPS } from '../../backends/record.js'
import { DURATION_PATTERN } from '../../duration.js'
import type { KeywardErrorCode } from '../../errors.js'
import { MAX_METADATA_JSON, MAX_NAME, MAX_SUSPEND_REASON } from '../../keys/input.js'
import type { KeyLimits } from '../../keyward.js'
import {
  MAX_CREDITS,
  MAX_LIMIT,
  MAX_RATE_LIMITS,
  MAX_WINDOW,
  RATE_LIMIT_NAME,
} from '../../limits/input.js'
import { GRANT_PATTERN } from '../../scopes.js'
import type { KeyStatus } from '../../types.js'
import { oauthSchemas } from '../oauth/operations.js'
import { auditEventSchema } from './audit-route.js'
import { edgeSchemas } from './edge-routes.js'
import { importReportSchema, MAX_IMPORT_RECORDS } from './import-route.js'
import { CREATE_FIELDS, ROTATE_FIELDS, SUSPEND_FIELDS, UPDATE_FIELDS } from './key-routes.js'
import { type JsonSchema, objectSchema, type SchemaName } from './operation.js'
import { TOKEN_FIELDS } from './token-route.js'
import { usageSchemas } from './usage-route.js'

/** What the schemas depend on: the instance's scope catalog and lifecycle limits. */
export interface SchemaSettings {
  /** The declared scope names; empty: any well-formed scope (an open catalog). */
  readonly scopes: readonly string[]
  /** The lifecycle limits, in milliseconds. */
  readonly limits: KeyLimits
}

/** Every key status, so that a new one cannot be left out of the document. */
const KEY_STATUSES: Record<KeyStatus, true> = {
  active: true,
  expired: true,
  revoked: true,
  rotated: true,
  suspended: true,
}

/** Every problem code, so that a new one cannot be left out of the document. */
const ERROR_CODES: Record<KeywardErrorCode, true> = {
  missing_token: true,
  invalid_request: true,
  malformed_token: true,
  unknown_token: true,
  expired_token: true,
  revoked_token: true,
  insufficient_scope: true,
  unavailable: true,
  invalid_argument: true,
  not_found: true,
  request_too_large: true,
  key_inactive: true,
  forbidden: true,
  invalid_signature: true,
  rate_limited: true,
  usage_exceeded: true,
  suspended_token: true,
  ip_not_allowed: true,
}

const instant: JsonSchema = { type: 'string', format: 'date-time' }
const seconds = (ms: number) => Math.floor(ms / 1000)

/** Seconds (a number) or a duration string, at most `maxMs`. */
function durationSchema(description: string, maxMs: number, minimum = 0): JsonSchema {
  return {
    description: `${description} Seconds, or a duration like "90d", "12h", "30m", "45s".`,
    oneOf: [
      { type: 'number', minimum, maximum: seconds(maxMs) },
      { type: 'string', pattern: DURATION_PATTERN.source },
    ],
  }
}

/** A grant: a declared scope or a wildcard covering some (any well-formed one without a catalog). */
function grantSchema(scopes: readonly string[]): JsonSchema {
  if (scopes.length === 0) return { type: 'string', pattern: GRANT_PATTERN.source }
  const wildcards = new Set(['*'])
  for (const scope of scopes) {
    const segments = scope.split(':')
    for (let end = 1; end < segments.length; end++) {
      wildcards.add(`${segments.slice(0, end).join(':')}:*`)
    }
  }
  return { type: 'string', enum: [...scopes, ...wildcards] }
}

/** The schema of each lifecycle body field the key routes take. */
function fieldSchemas(settings: SchemaSettings) {
  const { maxLifetime, maxGracePeriod, defaultExpiresIn } = settings.limits
  const window = durationSchema('The window; at least 1 s, whole seconds.', MAX_WINDOW, 1)
  return {
    name: {
      type: 'string',
      minLength: 1,
      maxLength: MAX_NAME,
      description: `1–${MAX_NAME} characters after trimming, no control characters.`,
    },
    scopes: {
      type: 'array',
      items: grantSchema(settings.scopes),
      maxItems: 100,
      description: 'Scopes the caller holds; wildcards (`projects:*`, `*`) cover catalog scopes.',
    },
    expiresAt: {
      ...instant,
      description: `When the key ends (ISO 8601): in the future, at most ${seconds(maxLifetime)} s from now.`,
    },
    expiresIn: durationSchema(
      defaultExpiresIn === undefined
        ? 'The key lifetime; this or expiresAt is required.'
        : `The key lifetime; default ${seconds(defaultExpiresIn)} s.`,
      maxLifetime,
    ),
    metadata: {
      type: 'object',
      additionalProperties: true,
      description: `Your own JSON, at most ${MAX_METADATA_JSON} bytes.`,
    },
    rateLimits: {
      type: 'array',
      maxItems: MAX_RATE_LIMITS,
      description: "The key's own rate limits; `[]`: none, overriding the deployment defaults.",
      items: objectSchema(
        {
          name: { type: 'string', pattern: RATE_LIMIT_NAME.source, default: 'default' },
          limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
          window,
        },
        ['name'],
      ),
    },
    credits: objectSchema(
      {
        remaining: { type: 'integer', minimum: 0, maximum: MAX_CREDITS },
        refill: objectSchema({
          amount: { type: 'integer', minimum: 1, maximum: MAX_CREDITS },
          interval: window,
        }),
      },
      ['refill'],
    ),
    gracePeriod: durationSchema(
      'How long the old key keeps working; default 0 (ends at once). With `until: ' +
        '"first-use"`: the longest it waits, default the largest grace period, more than 0.',
      maxGracePeriod,
    ),
    until: {
      type: 'string',
      enum: ['first-use'],
      description:
        'The old key works until the successor is first verified on any instance, then ends ' +
        'everywhere; `gracePeriod` caps the wait.',
    },
    allowedIps: {
      type: 'array',
      maxItems: MAX_ALLOWED_IPS,
      items: { type: 'string', minLength: 1 },
      description:
        'Addresses and CIDR ranges (IPv4, IPv6) the key may be used from; used from elsewhere ' +
        'it is refused with 403 `ip_not_allowed`. On update, `[]` (or `null`) removes the rules.',
    },
    reason: {
      type: 'string',
      maxLength: MAX_SUSPEND_REASON,
      description: `Why the key is suspended, at most ${MAX_SUSPEND_REASON} characters.`,
    },
  } satisfies Record<
    | (typeof CREATE_FIELDS)[number]
    | (typeof ROTATE_FIELDS)[number]
    | (typeof SUSPEND_FIELDS)[number],
    JsonSchema
  >
}

/** The request bodies of the key and token routes, from the handlers' field lists. */
function requestSchemas(settings: SchemaSettings) {
  const fields = fieldSchemas(settings)
  const pick = (names: readonly (keyof typeof fields)[]) =>
    Object.fromEntries(names.map((name) => [name, fields[name]]))
  const token = {
    scope: {
      type: 'string',
      description: 'Space-delimited scopes the key holds; default all of them.',
    },
    expiresIn: durationSchema('The access token lifetime.', 86_400_000),
  } satisfies Record<(typeof TOKEN_FIELDS)[number], JsonSchema>
  return {
    CreateKeyRequest: objectSchema(
      pick(CREATE_FIELDS),
      CREATE_FIELDS.filter((name) => name !== 'name' && name !== 'scopes'),
    ),
    UpdateKeyRequest: objectSchema(
      // On update, `null` takes the key's network rules away.
      { ...pick(UPDATE_FIELDS), allowedIps: { oneOf: [fields.allowedIps, { type: 'null' }] } },
      UPDATE_FIELDS,
      { minProperties: 1 },
    ),
    RotateKeyRequest: objectSchema(pick(ROTATE_FIELDS), ROTATE_FIELDS),
    SuspendKeyRequest: objectSchema(pick(SUSPEND_FIELDS), SUSPEND_FIELDS),
    ImportKeysRequest: objectSchema({
      keys: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_IMPORT_RECORDS,
        items: objectSchema(
          {
            ...pick(CREATE_FIELDS),
            token: { type: 'string', description: 'The plaintext token; or give `hash`.' },
            hash: {
              type: 'string',
              description: 'The SHA-256 digest of the token: hex, base64 or base64url.',
            },
            ownerId: { type: 'string', description: "The caller's own owner, or left out." },
          },
          [
            ...CREATE_FIELDS.filter((name) => name !== 'name' && name !== 'scopes'),
            'token',
            'hash',
            'ownerId',
          ],
        ),
      },
    }),
    EmptyBody: objectSchema({}, [], { maxProperties: 0 }),
    AccessTokenRequest: objectSchema(token, TOKEN_FIELDS),
  }
}

/** A rate limit as answers show it (`RateLimitJson`). */
function rateLimitSchema(): JsonSchema {
  return objectSchema({
    name: { type: 'string' },
    limit: { type: 'integer' },
    window: { type: 'integer', description: 'Seconds.' },
  })
}

/** A key as answers show it (`ApiKeyJson`). */
function apiKeySchema(): JsonSchema {
  const rateLimit = rateLimitSchema()
  return objectSchema(
    {
      id: { type: 'string', pattern: '^key_[0-9A-Za-z]{16}$' },
      name: { type: 'string' },
      hint: { type: 'string', description: 'The prefix and the first 4 secret characters.' },
      ownerId: { type: 'string' },
      scopes: { type: 'array', items: { type: 'string' } },
      createdAt: instant,
      expiresAt: instant,
      lastUsedAt: { oneOf: [instant, { type: 'null' }] },
      lastUsed: objectSchema(
        {
          at: instant,
          ip: { type: 'string', description: 'The client address, as kept (maybe truncated).' },
          userAgent: { type: 'string', description: 'At most 256 characters.' },
        },
        ['ip', 'userAgent'],
      ),
      recentIps: {
        type: 'array',
        description: 'The last 5 distinct client addresses, newest first.',
        items: objectSchema({ ip: { type: 'string' }, firstSeen: instant, lastSeen: instant }),
      },
      status: { type: 'string', enum: Object.keys(KEY_STATUSES) },
      metadata: { type: 'object', additionalProperties: true },
      rotatedFrom: { type: 'string', description: 'The key this one replaced.' },
      rotatedTo: { type: 'string', description: 'The key that replaced this one.' },
      rotatedUntil: {
        type: 'string',
        enum: ['first-use'],
        description: "The rotation ends this key at its successor's first use (or `expiresAt`).",
      },
      pendingPredecessor: {
        type: 'string',
        description: 'The key that keeps working until this key is first used.',
      },
      firstUsePending: {
        type: 'boolean',
        description:
          'A rotation until first use is waiting: on the old key while it still works, on the ' +
          'successor until its first use.',
      },
      rateLimits: { type: 'array', items: rateLimit },
      credits: objectSchema(
        {
          remaining: { type: 'integer' },
          grantedAt: instant,
          refill: objectSchema({
            amount: { type: 'integer' },
            interval: { type: 'integer', description: 'Seconds.' },
          }),
        },
        ['refill'],
      ),
      allowedIps: {
        type: 'array',
        items: { type: 'string' },
        description: 'The networks the key may be used from; absent: anywhere.',
      },
      suspendedAt: { ...instant, description: 'When the key was suspended; absent unless it is.' },
      suspendReason: { type: 'string', description: 'Why, when a reason was given.' },
    },
    [
      'lastUsed',
      'recentIps',
      'metadata',
      'rotatedFrom',
      'rotatedTo',
      'rotatedUntil',
      'pendingPredecessor',
      'firstUsePending',
      'rateLimits',
      'credits',
      'allowedIps',
      'suspendedAt',
      'suspendReason',
    ],
  )
}

/** The `GET /catalog` answer (`CatalogJson`). */
function catalogSchema(): JsonSchema {
  const names = { type: 'array', items: { type: 'string' } }
  const rateLimits = { oneOf: [{ type: 'array', items: rateLimitSchema() }, { type: 'null' }] }
  return objectSchema({
    scopes: {
      type: 'array',
      items: objectSchema({
        name: { type: 'string' },
        description: { type: 'string' },
        resource: { type: 'string' },
        grantable: { type: 'boolean' },
      }),
    },
    groups: { type: 'array', items: objectSchema({ resource: { type: 'string' }, scopes: names }) },
    grantable: names,
    maxLifetime: { type: 'integer', description: 'Seconds.' },
    defaultExpiresIn: { oneOf: [{ type: 'integer' }, { type: 'null' }], description: 'Seconds.' },
    maxGracePeriod: { type: 'integer', description: 'Seconds.' },
    defaultRateLimits: rateLimits,
  })
}

/** An RFC 9457 problem (`Problem`); `field` is always there on 422. */
export function problemSchema(): JsonSchema {
  return objectSchema(
    {
      type: { type: 'string', description: '`urn:keyward:error:<code>`.' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      code: { type: 'string', enum: Object.keys(ERROR_CODES) },
      field: { type: 'string', description: 'On 422: the field that was wrong (`scopes[1]`).' },
      missingScopes: { type: 'array', items: { type: 'string' } },
    },
    ['field', 'missingScopes'],
  )
}

/** Every schema of `components.schemas`, by name. */
export function componentSchemas(
  settings: SchemaSettings,
): Record<SchemaName | 'Problem' | 'ValidationProblem' | 'OAuthError', JsonSchema> {
  const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` })
  return {
    ...requestSchemas(settings),
    ...oauthSchemas(),
    ...edgeSchemas(),
    ApiKey: apiKeySchema(),
    IssuedKey: objectSchema({
      key: ref('ApiKey'),
      token: { type: 'string', description: 'The secret: shown in this answer only.' },
    }),
    KeyList: objectSchema({
      keys: { type: 'array', items: ref('ApiKey') },
      nextCursor: {
        oneOf: [{ type: 'string' }, { type: 'null' }],
        description: 'The cursor of the next page; `null` on the last one.',
      },
    }),
    AuditEvent: auditEventSchema(),
    ...usageSchemas(),
    AuditPage: objectSchema({
      events: { type: 'array', items: ref('AuditEvent') },
      nextCursor: {
        oneOf: [{ type: 'string' }, { type: 'null' }],
        description: 'The cursor of the next page; `null` on the last one.',
      },
    }),
    RevokedAll: objectSchema({ revokedBefore: instant }),
    ImportReport: importReportSchema(),
    Catalog: catalogSchema(),
    OpenApiDocument: {
      type: 'object',
      required: ['openapi', 'info', 'paths'],
      properties: {
        openapi: { type: 'string', pattern: '^3\\.1\\.' },
        info: { type: 'object' },
        paths: { type: 'object' },
      },
    },
    Problem: problemSchema(),
    ValidationProblem: {
      allOf: [{ $ref: '#/components/schemas/Problem' }],
      required: ['field'],
      properties: { code: { const: 'invalid_argument' } },
    },
  }
}
