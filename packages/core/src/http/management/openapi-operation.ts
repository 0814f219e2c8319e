/**
 * `GET /openapi.json`: the management API describing itself. Public (a generated client
 * reads it before it holds a key); it names routes and scopes, never a key or an owner.
 */
import type { RouteOperation } from './operation.js'

/**
 * The `Cache-Control` of the document: it changes only when the app is redeployed, so caches
 * may keep it a few minutes; it holds nothing private.
 */
export const OPENAPI_CACHE_CONTROL = 'public, max-age=300'

/** What the document says of its own route. */
export const OPENAPI_OPERATION: RouteOperation = {
  operationId: 'getOpenApiDocument',
  summary: 'This OpenAPI document',
  description:
    'The OpenAPI 3.1 description of this API, generated from its route table and input rules: ' +
    'its scope catalog, lifetime and grace limits, and whether it mints access tokens.',
  tag: 'Discovery',
  success: { status: 200, description: 'The document.', schema: 'OpenApiDocument' },
  cacheControl: OPENAPI_CACHE_CONTROL,
}
