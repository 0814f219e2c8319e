/**
 * What the OpenAPI document says of the OAuth endpoints: the token endpoint's form bodies
 * (RFC 6749 `client_credentials`, RFC 8693 token exchange), introspection (RFC 7662), the
 * RFC 8414 metadata and the JWK Set, and the RFC 6749 §5.2 error body. Built from the same
 * constants the endpoints check (grant types, token types, error codes).
 */
import {
  type JsonSchema,
  objectSchema,
  type RouteOperation,
  type SchemaName,
} from '../management/operation.js'
import {
  ACCESS_TOKEN_TYPE,
  AUTH_METHODS,
  GRANT_TYPES,
  JWT_TOKEN_TYPE,
  type OAuthErrorCode,
  TOKEN_EXCHANGE_GRANT,
} from './protocol.js'

/** Every RFC 6749 §5.2 code the endpoints answer, so that a new one cannot be left out. */
const OAUTH_ERROR_CODES: Record<OAuthErrorCode, true> = {
  invalid_request: true,
  invalid_client: true,
  invalid_grant: true,
  unauthorized_client: true,
  unsupported_grant_type: true,
  invalid_scope: true,
  invalid_target: true,
  invalid_token: true,
  insufficient_scope: true,
  temporarily_unavailable: true,
}

const text: JsonSchema = { type: 'string' }
const clientFields = {
  client_id: { type: 'string', description: 'The key id (`client_secret_post`).' },
  client_secret: { type: 'string', description: 'The API key itself (`client_secret_post`).' },
}
const scope = { type: 'string', description: 'Space-delimited scopes the key holds.' }

/** The OAuth schemas of `components.schemas`. */
export function oauthSchemas(): Record<
  Extract<
    SchemaName,
    | 'ClientCredentialsGrant'
    | 'TokenExchangeGrant'
    | 'IntrospectionRequest'
    | 'TokenResponse'
    | 'IntrospectionResponse'
    | 'AuthorizationServerMetadata'
    | 'JwkSet'
  >,
  JsonSchema
> & { OAuthError: JsonSchema } {
  const urls = { type: 'array', items: text }
  return {
    ...formSchemas(),
    TokenResponse: objectSchema(
      {
        access_token: text,
        issued_token_type: { enum: [ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPE] },
        token_type: { const: 'Bearer' },
        expires_in: { type: 'integer', description: 'Seconds.' },
        scope: text,
      },
      ['issued_token_type'],
    ),
    IntrospectionResponse: objectSchema(
      {
        active: { type: 'boolean' },
        scope: text,
        client_id: { type: 'string', description: 'The key id.' },
        sub: { type: 'string', description: 'The owner.' },
        exp: { type: 'integer' },
        iat: { type: 'integer' },
        token_type: { const: 'Bearer' },
        kw_kind: { type: 'string', description: '`api_key`, or the access-token kind.' },
        iss: text,
        aud: { oneOf: [text, { type: 'array', items: text }] },
      },
      ['scope', 'client_id', 'sub', 'exp', 'iat', 'token_type', 'kw_kind', 'iss', 'aud'],
    ),
    AuthorizationServerMetadata: {
      ...objectSchema(
        {
          issuer: text,
          jwks_uri: text,
          scopes_supported: urls,
          response_types_supported: { type: 'array', maxItems: 0 },
          token_endpoint: text,
          grant_types_supported: { type: 'array', items: { enum: [...GRANT_TYPES] } },
          token_endpoint_auth_methods_supported: authMethods(),
          introspection_endpoint: text,
          introspection_endpoint_auth_methods_supported: authMethods(),
        },
        [
          'token_endpoint',
          'grant_types_supported',
          'token_endpoint_auth_methods_supported',
          'introspection_endpoint',
          'introspection_endpoint_auth_methods_supported',
        ],
      ),
    },
    JwkSet: objectSchema({ keys: { type: 'array', items: { type: 'object' } } }),
    OAuthError: objectSchema(
      {
        error: { type: 'string', enum: Object.keys(OAUTH_ERROR_CODES) },
        error_description: text,
      },
      ['error_description'],
    ),
  }
}

/** The form bodies the token and introspection endpoints take. */
function formSchemas(): Record<
  'ClientCredentialsGrant' | 'TokenExchangeGrant' | 'IntrospectionRequest',
  JsonSchema
> {
  return {
    // Form bodies: unknown parameters are ignored (RFC 6749 §3.2), so none is refused here.
    ClientCredentialsGrant: {
      ...objectSchema({ grant_type: { const: GRANT_TYPES[0] }, scope, ...clientFields }, [
        'scope',
        'client_id',
        'client_secret',
      ]),
      additionalProperties: true,
    },
    TokenExchangeGrant: {
      ...objectSchema(
        {
          grant_type: { const: TOKEN_EXCHANGE_GRANT },
          subject_token: { type: 'string', description: 'The API key.' },
          subject_token_type: { const: ACCESS_TOKEN_TYPE },
          requested_token_type: { enum: [ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPE] },
          audience: text,
          resource: text,
          scope,
          ...clientFields,
        },
        ['requested_token_type', 'audience', 'resource', 'scope', 'client_id', 'client_secret'],
      ),
      additionalProperties: true,
    },
    IntrospectionRequest: {
      ...objectSchema({ token: text, token_type_hint: text, ...clientFields }, [
        'token_type_hint',
        'client_id',
        'client_secret',
      ]),
      additionalProperties: true,
    },
  }
}

function authMethods(): JsonSchema {
  return { type: 'array', items: { enum: [...AUTH_METHODS] } }
}

/** `GET /.well-known/oauth-authorization-server`: RFC 8414 metadata. */
export const METADATA_OPERATION: RouteOperation = {
  operationId: 'getAuthorizationServerMetadata',
  summary: 'OAuth authorization server metadata (RFC 8414)',
  description:
    'The issuer, the token endpoint and its grant types and client authentication methods, ' +
    'the JWK Set, the scopes and, when enabled, the introspection endpoint.',
  tag: 'Discovery',
  success: { status: 200, description: 'The metadata.', schema: 'AuthorizationServerMetadata' },
  errors: 'oauth',
}

/** `POST /oauth/introspect`: RFC 7662 introspection. */
export const INTROSPECTION_OPERATION: RouteOperation = {
  operationId: 'introspectToken',
  summary: 'Introspect a token (RFC 7662)',
  description:
    'The caller authenticates like a token client (HTTP Basic, `client_secret_post` or a ' +
    'Bearer API key) and must hold the introspection scope (403). An active token answers ' +
    '`active: true` and what it is; anything else answers `{"active": false}` only.',
  tag: 'OAuth',
  body: { form: ['IntrospectionRequest'], required: true },
  success: { status: 200, description: 'What the token is.', schema: 'IntrospectionResponse' },
  errors: 'oauth',
}

/** `GET /.well-known/jwks.json`: the public keys of the access tokens (served by the app). */
export const JWKS_OPERATION: RouteOperation = {
  operationId: 'getJwks',
  summary: 'The public keys that sign access tokens',
  description:
    "The JWK Set the app publishes (`@keyward/jwt`'s `jwks()`), for verifiers of its access tokens.",
  tag: 'Discovery',
  success: { status: 200, description: 'The JWK Set.', schema: 'JwkSet' },
  cacheControl: false,
}
