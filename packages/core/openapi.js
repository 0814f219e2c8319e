// Generated from openApiDocument() by `pnpm --filter @keyward/core openapi`: do not edit.
/** The OpenAPI 3.1 document of the management API in its default configuration. */
export const document = {
  openapi: '3.1.0',
  info: {
    title: 'Keyward management API',
    version: '1.0.0',
    description:
      'API keys of this service: create, list, rotate and revoke them, and mint access tokens. Every answer is `Cache-Control: no-store` (this document aside); errors are RFC 9457 problem documents, or RFC 6749 §5.2 JSON on the OAuth endpoints.',
  },
  tags: [
    {
      name: 'API keys',
    },
    {
      name: 'Access tokens',
    },
    {
      name: 'OAuth',
    },
    {
      name: 'Discovery',
    },
  ],
  paths: {
    '/api-keys': {
      get: {
        operationId: 'listKeys',
        summary: "One page of the caller's owner's keys",
        description:
          'Newest first (ties by id), revoked keys aside unless `status=revoked`; never a token or a hash. Follow `nextCursor` (or the `Link` header) until it is `null`: a filtered page may hold fewer keys than `limit`, even none, while more follow. A cursor stays valid while keys are added or removed: no key is skipped or repeated.',
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        parameters: [
          {
            name: 'limit',
            in: 'query',
            required: false,
            description: 'Keys per page, 1–100; default 50.',
            schema: {
              type: 'integer',
              minimum: 1,
              maximum: 100,
            },
          },
          {
            name: 'cursor',
            in: 'query',
            required: false,
            description: "The previous page's `nextCursor`; absent: the first page.",
            schema: {
              type: 'string',
              pattern: '^[A-Za-z0-9_-]{1,400}$',
            },
          },
          {
            name: 'status',
            in: 'query',
            required: false,
            description: 'Only keys with this status now; absent: every key except revoked ones.',
            schema: {
              type: 'string',
              enum: ['active', 'suspended', 'expired', 'revoked', 'rotated'],
            },
          },
          {
            name: 'name',
            in: 'query',
            required: false,
            description: 'A case-insensitive prefix of the name.',
            schema: {
              type: 'string',
              maxLength: 100,
            },
          },
        ],
        responses: {
          200: {
            description: 'The page.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              link: {
                description:
                  'RFC 8288 `<?limit=…&cursor=…>; rel="next"` (relative to the mount) when another page follows.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/KeyList',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
      post: {
        operationId: 'createKey',
        summary: 'Create a key',
        description:
          "A key of the caller's owner, with scopes the caller holds (403 otherwise). The token is in this answer only: it is never stored or shown again.",
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/CreateKeyRequest',
              },
            },
          },
        },
        responses: {
          201: {
            description: 'The key and its token.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/IssuedKey',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          413: {
            description: 'The body is larger than the limit.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/revoke-all': {
      post: {
        operationId: 'revokeAllKeys',
        summary: "Revoke every key of the caller's owner",
        description:
          'Incident response: every key of the owner issued until now stops at once, the caller included. Takes no body fields.',
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/EmptyBody',
              },
            },
          },
        },
        responses: {
          200: {
            description: 'When the revocation applies.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/RevokedAll',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          413: {
            description: 'The body is larger than the limit.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/audit': {
      get: {
        operationId: 'listAuditEvents',
        summary: "One page of the caller's owner's audit log",
        description:
          'Every lifecycle event of the owner (created, updated, rotated, revoked, suspended, …), newest first (ties by id), with who acted, the changed fields before and after, and the client address and user agent when it came over HTTP; never a token or a hash. Events are written within a second or so of the change. Follow `nextCursor` (or the `Link` header) until it is `null`: a filtered page may hold fewer events than `limit`.',
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        parameters: [
          {
            name: 'keyId',
            in: 'query',
            required: false,
            description: 'Only events of this key.',
            schema: {
              type: 'string',
            },
          },
          {
            name: 'type',
            in: 'query',
            required: false,
            description: 'Only events of this type.',
            schema: {
              type: 'string',
              pattern: '^[a-z][a-z0-9_.]{0,63}$',
            },
          },
          {
            name: 'actor',
            in: 'query',
            required: false,
            description: 'Only events by this actor.',
            schema: {
              type: 'string',
            },
          },
          {
            name: 'from',
            in: 'query',
            required: false,
            description: 'Only events at or after this instant (ISO 8601).',
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
          {
            name: 'to',
            in: 'query',
            required: false,
            description: 'Only events before this instant (ISO 8601).',
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
          {
            name: 'limit',
            in: 'query',
            required: false,
            description: 'Events per page, 1–100; default 50.',
            schema: {
              type: 'integer',
              minimum: 1,
              maximum: 100,
            },
          },
          {
            name: 'cursor',
            in: 'query',
            required: false,
            description: "The previous page's `nextCursor`; absent: the first page.",
            schema: {
              type: 'string',
              pattern: '^[A-Za-z0-9_-]{1,100}$',
            },
          },
        ],
        responses: {
          200: {
            description: 'The page.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              link: {
                description:
                  'RFC 8288 `<?limit=…&cursor=…>; rel="next"` (relative) when another page follows.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/AuditPage',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/usage': {
      get: {
        operationId: 'summarizeUsage',
        summary: "Totals by outcome for every key of the caller's owner",
        description:
          'Every key of the owner (revoked ones excepted), with its totals by outcome from `from` (default 30 days back) to `to`, summed over the finest granularity still kept for `from`, whose buckets the range is rounded to (`granularity` says which).',
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        parameters: [
          {
            name: 'from',
            in: 'query',
            required: false,
            description: 'The first summed bucket holds this instant (ISO 8601).',
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
          {
            name: 'to',
            in: 'query',
            required: false,
            description: 'Up to this instant, exclusive (ISO 8601); default now.',
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
        ],
        responses: {
          200: {
            description: 'The totals per key.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/UsageSummary',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/catalog': {
      get: {
        operationId: 'getCatalog',
        summary: 'What a settings page needs to draw itself',
        description:
          'The declared scopes with descriptions, grouped by resource, which of them the caller may grant, and the lifetime, grace and rate limits in force.',
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        responses: {
          200: {
            description: 'The catalog.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Catalog',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/token': {
      post: {
        operationId: 'mintAccessToken',
        summary: 'Mint a short-lived access token',
        description:
          'Two clients meet here. A JSON body (`{ scope?, expiresIn? }`) with a Bearer API key mints a token for that key (no manage scope needed; an access token cannot mint another, 400); errors are problem+json. A form body is an OAuth token request (RFC 6749 `client_credentials`, the key id as `client_id` and the key as `client_secret`, by HTTP Basic, in the body or as a Bearer token; or RFC 8693 token exchange with the key as `subject_token`, client authentication optional); errors are RFC 6749 §5.2 JSON. `scope` narrows the token to scopes the key holds. Served only when the API mints access tokens.',
        tags: ['Access tokens'],
        security: [
          {
            apiKey: [],
          },
          {
            clientCredentials: [],
          },
          {},
        ],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/AccessTokenRequest',
              },
            },
            'application/x-www-form-urlencoded': {
              schema: {
                oneOf: [
                  {
                    $ref: '#/components/schemas/ClientCredentialsGrant',
                  },
                  {
                    $ref: '#/components/schemas/TokenExchangeGrant',
                  },
                ],
              },
            },
          },
        },
        responses: {
          200: {
            description: 'The access token (RFC 6749 §5.1).',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`, as RFC 6749 §5.1 asks.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/TokenResponse',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          405: {
            description: 'Another method than the endpoint takes.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              Allow: {
                description: 'The methods the endpoint takes.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          413: {
            description: 'The body is larger than the limit.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/self/rotate': {
      post: {
        operationId: 'rotateSelf',
        summary: 'Rotate the calling key itself',
        description:
          'The Bearer API key (not an access token, not a signed-in person) holding the self-rotation scope (default `api_keys:rotate_self`; no manage scope needed) gets a successor with the same name, scopes, expiry, limits and networks; the body takes only `gracePeriod` and `until`, with the rules of `POST /{id}/rotate`. A key gets one successor: rotating it again, even while it still works in its grace period, is 409 `key_inactive`.',
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
        ],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/RotateKeyRequest',
              },
            },
          },
        },
        responses: {
          201: {
            description: 'The successor and its token.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/IssuedKey',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          409: {
            description: 'The key is revoked, expired or rotated (`key_inactive`).',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          413: {
            description: 'The body is larger than the limit.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This OpenAPI document',
        description:
          'The OpenAPI 3.1 description of this API, generated from its route table and input rules: its scope catalog, lifetime and grace limits, and whether it mints access tokens.',
        tags: ['Discovery'],
        security: [],
        responses: {
          200: {
            description: 'The document.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'public, max-age=300',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OpenApiDocument',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/{id}': {
      get: {
        operationId: 'getKey',
        summary: 'One key',
        description:
          "A key of the caller's owner; another owner's key, and a revoked one, are 404.",
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'The key id.',
            schema: {
              type: 'string',
              pattern: '^key_[0-9A-Za-z]{16}$',
            },
          },
        ],
        responses: {
          200: {
            description: 'The key.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ApiKey',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          404: {
            description: 'No such key of the caller’s owner.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
      patch: {
        operationId: 'updateKey',
        summary: 'Rename a key, move its expiry, narrow its scopes, change its limits or networks',
        description:
          "At least one field. Scopes only narrow (422). The caller's scopes must cover the key's (403), and a key never changes its own expiry, scopes, limits or allowed IPs (403). A revoked, expired or rotated key is 409 `key_inactive`; a suspended one may be changed.",
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'The key id.',
            schema: {
              type: 'string',
              pattern: '^key_[0-9A-Za-z]{16}$',
            },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/UpdateKeyRequest',
              },
            },
          },
        },
        responses: {
          200: {
            description: 'The key as changed.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ApiKey',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          404: {
            description: 'No such key of the caller’s owner.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          409: {
            description: 'The key is revoked, expired or rotated (`key_inactive`).',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          413: {
            description: 'The body is larger than the limit.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
      delete: {
        operationId: 'revokeKey',
        summary: 'Revoke a key',
        description:
          'The key stops verifying on every instance at once, for good. Revoking a revoked key answers 204 again.',
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'The key id.',
            schema: {
              type: 'string',
              pattern: '^key_[0-9A-Za-z]{16}$',
            },
          },
        ],
        responses: {
          204: {
            description: 'Revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          404: {
            description: 'No such key of the caller’s owner.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/{id}/usage': {
      get: {
        operationId: 'getKeyUsage',
        summary: "A key's verifications by outcome over time",
        description:
          "One bucket per `granularity` (minute, hour or UTC day) from the bucket holding `from` (default: an hour, two days or 30 days back) to `to`, empty ones included, at most 10080: `valid` and each refusal of the key (its access tokens count toward it). Instances flush their counts every few seconds (5 s by default), so the latest bucket grows for a while. Another owner's key is 404.",
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'The key id.',
            schema: {
              type: 'string',
              pattern: '^key_[0-9A-Za-z]{16}$',
            },
          },
          {
            name: 'from',
            in: 'query',
            required: false,
            description: 'The first bucket holds this instant (ISO 8601).',
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
          {
            name: 'to',
            in: 'query',
            required: false,
            description: 'Up to this instant, exclusive (ISO 8601); default now.',
            schema: {
              type: 'string',
              format: 'date-time',
            },
          },
          {
            name: 'granularity',
            in: 'query',
            required: false,
            description: 'Bucket width; default `hour`.',
            schema: {
              type: 'string',
              enum: ['minute', 'hour', 'day'],
            },
          },
        ],
        responses: {
          200: {
            description: 'The buckets, oldest first.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/KeyUsage',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          404: {
            description: 'No such key of the caller’s owner.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/{id}/rotate': {
      post: {
        operationId: 'rotateKey',
        summary: 'Rotate a key',
        description:
          'A successor with a new secret and the same name, owner, scopes and expiry; the old key ends after `gracePeriod` (default 0: at once), or with `until: "first-use"` when the successor is first verified on any instance (at most `gracePeriod` later, default the largest grace period). A revoked, expired, rotated or suspended key is 409 `key_inactive`.',
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'The key id.',
            schema: {
              type: 'string',
              pattern: '^key_[0-9A-Za-z]{16}$',
            },
          },
        ],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/RotateKeyRequest',
              },
            },
          },
        },
        responses: {
          201: {
            description: 'The successor and its token.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/IssuedKey',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          404: {
            description: 'No such key of the caller’s owner.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          409: {
            description: 'The key is revoked, expired or rotated (`key_inactive`).',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          413: {
            description: 'The body is larger than the limit.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/{id}/suspend': {
      post: {
        operationId: 'suspendKey',
        summary: 'Suspend a key',
        description:
          'The key (and its access tokens) is refused with 401 `suspended_token` on every instance within the revocation bound, until resumed; nothing else about it changes. Suspending a suspended key changes nothing. A revoked, expired or rotated key is 409 `key_inactive`.',
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'The key id.',
            schema: {
              type: 'string',
              pattern: '^key_[0-9A-Za-z]{16}$',
            },
          },
        ],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/SuspendKeyRequest',
              },
            },
          },
        },
        responses: {
          200: {
            description: 'The key, suspended.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ApiKey',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          404: {
            description: 'No such key of the caller’s owner.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          409: {
            description: 'The key is revoked, expired or rotated (`key_inactive`).',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          413: {
            description: 'The body is larger than the limit.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
    },
    '/api-keys/{id}/resume': {
      post: {
        operationId: 'resumeKey',
        summary: 'Resume a suspended key',
        description:
          "The key works again at once, unless it expired meanwhile. The caller's scopes must cover the key's (403). Resuming an active key changes nothing; a revoked, expired or rotated key is 409 `key_inactive`.",
        tags: ['API keys'],
        security: [
          {
            apiKey: [],
          },
          {
            session: [],
          },
        ],
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'The key id.',
            schema: {
              type: 'string',
              pattern: '^key_[0-9A-Za-z]{16}$',
            },
          },
        ],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/EmptyBody',
              },
            },
          },
        },
        responses: {
          200: {
            description: 'The key as it stands.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/ApiKey',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          404: {
            description: 'No such key of the caller’s owner.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          409: {
            description: 'The key is revoked, expired or rotated (`key_inactive`).',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          413: {
            description: 'The body is larger than the limit.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          422: {
            description: 'A field is invalid; `field` names it.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/ValidationProblem',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
            },
            content: {
              'application/problem+json': {
                schema: {
                  $ref: '#/components/schemas/Problem',
                },
              },
            },
          },
        },
      },
    },
    '/.well-known/oauth-authorization-server': {
      get: {
        operationId: 'getAuthorizationServerMetadata',
        summary: 'OAuth authorization server metadata (RFC 8414)',
        description:
          'The issuer, the token endpoint and its grant types and client authentication methods, the JWK Set, the scopes and, when enabled, the introspection endpoint.',
        tags: ['Discovery'],
        security: [],
        responses: {
          200: {
            description: 'The metadata.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              Pragma: {
                description: '`no-cache`, as RFC 6749 §5.1 asks.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/AuthorizationServerMetadata',
                },
              },
            },
          },
        },
      },
    },
    '/oauth/introspect': {
      post: {
        operationId: 'introspectToken',
        summary: 'Introspect a token (RFC 7662)',
        description:
          'The caller authenticates like a token client (HTTP Basic, `client_secret_post` or a Bearer API key) and must hold the introspection scope (403). An active token answers `active: true` and what it is; anything else answers `{"active": false}` only.',
        tags: ['OAuth'],
        security: [
          {
            clientCredentials: [],
          },
          {
            apiKey: [],
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                $ref: '#/components/schemas/IntrospectionRequest',
              },
            },
          },
        },
        responses: {
          200: {
            description: 'What the token is.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`, as RFC 6749 §5.1 asks.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/IntrospectionResponse',
                },
              },
            },
          },
          400: {
            description:
              'The request is malformed: its Authorization header, its body or its parameters.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          401: {
            description: 'No credential, or one that is malformed, unknown, expired or revoked.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: true,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          403: {
            description:
              'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'WWW-Authenticate': {
                description: 'The RFC 6750 challenge.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          413: {
            description: 'The body is larger than the limit.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          429: {
            description: 'The caller’s key is over its rate limit or out of credits.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: true,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: false,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
          503: {
            description: 'A backend is unavailable; retry after `Retry-After` seconds.',
            headers: {
              'Cache-Control': {
                description: 'Never cached: it is about credentials.',
                required: true,
                schema: {
                  const: 'no-store',
                },
              },
              'RateLimit-Policy': {
                description:
                  "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              RateLimit: {
                description: "What is left of the caller's key limits, when it has any.",
                required: false,
                schema: {
                  type: 'string',
                },
              },
              'Retry-After': {
                description: 'Seconds to wait before retrying.',
                required: true,
                schema: {
                  type: 'string',
                  pattern: '^[0-9]+$',
                },
              },
              Pragma: {
                description: '`no-cache`.',
                required: false,
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/OAuthError',
                },
              },
            },
          },
        },
      },
    },
    '/.well-known/jwks.json': {
      get: {
        operationId: 'getJwks',
        summary: 'The public keys that sign access tokens',
        description:
          "The JWK Set the app publishes (`@keyward/jwt`'s `jwks()`), for verifiers of its access tokens.",
        tags: ['Discovery'],
        security: [],
        responses: {
          200: {
            description: 'The JWK Set.',
            headers: {},
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/JwkSet',
                },
              },
            },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      CreateKeyRequest: {
        type: 'object',
        properties: {
          name: {
            type: 'string',
            minLength: 1,
            maxLength: 100,
            description: '1–100 characters after trimming, no control characters.',
          },
          scopes: {
            type: 'array',
            items: {
              type: 'string',
              pattern: '^(\\*|[a-z0-9_.-]+(:[a-z0-9_.-]+)*:\\*|[a-z0-9_.-]+(:[a-z0-9_.-]+)+)$',
            },
            maxItems: 100,
            description:
              'Scopes the caller holds; wildcards (`projects:*`, `*`) cover catalog scopes.',
          },
          expiresAt: {
            type: 'string',
            format: 'date-time',
            description:
              'When the key ends (ISO 8601): in the future, at most 31536000 s from now.',
          },
          expiresIn: {
            description:
              'The key lifetime; this or expiresAt is required. Seconds, or a duration like "90d", "12h", "30m", "45s".',
            oneOf: [
              {
                type: 'number',
                minimum: 0,
                maximum: 31536000,
              },
              {
                type: 'string',
                pattern: '^(\\d{1,9})([dhms])$',
              },
            ],
          },
          metadata: {
            type: 'object',
            additionalProperties: true,
            description: 'Your own JSON, at most 4096 bytes.',
          },
          rateLimits: {
            type: 'array',
            maxItems: 8,
            description:
              "The key's own rate limits; `[]`: none, overriding the deployment defaults.",
            items: {
              type: 'object',
              properties: {
                name: {
                  type: 'string',
                  pattern: '^[a-z0-9_.-]{1,32}$',
                  default: 'default',
                },
                limit: {
                  type: 'integer',
                  minimum: 1,
                  maximum: 1000000000,
                },
                window: {
                  description:
                    'The window; at least 1 s, whole seconds. Seconds, or a duration like "90d", "12h", "30m", "45s".',
                  oneOf: [
                    {
                      type: 'number',
                      minimum: 1,
                      maximum: 31622400,
                    },
                    {
                      type: 'string',
                      pattern: '^(\\d{1,9})([dhms])$',
                    },
                  ],
                },
              },
              required: ['limit', 'window'],
              additionalProperties: false,
            },
          },
          credits: {
            type: 'object',
            properties: {
              remaining: {
                type: 'integer',
                minimum: 0,
                maximum: 1000000000000,
              },
              refill: {
                type: 'object',
                properties: {
                  amount: {
                    type: 'integer',
                    minimum: 1,
                    maximum: 1000000000000,
                  },
                  interval: {
                    description:
                      'The window; at least 1 s, whole seconds. Seconds, or a duration like "90d", "12h", "30m", "45s".',
                    oneOf: [
                      {
                        type: 'number',
                        minimum: 1,
                        maximum: 31622400,
                      },
                      {
                        type: 'string',
                        pattern: '^(\\d{1,9})([dhms])$',
                      },
                    ],
                  },
                },
                required: ['amount', 'interval'],
                additionalProperties: false,
              },
            },
            required: ['remaining'],
            additionalProperties: false,
          },
          allowedIps: {
            type: 'array',
            maxItems: 100,
            items: {
              type: 'string',
              minLength: 1,
            },
            description:
              'Addresses and CIDR ranges (IPv4, IPv6) the key may be used from; used from elsewhere it is refused with 403 `ip_not_allowed`. On update, `[]` (or `null`) removes the rules.',
          },
        },
        required: ['name', 'scopes'],
        additionalProperties: false,
      },
      UpdateKeyRequest: {
        type: 'object',
        properties: {
          name: {
            type: 'string',
            minLength: 1,
            maxLength: 100,
            description: '1–100 characters after trimming, no control characters.',
          },
          scopes: {
            type: 'array',
            items: {
              type: 'string',
              pattern: '^(\\*|[a-z0-9_.-]+(:[a-z0-9_.-]+)*:\\*|[a-z0-9_.-]+(:[a-z0-9_.-]+)+)$',
            },
            maxItems: 100,
            description:
              'Scopes the caller holds; wildcards (`projects:*`, `*`) cover catalog scopes.',
          },
          expiresAt: {
            type: 'string',
            format: 'date-time',
            description:
              'When the key ends (ISO 8601): in the future, at most 31536000 s from now.',
          },
          expiresIn: {
            description:
              'The key lifetime; this or expiresAt is required. Seconds, or a duration like "90d", "12h", "30m", "45s".',
            oneOf: [
              {
                type: 'number',
                minimum: 0,
                maximum: 31536000,
              },
              {
                type: 'string',
                pattern: '^(\\d{1,9})([dhms])$',
              },
            ],
          },
          metadata: {
            type: 'object',
            additionalProperties: true,
            description: 'Your own JSON, at most 4096 bytes.',
          },
          rateLimits: {
            type: 'array',
            maxItems: 8,
            description:
              "The key's own rate limits; `[]`: none, overriding the deployment defaults.",
            items: {
              type: 'object',
              properties: {
                name: {
                  type: 'string',
                  pattern: '^[a-z0-9_.-]{1,32}$',
                  default: 'default',
                },
                limit: {
                  type: 'integer',
                  minimum: 1,
                  maximum: 1000000000,
                },
                window: {
                  description:
                    'The window; at least 1 s, whole seconds. Seconds, or a duration like "90d", "12h", "30m", "45s".',
                  oneOf: [
                    {
                      type: 'number',
                      minimum: 1,
                      maximum: 31622400,
                    },
                    {
                      type: 'string',
                      pattern: '^(\\d{1,9})([dhms])$',
                    },
                  ],
                },
              },
              required: ['limit', 'window'],
              additionalProperties: false,
            },
          },
          credits: {
            type: 'object',
            properties: {
              remaining: {
                type: 'integer',
                minimum: 0,
                maximum: 1000000000000,
              },
              refill: {
                type: 'object',
                properties: {
                  amount: {
                    type: 'integer',
                    minimum: 1,
                    maximum: 1000000000000,
                  },
                  interval: {
                    description:
                      'The window; at least 1 s, whole seconds. Seconds, or a duration like "90d", "12h", "30m", "45s".',
                    oneOf: [
                      {
                        type: 'number',
                        minimum: 1,
                        maximum: 31622400,
                      },
                      {
                        type: 'string',
                        pattern: '^(\\d{1,9})([dhms])$',
                      },
                    ],
                  },
                },
                required: ['amount', 'interval'],
                additionalProperties: false,
              },
            },
            required: ['remaining'],
            additionalProperties: false,
          },
          allowedIps: {
            oneOf: [
              {
                type: 'array',
                maxItems: 100,
                items: {
                  type: 'string',
                  minLength: 1,
                },
                description:
                  'Addresses and CIDR ranges (IPv4, IPv6) the key may be used from; used from elsewhere it is refused with 403 `ip_not_allowed`. On update, `[]` (or `null`) removes the rules.',
              },
              {
                type: 'null',
              },
            ],
          },
        },
        required: [],
        additionalProperties: false,
        minProperties: 1,
      },
      RotateKeyRequest: {
        type: 'object',
        properties: {
          gracePeriod: {
            description:
              'How long the old key keeps working; default 0 (ends at once). With `until: "first-use"`: the longest it waits, default the largest grace period, more than 0. Seconds, or a duration like "90d", "12h", "30m", "45s".',
            oneOf: [
              {
                type: 'number',
                minimum: 0,
                maximum: 86400,
              },
              {
                type: 'string',
                pattern: '^(\\d{1,9})([dhms])$',
              },
            ],
          },
          until: {
            type: 'string',
            enum: ['first-use'],
            description:
              'The old key works until the successor is first verified on any instance, then ends everywhere; `gracePeriod` caps the wait.',
          },
        },
        required: [],
        additionalProperties: false,
      },
      SuspendKeyRequest: {
        type: 'object',
        properties: {
          reason: {
            type: 'string',
            maxLength: 200,
            description: 'Why the key is suspended, at most 200 characters.',
          },
        },
        required: [],
        additionalProperties: false,
      },
      EmptyBody: {
        type: 'object',
        properties: {},
        required: [],
        additionalProperties: false,
        maxProperties: 0,
      },
      AccessTokenRequest: {
        type: 'object',
        properties: {
          scope: {
            type: 'string',
            description: 'Space-delimited scopes the key holds; default all of them.',
          },
          expiresIn: {
            description:
              'The access token lifetime. Seconds, or a duration like "90d", "12h", "30m", "45s".',
            oneOf: [
              {
                type: 'number',
                minimum: 0,
                maximum: 86400,
              },
              {
                type: 'string',
                pattern: '^(\\d{1,9})([dhms])$',
              },
            ],
          },
        },
        required: [],
        additionalProperties: false,
      },
      ClientCredentialsGrant: {
        type: 'object',
        properties: {
          grant_type: {
            const: 'client_credentials',
          },
          scope: {
            type: 'string',
            description: 'Space-delimited scopes the key holds.',
          },
          client_id: {
            type: 'string',
            description: 'The key id (`client_secret_post`).',
          },
          client_secret: {
            type: 'string',
            description: 'The API key itself (`client_secret_post`).',
          },
        },
        required: ['grant_type'],
        additionalProperties: true,
      },
      TokenExchangeGrant: {
        type: 'object',
        properties: {
          grant_type: {
            const: 'urn:ietf:params:oauth:grant-type:token-exchange',
          },
          subject_token: {
            type: 'string',
            description: 'The API key.',
          },
          subject_token_type: {
            const: 'urn:ietf:params:oauth:token-type:access_token',
          },
          requested_token_type: {
            enum: [
              'urn:ietf:params:oauth:token-type:access_token',
              'urn:ietf:params:oauth:token-type:jwt',
            ],
          },
          audience: {
            type: 'string',
          },
          resource: {
            type: 'string',
          },
          scope: {
            type: 'string',
            description: 'Space-delimited scopes the key holds.',
          },
          client_id: {
            type: 'string',
            description: 'The key id (`client_secret_post`).',
          },
          client_secret: {
            type: 'string',
            description: 'The API key itself (`client_secret_post`).',
          },
        },
        required: ['grant_type', 'subject_token', 'subject_token_type'],
        additionalProperties: true,
      },
      IntrospectionRequest: {
        type: 'object',
        properties: {
          token: {
            type: 'string',
          },
          token_type_hint: {
            type: 'string',
          },
          client_id: {
            type: 'string',
            description: 'The key id (`client_secret_post`).',
          },
          client_secret: {
            type: 'string',
            description: 'The API key itself (`client_secret_post`).',
          },
        },
        required: ['token'],
        additionalProperties: true,
      },
      TokenResponse: {
        type: 'object',
        properties: {
          access_token: {
            type: 'string',
          },
          issued_token_type: {
            enum: [
              'urn:ietf:params:oauth:token-type:access_token',
              'urn:ietf:params:oauth:token-type:jwt',
            ],
          },
          token_type: {
            const: 'Bearer',
          },
          expires_in: {
            type: 'integer',
            description: 'Seconds.',
          },
          scope: {
            type: 'string',
          },
        },
        required: ['access_token', 'token_type', 'expires_in', 'scope'],
        additionalProperties: false,
      },
      IntrospectionResponse: {
        type: 'object',
        properties: {
          active: {
            type: 'boolean',
          },
          scope: {
            type: 'string',
          },
          client_id: {
            type: 'string',
            description: 'The key id.',
          },
          sub: {
            type: 'string',
            description: 'The owner.',
          },
          exp: {
            type: 'integer',
          },
          iat: {
            type: 'integer',
          },
          token_type: {
            const: 'Bearer',
          },
          kw_kind: {
            type: 'string',
            description: '`api_key`, or the access-token kind.',
          },
          iss: {
            type: 'string',
          },
          aud: {
            oneOf: [
              {
                type: 'string',
              },
              {
                type: 'array',
                items: {
                  type: 'string',
                },
              },
            ],
          },
        },
        required: ['active'],
        additionalProperties: false,
      },
      AuthorizationServerMetadata: {
        type: 'object',
        properties: {
          issuer: {
            type: 'string',
          },
          jwks_uri: {
            type: 'string',
          },
          scopes_supported: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          response_types_supported: {
            type: 'array',
            maxItems: 0,
          },
          token_endpoint: {
            type: 'string',
          },
          grant_types_supported: {
            type: 'array',
            items: {
              enum: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
            },
          },
          token_endpoint_auth_methods_supported: {
            type: 'array',
            items: {
              enum: ['client_secret_basic', 'client_secret_post'],
            },
          },
          introspection_endpoint: {
            type: 'string',
          },
          introspection_endpoint_auth_methods_supported: {
            type: 'array',
            items: {
              enum: ['client_secret_basic', 'client_secret_post'],
            },
          },
        },
        required: ['issuer', 'jwks_uri', 'scopes_supported', 'response_types_supported'],
        additionalProperties: false,
      },
      JwkSet: {
        type: 'object',
        properties: {
          keys: {
            type: 'array',
            items: {
              type: 'object',
            },
          },
        },
        required: ['keys'],
        additionalProperties: false,
      },
      OAuthError: {
        type: 'object',
        properties: {
          error: {
            type: 'string',
            enum: [
              'invalid_request',
              'invalid_client',
              'invalid_grant',
              'unauthorized_client',
              'unsupported_grant_type',
              'invalid_scope',
              'invalid_target',
              'invalid_token',
              'insufficient_scope',
              'temporarily_unavailable',
            ],
          },
          error_description: {
            type: 'string',
          },
        },
        required: ['error'],
        additionalProperties: false,
      },
      ApiKey: {
        type: 'object',
        properties: {
          id: {
            type: 'string',
            pattern: '^key_[0-9A-Za-z]{16}$',
          },
          name: {
            type: 'string',
          },
          hint: {
            type: 'string',
            description: 'The prefix and the first 4 secret characters.',
          },
          ownerId: {
            type: 'string',
          },
          scopes: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          createdAt: {
            type: 'string',
            format: 'date-time',
          },
          expiresAt: {
            type: 'string',
            format: 'date-time',
          },
          lastUsedAt: {
            oneOf: [
              {
                type: 'string',
                format: 'date-time',
              },
              {
                type: 'null',
              },
            ],
          },
          lastUsed: {
            type: 'object',
            properties: {
              at: {
                type: 'string',
                format: 'date-time',
              },
              ip: {
                type: 'string',
                description: 'The client address, as kept (maybe truncated).',
              },
              userAgent: {
                type: 'string',
                description: 'At most 256 characters.',
              },
            },
            required: ['at'],
            additionalProperties: false,
          },
          recentIps: {
            type: 'array',
            description: 'The last 5 distinct client addresses, newest first.',
            items: {
              type: 'object',
              properties: {
                ip: {
                  type: 'string',
                },
                firstSeen: {
                  type: 'string',
                  format: 'date-time',
                },
                lastSeen: {
                  type: 'string',
                  format: 'date-time',
                },
              },
              required: ['ip', 'firstSeen', 'lastSeen'],
              additionalProperties: false,
            },
          },
          status: {
            type: 'string',
            enum: ['active', 'expired', 'revoked', 'rotated', 'suspended'],
          },
          metadata: {
            type: 'object',
            additionalProperties: true,
          },
          rotatedFrom: {
            type: 'string',
            description: 'The key this one replaced.',
          },
          rotatedTo: {
            type: 'string',
            description: 'The key that replaced this one.',
          },
          rotatedUntil: {
            type: 'string',
            enum: ['first-use'],
            description:
              "The rotation ends this key at its successor's first use (or `expiresAt`).",
          },
          pendingPredecessor: {
            type: 'string',
            description: 'The key that keeps working until this key is first used.',
          },
          firstUsePending: {
            type: 'boolean',
            description:
              'A rotation until first use is waiting: on the old key while it still works, on the successor until its first use.',
          },
          rateLimits: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: {
                  type: 'string',
                },
                limit: {
                  type: 'integer',
                },
                window: {
                  type: 'integer',
                  description: 'Seconds.',
                },
              },
              required: ['name', 'limit', 'window'],
              additionalProperties: false,
            },
          },
          credits: {
            type: 'object',
            properties: {
              remaining: {
                type: 'integer',
              },
              grantedAt: {
                type: 'string',
                format: 'date-time',
              },
              refill: {
                type: 'object',
                properties: {
                  amount: {
                    type: 'integer',
                  },
                  interval: {
                    type: 'integer',
                    description: 'Seconds.',
                  },
                },
                required: ['amount', 'interval'],
                additionalProperties: false,
              },
            },
            required: ['remaining', 'grantedAt'],
            additionalProperties: false,
          },
          allowedIps: {
            type: 'array',
            items: {
              type: 'string',
            },
            description: 'The networks the key may be used from; absent: anywhere.',
          },
          suspendedAt: {
            type: 'string',
            format: 'date-time',
            description: 'When the key was suspended; absent unless it is.',
          },
          suspendReason: {
            type: 'string',
            description: 'Why, when a reason was given.',
          },
        },
        required: [
          'id',
          'name',
          'hint',
          'ownerId',
          'scopes',
          'createdAt',
          'expiresAt',
          'lastUsedAt',
          'status',
        ],
        additionalProperties: false,
      },
      IssuedKey: {
        type: 'object',
        properties: {
          key: {
            $ref: '#/components/schemas/ApiKey',
          },
          token: {
            type: 'string',
            description: 'The secret: shown in this answer only.',
          },
        },
        required: ['key', 'token'],
        additionalProperties: false,
      },
      KeyList: {
        type: 'object',
        properties: {
          keys: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/ApiKey',
            },
          },
          nextCursor: {
            oneOf: [
              {
                type: 'string',
              },
              {
                type: 'null',
              },
            ],
            description: 'The cursor of the next page; `null` on the last one.',
          },
        },
        required: ['keys', 'nextCursor'],
        additionalProperties: false,
      },
      AuditEvent: {
        type: 'object',
        properties: {
          id: {
            type: 'string',
            pattern: '^evt_[0-9A-Za-z]{16}$',
          },
          at: {
            type: 'string',
            format: 'date-time',
          },
          type: {
            type: 'string',
            description:
              '`created`, `updated`, `rotated`, `revoked`, `revoked_all`, `suspended`, …',
          },
          ownerId: {
            type: 'string',
            description: 'The owner; `*` for a revoke-all of every owner.',
          },
          keyId: {
            type: 'string',
            description: 'The key it concerns; absent for an owner-wide event.',
          },
          actor: {
            type: 'string',
            description: "Who acted: `key:<id>`, a signed-in person's actor, `policy`.",
          },
          changes: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              description:
                'A changed field: its JSON value before and after (either absent when none).',
              properties: {
                before: {},
                after: {},
              },
              additionalProperties: false,
            },
          },
          data: {
            type: 'object',
            description: "The event's other plain fields.",
          },
          clientIp: {
            type: 'string',
            description: 'The HTTP client address, when it came through this API.',
          },
          userAgent: {
            type: 'string',
            description: 'The HTTP client `User-Agent` (at most 256 characters).',
          },
        },
        required: ['id', 'at', 'type', 'ownerId'],
        additionalProperties: false,
      },
      KeyUsage: {
        type: 'object',
        properties: {
          keyId: {
            type: 'string',
          },
          granularity: {
            type: 'string',
            enum: ['minute', 'hour', 'day'],
          },
          buckets: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                start: {
                  type: 'string',
                  format: 'date-time',
                },
                outcomes: {
                  type: 'object',
                  properties: {
                    valid: {
                      type: 'integer',
                    },
                    revoked_token: {
                      type: 'integer',
                    },
                    expired_token: {
                      type: 'integer',
                    },
                    suspended_token: {
                      type: 'integer',
                    },
                    insufficient_scope: {
                      type: 'integer',
                    },
                    ip_not_allowed: {
                      type: 'integer',
                    },
                    rate_limited: {
                      type: 'integer',
                    },
                    usage_exceeded: {
                      type: 'integer',
                    },
                    unknown_token: {
                      type: 'integer',
                    },
                    malformed_token: {
                      type: 'integer',
                    },
                  },
                  required: [],
                  additionalProperties: false,
                },
              },
              required: ['start', 'outcomes'],
              additionalProperties: false,
            },
          },
        },
        required: ['keyId', 'granularity', 'buckets'],
        additionalProperties: false,
      },
      UsageSummary: {
        type: 'object',
        properties: {
          from: {
            type: 'string',
            format: 'date-time',
          },
          to: {
            type: 'string',
            format: 'date-time',
          },
          granularity: {
            type: 'string',
            enum: ['minute', 'hour', 'day'],
          },
          keys: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                keyId: {
                  type: 'string',
                },
                outcomes: {
                  type: 'object',
                  properties: {
                    valid: {
                      type: 'integer',
                    },
                    revoked_token: {
                      type: 'integer',
                    },
                    expired_token: {
                      type: 'integer',
                    },
                    suspended_token: {
                      type: 'integer',
                    },
                    insufficient_scope: {
                      type: 'integer',
                    },
                    ip_not_allowed: {
                      type: 'integer',
                    },
                    rate_limited: {
                      type: 'integer',
                    },
                    usage_exceeded: {
                      type: 'integer',
                    },
                    unknown_token: {
                      type: 'integer',
                    },
                    malformed_token: {
                      type: 'integer',
                    },
                  },
                  required: [],
                  additionalProperties: false,
                },
              },
              required: ['keyId', 'outcomes'],
              additionalProperties: false,
            },
          },
        },
        required: ['from', 'to', 'granularity', 'keys'],
        additionalProperties: false,
      },
      AuditPage: {
        type: 'object',
        properties: {
          events: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/AuditEvent',
            },
          },
          nextCursor: {
            oneOf: [
              {
                type: 'string',
              },
              {
                type: 'null',
              },
            ],
            description: 'The cursor of the next page; `null` on the last one.',
          },
        },
        required: ['events', 'nextCursor'],
        additionalProperties: false,
      },
      RevokedAll: {
        type: 'object',
        properties: {
          revokedBefore: {
            type: 'string',
            format: 'date-time',
          },
        },
        required: ['revokedBefore'],
        additionalProperties: false,
      },
      Catalog: {
        type: 'object',
        properties: {
          scopes: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: {
                  type: 'string',
                },
                description: {
                  type: 'string',
                },
                resource: {
                  type: 'string',
                },
                grantable: {
                  type: 'boolean',
                },
              },
              required: ['name', 'description', 'resource', 'grantable'],
              additionalProperties: false,
            },
          },
          groups: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                resource: {
                  type: 'string',
                },
                scopes: {
                  type: 'array',
                  items: {
                    type: 'string',
                  },
                },
              },
              required: ['resource', 'scopes'],
              additionalProperties: false,
            },
          },
          grantable: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
          maxLifetime: {
            type: 'integer',
            description: 'Seconds.',
          },
          defaultExpiresIn: {
            oneOf: [
              {
                type: 'integer',
              },
              {
                type: 'null',
              },
            ],
            description: 'Seconds.',
          },
          maxGracePeriod: {
            type: 'integer',
            description: 'Seconds.',
          },
          defaultRateLimits: {
            oneOf: [
              {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: {
                      type: 'string',
                    },
                    limit: {
                      type: 'integer',
                    },
                    window: {
                      type: 'integer',
                      description: 'Seconds.',
                    },
                  },
                  required: ['name', 'limit', 'window'],
                  additionalProperties: false,
                },
              },
              {
                type: 'null',
              },
            ],
          },
        },
        required: [
          'scopes',
          'groups',
          'grantable',
          'maxLifetime',
          'defaultExpiresIn',
          'maxGracePeriod',
          'defaultRateLimits',
        ],
        additionalProperties: false,
      },
      OpenApiDocument: {
        type: 'object',
        required: ['openapi', 'info', 'paths'],
        properties: {
          openapi: {
            type: 'string',
            pattern: '^3\\.1\\.',
          },
          info: {
            type: 'object',
          },
          paths: {
            type: 'object',
          },
        },
      },
      Problem: {
        type: 'object',
        properties: {
          type: {
            type: 'string',
            description: '`urn:keyward:error:<code>`.',
          },
          title: {
            type: 'string',
          },
          status: {
            type: 'integer',
          },
          detail: {
            type: 'string',
          },
          code: {
            type: 'string',
            enum: [
              'missing_token',
              'invalid_request',
              'malformed_token',
              'unknown_token',
              'expired_token',
              'revoked_token',
              'insufficient_scope',
              'unavailable',
              'invalid_argument',
              'not_found',
              'request_too_large',
              'key_inactive',
              'forbidden',
              'invalid_signature',
              'rate_limited',
              'usage_exceeded',
              'suspended_token',
              'ip_not_allowed',
            ],
          },
          field: {
            type: 'string',
            description: 'On 422: the field that was wrong (`scopes[1]`).',
          },
          missingScopes: {
            type: 'array',
            items: {
              type: 'string',
            },
          },
        },
        required: ['type', 'title', 'status', 'detail', 'code'],
        additionalProperties: false,
      },
      ValidationProblem: {
        allOf: [
          {
            $ref: '#/components/schemas/Problem',
          },
        ],
        required: ['field'],
        properties: {
          code: {
            const: 'invalid_argument',
          },
        },
      },
    },
    securitySchemes: {
      apiKey: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'Keyward API key',
        description:
          'An API key as `Authorization: Bearer <key>`. Management routes need `api_keys:manage`; `POST /token` needs only the key itself; `POST /self/rotate` the self-rotation scope.',
      },
      clientCredentials: {
        type: 'http',
        scheme: 'basic',
        description:
          'OAuth client authentication (RFC 6749 §2.3.1): the key id as `client_id`, the API key as `client_secret`; or the same two as form parameters (`client_secret_post`).',
      },
      session: {
        type: 'apiKey',
        in: 'cookie',
        name: 'session',
        description:
          "The app's own sign-in (its session cookie, whatever its name): a person manages their owner's keys. State-changing requests need `Content-Type: application/json` and a same-origin `Origin` (or `Sec-Fetch-Site: same-origin`), else 403.",
      },
    },
  },
}
