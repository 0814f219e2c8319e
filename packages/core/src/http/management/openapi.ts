/**
 * The OpenAPI 3.1 document of the management API, built from its route table (every row
 * carries its {@link RouteOperation}) and its input rules, so that it cannot drift from what
 * the code answers. The OAuth endpoints the app serves from its root join it when named.
 */
import type { KeyLimits } from '../../keyward.js'
import { INTROSPECTION_OPERATION, JWKS_OPERATION, METADATA_OPERATION } from '../oauth/operations.js'
import { componentSchemas } from './openapi-schemas.js'
import type {
  JsonSchema,
  OperationAudience,
  RefusalStatus,
  RouteOperation,
  SchemaName,
} from './operation.js'
import { managementRoutes, type Route } from './routes.js'

/** What the app serves besides the management API, for the document to describe. */
export interface OpenApiOAuthPaths {
  /** Where the RFC 8414 metadata is served (`OAuthServer.metadataPath`). */
  readonly metadataPath: string
  /** Where introspection is served (`OAuthServer.introspectionPath`); `undefined`: not served. */
  readonly introspectionPath?: string | undefined
  /** Where the app publishes its JWK Set; `undefined`: not described. */
  readonly jwksPath?: string | undefined
}

/** How the served document describes the API beyond its routes (`createManagementApi({ openApi })`). */
export interface OpenApiOptions {
  /**
   * Where the app mounts the management API: the paths of the document start with it.
   * Default `'/api-keys'`.
   */
  mountPath?: string
  /** `info.title`. Default `'Keyward management API'`. */
  title?: string
  /** `info.version`: the version of your API. Default `'1.0.0'`. */
  version?: string
  /**
   * The OAuth endpoints the app serves from its root (an `OAuthServer` fits as it is, plus
   * `jwksPath`). Default: not described.
   */
  oauth?: OpenApiOAuthPaths
}

/** Options of {@link openApiDocument}: what a management API is configured with. */
export interface OpenApiDocumentOptions extends OpenApiOptions {
  /** The declared scope names (`keyward.scopes.names`). Default: any well-formed scope. */
  scopes?: readonly string[]
  /** The lifecycle limits in milliseconds (`keyward.limits`). Default core's: 365 days, 24 h grace. */
  limits?: Partial<KeyLimits>
  /** The manage scope, named in the security description. Default `'api_keys:manage'`. */
  manageScope?: string
  /** Whether `POST /token` is served (the `accessTokens` option). Default `true`. */
  accessTokens?: boolean
}

const DAY = 86_400_000
const KEY_ID_PATTERN = '^key_[0-9A-Za-z]{16}$'

/**
 * The OpenAPI 3.1 document of a management API configured as `options` says: every route of
 * its table with its request body (built from the fields and limits the handlers check), its
 * answers with status codes, problem+json and RFC 6749 §5.2 error bodies and headers
 * (`Cache-Control`, `RateLimit-Policy`, `RateLimit`, `Retry-After`, `WWW-Authenticate`), and
 * its security schemes (Bearer API key, HTTP Basic client credentials, the app's own
 * sign-in). `createManagementApi` serves the same document at `GET <mount>/openapi.json`;
 * `@keyward/core/openapi.json` is the one of a default configuration. A fresh object each call.
 *
 * @example
 * const document = openApiDocument({ scopes: keyward.scopes.names, limits: keyward.limits })
 */
