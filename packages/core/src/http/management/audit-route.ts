/**
 * `GET /audit`: one page of the caller's owner's audit log, with what the OpenAPI document
 * says of it and of the events it answers.
 */
import { DEFAULT_AUDIT_PAGE_SIZE, MAX_AUDIT_PAGE_SIZE } from '../../backends/audit-page.js'
import { InvalidArgumentError } from '../../errors.js'
import type { AuditQuery } from '../../keys/audit.js'
import type { AuditEvent } from '../../types.js'
import type { ManagementResponse } from '../request.js'
import type { Caller, ManagementContext } from './context.js'
import { jsonResponse } from './json.js'
import { queryParameters } from './key-routes.js'
import { type JsonSchema, objectSchema, type RouteOperation } from './operation.js'

/** The query parameters `GET /audit` reads; any other is ignored. */
export const AUDIT_PARAMETERS = ['keyId', 'type', 'actor', 'from', 'to', 'limit', 'cursor'] as const

/** An audit event as JSON: `at` as ISO 8601, the rest as stored. */
export type AuditEventJson = Omit<AuditEvent, 'at'> & { at: string }

/**
 * `GET /audit?keyId=&type=&actor=&from=&to=&limit=&cursor=`: the caller's owner's events,
 * newest first (default 50, at most 100), with `nextCursor` and, when another page follows,
 * an RFC 8288 `Link: <audit?…&cursor=…>; rel="next"`. `from` and `to` are ISO 8601.
 */
export async function listAuditEvents(
  ctx: ManagementContext,
  caller: Caller,
  query: URLSearchParams,
): Promise<ManagementResponse> {
  const { limit, ...filters } = queryParameters(query, AUDIT_PARAMETERS)
  if (limit !== undefined && !/^[0-9]{1,3}$/.test(limit)) {
    throw new InvalidArgumentError(
      'limit',
      `limit must be an integer from 1 to ${MAX_AUDIT_PAGE_SIZE}.`,
    )
  }
  const pageSize = limit === undefined ? DEFAULT_AUDIT_PAGE_SIZE : Number(limit)
  // The owner is always the caller's: no parameter can name another.
  const page = await ctx.audit.list({
    ...(filters as Omit<AuditQuery, 'ownerId'>),
    limit: pageSize,
    ownerId: caller.ownerId,
  })
  const headers: Record<string, string> = {}
  if (page.nextCursor !== null) {
    const next = new URLSearchParams(filters)
    next.set('limit', String(pageSize))
    next.set('cursor', page.nextCursor)
    // Relative: it keeps the mount and the route's path.
    headers.link = `<?${next}>; rel="next"`
  }
  const events: AuditEventJson[] = page.events.map((event) => ({
    ...event,
    at: new Date(event.at).toISOString(),
  }))
  return jsonResponse(200, { events, nextCursor: page.nextCursor }, headers)
}

const text = (description: string): JsonSchema => ({ type: 'string', description })

/** The `AuditEvent` schema of the OpenAPI document. */
export function auditEventSchema(): JsonSchema {
  const change = {
    type: 'object',
    description: 'A changed field: its JSON value before and after (either absent when none).',
    properties: { before: {}, after: {} },
    additionalProperties: false,
  }
  return objectSchema(
    {
      id: { type: 'string', pattern: '^evt_[0-9A-Za-z]{16}$' },
      at: { type: 'string', format: 'date-time' },
      type: text('`created`, `updated`, `rotated`, `revoked`, `revoked_all`, `suspended`, …'),
      ownerId: text('The owner; `*` for a revoke-all of every owner.'),
      keyId: text('The key it concerns; absent for an owner-wide event.'),
      actor: text("Who acted: `key:<id>`, a signed-in person's actor, `policy`."),
      changes: { type: 'object', additionalProperties: change },
      data: { type: 'object', description: "The event's other plain fields." },
      clientIp: text('The HTTP client address, when it came through this API.'),
      userAgent: text('The HTTP client `User-Agent` (at most 256 characters).'),
    },
    ['keyId', 'actor', 'changes', 'data', 'clientIp', 'userAgent'],
  )
}

/** What the OpenAPI document says of `GET /audit`. */
export const AUDIT_OPERATION: RouteOperation = {
  operationId: 'listAuditEvents',
  summary: "One page of the caller's owner's audit log",
  description:
    'Every lifecycle event of the owner (created, updated, rotated, revoked, suspended, …), ' +
    'newest first (ties by id), with who acted, the changed fields before and after, and the ' +
    'client address and user agent when it came over HTTP; never a token or a hash. Events ' +
    'are written within a second or so of the change. Follow `nextCursor` (or the `Link` ' +
    'header) until it is `null`: a filtered page may hold fewer events than `limit`.',
  tag: 'API keys',
  query: [
    { name: 'keyId', description: 'Only events of this key.', schema: { type: 'string' } },
    {
      name: 'type',
      description: 'Only events of this type.',
      schema: { type: 'string', pattern: '^[a-z][a-z0-9_.]{0,63}$' },
    },
    { name: 'actor', description: 'Only events by this actor.', schema: { type: 'string' } },
    {
      name: 'from',
      description: 'Only events at or after this instant (ISO 8601).',
      schema: { type: 'string', format: 'date-time' },
    },
    {
      name: 'to',
      description: 'Only events before this instant (ISO 8601).',
      schema: { type: 'string', format: 'date-time' },
    },
    {
      name: 'limit',
      description: `Events per page, 1–${MAX_AUDIT_PAGE_SIZE}; default ${DEFAULT_AUDIT_PAGE_SIZE}.`,
      schema: { type: 'integer', minimum: 1, maximum: MAX_AUDIT_PAGE_SIZE },
    },
    {
      name: 'cursor',
      description: "The previous page's `nextCursor`; absent: the first page.",
      schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}$' },
    },
  ],
  success: {
    status: 200,
    description: 'The page.',
    schema: 'AuditPage',
    headers: {
      link: {
        description:
          'RFC 8288 `<?limit=…&cursor=…>; rel="next"` (relative) when another page follows.',
        required: false,
      },
    },
  },
}
