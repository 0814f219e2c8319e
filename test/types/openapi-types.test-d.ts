import { describe, expectTypeOf, it } from 'vitest'
import type { components } from '../../packages/core/openapi.js'
import type { ApiKeyJson, CatalogJson } from '../../packages/core/src/http/management/json.js'
import type {
  ApiKeyJson as UiApiKeyJson,
  Catalog as UiCatalog,
  KeyUsageJson as UiKeyUsageJson,
} from '../../packages/ui/src/types.js'

// The settings page and the CLI read the management API through hand-written types (the page's
// bundle imports nothing from the server packages; the CLI uses core's `ApiKeyJson`, the type
// `toApiKeyJson` returns). Here each is held equal to the schema generated from the route table
// (`@keyward/core/openapi`, what `GET /api-keys/openapi.json` serves), so none can drift from the
// document: a field added to one and not the other fails the type check.

type Schema<N extends keyof components['schemas']> = components['schemas'][N]

describe('the JSON types match the OpenAPI document', () => {
  it("core's ApiKeyJson (the CLI's API backend reads it) is the ApiKey schema", () => {
    expectTypeOf<ApiKeyJson>().toEqualTypeOf<Schema<'ApiKey'>>()
  })

  it("the settings page's ApiKeyJson is the ApiKey schema", () => {
    expectTypeOf<UiApiKeyJson>().toEqualTypeOf<Schema<'ApiKey'>>()
  })

  it("the settings page's KeyUsageJson (its Usage dialog and sparklines) is the KeyUsage schema", () => {
    expectTypeOf<UiKeyUsageJson>().toEqualTypeOf<Schema<'KeyUsage'>>()
  })

  it("core's CatalogJson and the page's Catalog are the Catalog schema", () => {
    expectTypeOf<CatalogJson>().toEqualTypeOf<Schema<'Catalog'>>()
    // The page also reads servers that predate `defaultRateLimits`, so it takes it as optional.
    type Rest<T> = Omit<T, 'defaultRateLimits'>
    expectTypeOf<Rest<UiCatalog>>().toEqualTypeOf<Rest<Schema<'Catalog'>>>()
    expectTypeOf<Required<UiCatalog>['defaultRateLimits']>().toEqualTypeOf<
      Schema<'Catalog'>['defaultRateLimits']
    >()
  })
})