export function openApiDocument(options: OpenApiDocumentOptions = {}): Record<string, unknown> {
  const mount = (options.mountPath ?? '/api-keys').replace(/\/+$/, '')
  if (mount !== '' && !mount.startsWith('/')) {
    throw new TypeError('mountPath must be a path starting with /')
  }
  const manageScope = options.manageScope ?? 'api_keys:manage'
  const paths: Record<string, Record<string, unknown>> = {}
  const add = (path: string, method: string, operation: Record<string, unknown>) => {
    paths[path] ??= {}
    ;(paths[path] as Record<string, unknown>)[method.toLowerCase()] = operation
  }
  const features = { accessTokens: options.accessTokens ?? true, openApi: true }
  for (const route of managementRoutes(features)) {
    const path = `${mount}/${route.path.map((part) => (part === ':id' ? '{id}' : part)).join('/')}`
    add(
      path.replace(/\/$/, '') || '/',
      route.method,
      operationObject(route.operation, audienceOf(route), route.path.includes(':id')),
    )
  }
  const { oauth } = options
  if (oauth !== undefined) {
    add(oauth.metadataPath, 'GET', operationObject(METADATA_OPERATION, 'public', false))
    if (oauth.introspectionPath !== undefined) {
      add(
        oauth.introspectionPath,
        'POST',
        operationObject(INTROSPECTION_OPERATION, 'client', false),
      )
    }
    if (oauth.jwksPath !== undefined) {
      add(oauth.jwksPath, 'GET', operationObject(JWKS_OPERATION, 'public', false))
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'Keyward management API',
      version: options.version ?? '1.0.0',
      description:
        'API keys of this service: create, list, rotate and revoke them, and mint access ' +
        'tokens. Every answer is `Cache-Control: no-store` (this document aside); errors are ' +
        'RFC 9457 problem documents, or RFC 6749 §5.2 JSON on the OAuth endpoints.',
    },
    tags: ['API keys', 'Access tokens', 'OAuth', 'Discovery'].map((name) => ({ name })),
    paths,
    components: {
      schemas: componentSchemas({
        scopes: options.scopes ?? [],
        limits: {
          maxLifetime: options.limits?.maxLifetime ?? 365 * DAY,
          maxGracePeriod: options.limits?.maxGracePeriod ?? DAY,
          defaultExpiresIn: options.limits?.defaultExpiresIn,
        },
      }),
      securitySchemes: securitySchemes(manageScope),
    },
  }
}

/** Who may call a route of the table. */
function audienceOf(route: Route): OperationAudience {
  return route.operation.audience ?? route.acts
}

/** The security schemes the operations name. */
function securitySchemes(manageScope: string): Record<string, JsonSchema> {
  return {
    apiKey: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'Keyward API key',
      description:
        `An API key as \`Authorization: Bearer <key>\`. Management routes need \`${manageScope}\`; ` +
        '`POST /token` needs only the key itself; `POST /self/rotate` the self-rotation scope.',
    },
    clientCredentials: {
      type: 'http',
      scheme: 'basic',
      description:
        'OAuth client authentication (RFC 6749 §2.3.1): the key id as `client_id`, the API key ' +
        'as `client_secret`; or the same two as form parameters (`client_secret_post`).',
    },
    session: {
      type: 'apiKey',
      in: 'cookie',
      name: 'session',
      description:
        "The app's own sign-in (its session cookie, whatever its name): a person manages their " +
        "owner's keys. State-changing requests need `Content-Type: application/json` and a " +
        'same-origin `Origin` (or `Sec-Fetch-Site: same-origin`), else 403.',
    },
  }
}

/** The `security` of an audience: which schemes may call it. */
const SECURITY: Record<OperationAudience, readonly Record<string, never[]>[]> = {
  manager: [{ apiKey: [] }, { session: [] }],
  key: [{ apiKey: [] }, { clientCredentials: [] }, {}],
  client: [{ clientCredentials: [] }, { apiKey: [] }],
  self: [{ apiKey: [] }],
  public: [],
}

/** The refusals every operation of an audience may answer. */
const AUDIENCE_REFUSALS: Record<OperationAudience, readonly RefusalStatus[]> = {
  manager: [400, 401, 403, 429, 503],
  key: [400, 401, 403, 429, 503],
  client: [400, 401, 403, 429, 503],
  self: [400, 401, 403, 429, 503],
  public: [],
}

const REFUSAL_TEXT: Record<RefusalStatus, string> = {
  400: 'The request is malformed: its Authorization header, its body or its parameters.',
  401: 'No credential, or one that is malformed, unknown, expired or revoked.',
  403: 'The caller lacks a scope it needs, or the request breaks the same-origin rule.',
  404: 'No such key of the caller’s owner.',
  405: 'Another method than the endpoint takes.',
  409: 'The key is revoked, expired or rotated (`key_inactive`).',
  413: 'The body is larger than the limit.',
  422: 'A field is invalid; `field` names it.',
  429: 'The caller’s key is over its rate limit or out of credits.',
  503: 'A backend is unavailable; retry after `Retry-After` seconds.',
}

/**
 * One operation object of the document: its security, parameters (`{id}`, query), request
 * body, and answers with the refusals its audience, body, id and query imply.
 */
