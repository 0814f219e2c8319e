/**
 * What a route says about itself for the OpenAPI document: every row of the management route
 * table and every OAuth endpoint carries one {@link RouteOperation}, so a route cannot be
 * added without its description (the type requires it) and the document is built from the
 * same table that routes requests.
 */

/** The schemas of `components.schemas` an operation may name; see `openapi-schemas.ts`. */
export type SchemaName =
  | 'ApiKey'
  | 'IssuedKey'
  | 'KeyList'
  | 'AuditEvent'
  | 'AuditPage'
  | 'KeyUsage'
  | 'UsageSummary'
  | 'RevokedAll'
  | 'Catalog'
  | 'CreateKeyRequest'
  | 'UpdateKeyRequest'
  | 'RotateKeyRequest'
  | 'SuspendKeyRequest'
  | 'EmptyBody'
  | 'AccessTokenRequest'
  | 'ClientCredentialsGrant'
  | 'TokenExchangeGrant'
  | 'IntrospectionRequest'
  | 'TokenResponse'
  | 'IntrospectionResponse'
  | 'AuthorizationServerMetadata'
  | 'JwkSet'
  | 'OpenApiDocument'

/** The refusals an operation may document beyond those its kind of route always has. */
export type RefusalStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 422 | 429 | 503

/** Who may call an operation, as its `security` says. */
export type OperationAudience =
  /** A manager: a Bearer API key holding the manage scope, or a signed-in person. */
  | 'manager'
  /** An API key acting for itself (Bearer), or an OAuth client (Basic, form secret). */
  | 'key'
  /** An OAuth client: HTTP Basic, a form secret or a Bearer API key. */
  | 'client'
  /** An API key acting on itself, as a Bearer token only (`POST /self/rotate`). */
  | 'self'
  /** Anyone: no credential. */
  | 'public'

/** The request body an operation takes. */
export interface OperationBody {
  /** The JSON body's schema (`application/json`). */
  readonly json?: SchemaName
  /** The form body's schemas (`application/x-www-form-urlencoded`), one of which applies. */
  readonly form?: readonly SchemaName[]
  /** Whether a request must carry it. */
  readonly required: boolean
}

/** A query parameter an operation reads (`GET /?limit=&cursor=`). */
export interface OperationQuery {
  readonly name: string
  readonly description: string
  /** Its JSON Schema (`{ type: 'integer', minimum: 1, maximum: 100 }`). */
  readonly schema: JsonSchema
  /** Default `false`. */
  readonly required?: boolean
}

/** A header an operation's success answer carries (`Link`), beyond the ones every answer has. */
export interface OperationHeader {
  readonly description: string
  /** Whether every success answer carries it. */
  readonly required: boolean
  /** Its JSON Schema. Default `{ type: 'string' }`. */
  readonly schema?: JsonSchema
}

/** One operation of the document, as a route table row describes it. */
export interface RouteOperation {
  /** The `operationId`: what generated clients name the call (`createKey`). */
  readonly operationId: string
  /** One line: what the operation does. */
  readonly summary: string
  /** What a caller needs to know beyond the summary: rules, limits, side effects. */
  readonly description: string
  /** Who may call it, when not what its route's `acts` says (a key acting on itself: `'self'`). */
  readonly audience?: OperationAudience
  /** The group it is listed under. */
  readonly tag: 'API keys' | 'Access tokens' | 'OAuth' | 'Discovery'
  /** The query parameters it reads; `422` then applies. Default none. */
  readonly query?: readonly OperationQuery[]
  /** Its request body, when it takes one: `413` and `422` (or OAuth `400`) then apply. */
  readonly body?: OperationBody
  /** Its answer on success: status, what it says, and its JSON body's schema (none for 204). */
  readonly success: {
    readonly status: 200 | 201 | 204
    readonly description: string
    readonly schema?: SchemaName
    /** Headers of the success answer beyond the common ones, by name. */
    readonly headers?: Readonly<Record<string, OperationHeader>>
  }
  /** Refusals beyond the ones every operation of its audience documents. */
  readonly refusals?: readonly RefusalStatus[]
  /** Errors are RFC 6749 §5.2 JSON (OAuth endpoints); else problem+json. `'both'`: either. */
  readonly errors?: 'problem' | 'oauth' | 'both'
  /** The `Cache-Control` of its answers; `false`: not ours to say (the app serves it). Default `no-store`. */
  readonly cacheControl?: string | false
}

/** A JSON Schema (2020-12, as OpenAPI 3.1 takes it), as plain JSON. */
export type JsonSchema = Record<string, unknown>

/**
 * `{ type: 'object' }` with these properties, all of them required unless `optional`, and no
 * others (the handlers refuse unknown fields, and answers carry none undocumented).
 */
export function objectSchema(
  properties: Record<string, JsonSchema>,
  optional: readonly string[] = [],
  extra: JsonSchema = {},
): JsonSchema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    additionalProperties: false,
    ...extra,
  }
}