export function operationObject(
  operation: RouteOperation,
  audience: OperationAudience,
  hasId: boolean,
): Record<string, unknown> {
  const refusals = new Set<RefusalStatus>(AUDIENCE_REFUSALS[audience])
  if (operation.body !== undefined) {
    refusals.add(413)
    if (operation.body.json !== undefined) refusals.add(422)
  }
  if (hasId) refusals.add(404)
  if ((operation.query ?? []).length > 0) refusals.add(422)
  for (const status of operation.refusals ?? []) refusals.add(status)
  const limited = audience !== 'public'
  const parameters = [
    ...(hasId ? [idParameter()] : []),
    ...(operation.query ?? []).map(({ name, description, schema, required }) => ({
      name,
      in: 'query',
      required: required ?? false,
      description,
      schema,
    })),
  ]
  const responses: Record<string, unknown> = {
    [operation.success.status]: successResponse(operation, limited),
  }
  for (const status of [...refusals].sort()) {
    responses[status] = refusalResponse(status, operation.errors ?? 'problem', limited)
  }
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: operation.description,
    tags: [operation.tag],
    security: SECURITY[audience],
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(operation.body === undefined ? {} : { requestBody: requestBody(operation) }),
    responses,
  }
}

function idParameter(): Record<string, unknown> {
  return {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The key id.',
    schema: { type: 'string', pattern: KEY_ID_PATTERN },
  }
}

const ref = (name: SchemaName | 'Problem' | 'ValidationProblem' | 'OAuthError') => ({
  $ref: `#/components/schemas/${name}`,
})

function requestBody(operation: RouteOperation): Record<string, unknown> {
  const { json, form, required } = operation.body!
  const content: Record<string, unknown> = {}
  if (json !== undefined) content['application/json'] = { schema: ref(json) }
  if (form !== undefined) {
    content['application/x-www-form-urlencoded'] = {
      schema: form.length === 1 ? ref(form[0]!) : { oneOf: form.map(ref) },
    }
  }
  return { required, content }
}

/** A header of an answer: `required` when every such answer carries it. */
function header(description: string, required: boolean, schema: JsonSchema = { type: 'string' }) {
  return { description, required, schema }
}

/** The headers every answer of an operation may carry. */
function commonHeaders(cacheControl: string | false, limited: boolean): Record<string, unknown> {
  const headers: Record<string, unknown> = {}
  if (cacheControl !== false) {
    headers['Cache-Control'] = header('Never cached: it is about credentials.', true, {
      const: cacheControl,
    })
  }
  if (limited) {
    headers['RateLimit-Policy'] = header(
      "The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any.",
      false,
    )
    headers.RateLimit = header("What is left of the caller's key limits, when it has any.", false)
  }
  return headers
}

function successResponse(operation: RouteOperation, limited: boolean): Record<string, unknown> {
  const { schema, description } = operation.success
  const headers = commonHeaders(operation.cacheControl ?? 'no-store', limited)
  for (const [name, own] of Object.entries(operation.success.headers ?? {})) {
    headers[name] = header(own.description, own.required, own.schema)
  }
  if (operation.errors === 'oauth' || operation.errors === 'both') {
    headers.Pragma = header('`no-cache`, as RFC 6749 §5.1 asks.', false)
  }
  return {
    description,
    headers,
    ...(schema === undefined ? {} : { content: { 'application/json': { schema: ref(schema) } } }),
  }
}

function refusalResponse(
  status: RefusalStatus,
  errors: 'problem' | 'oauth' | 'both',
  limited: boolean,
): Record<string, unknown> {
  const headers = commonHeaders('no-store', limited)
  const required429 = status === 429
  if (required429) {
    for (const name of ['RateLimit-Policy', 'RateLimit']) {
      headers[name] = { ...(headers[name] as object), required: true }
    }
  }
  if (status === 401 || status === 400 || status === 403) {
    headers['WWW-Authenticate'] = header('The RFC 6750 challenge.', status === 401)
  }
  if (status === 503 || status === 429) {
    headers['Retry-After'] = header('Seconds to wait before retrying.', status === 503, {
      type: 'string',
      pattern: '^[0-9]+$',
    })
  }
  if (status === 405) headers.Allow = header('The methods the endpoint takes.', true)
  if (errors !== 'problem') headers.Pragma = header('`no-cache`.', false)
  const content: Record<string, unknown> = {}
  if (errors !== 'oauth') {
    content['application/problem+json'] = {
      schema: ref(status === 422 ? 'ValidationProblem' : 'Problem'),
    }
  }
  if (errors !== 'problem') content['application/json'] = { schema: ref('OAuthError') }
  return { description: REFUSAL_TEXT[status], headers, content }
}
