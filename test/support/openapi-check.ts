/**
 * Checks answers against an OpenAPI document: the status code is documented for the
 * operation, the content type is one the document lists, the body validates against its
 * schema (ajv, JSON Schema 2020-12) and every header the document requires is there and has
 * the documented form. Passed as `checkResponse` to the management conformance kit, it proves
 * the document true on every case of every adapter.
 */
import { dereference } from '@readme/openapi-parser'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import type { ManagementApiOptions } from '../../packages/core/src/adapter.js'
import { openApiDocument } from '../../packages/core/src/index.js'
import type { CheckedExchange, CheckResponse } from '../../packages/core/src/testing/index.js'

type Json = Record<string, unknown>

interface HeaderObject {
  required?: boolean
  schema?: Json
}

interface ResponseObject {
  headers?: Record<string, HeaderObject>
  content?: Record<string, { schema: Json }>
}

/** The headers whose presence the document must account for on every answer. */
const CONTRACT_HEADERS = [
  'cache-control',
  'ratelimit-policy',
  'ratelimit',
  'retry-after',
  'www-authenticate',
  'allow',
]

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** What the checker saw: each documented `operationId status` answered at least once. */
export type Seen = Set<string>

/** Options of {@link responseChecker}. */
export interface ResponseCheckerOptions {
  /**
   * The document an app built with `options` is checked against. Default: the one
   * `createManagementApi` serves for them (`openApiDocument` of the same configuration).
   */
  documentFor?: (options: ManagementApiOptions) => Json
  /** Collects `operationId status` pairs, for a test to assert on coverage. */
  seen?: Seen
}

/** The document `createManagementApi(keyward, options)` serves, as far as answers go. */
export function documentOfOptions(options: ManagementApiOptions): Json {
  return openApiDocument({
    ...(options.openApi === false ? {} : options.openApi),
    accessTokens: options.accessTokens !== undefined,
    edge: options.edge !== undefined,
  })
}

/**
 * A `checkResponse` over an OpenAPI document (paths from the app's root). Answers to a path
 * or method the document does not have must be the management API's 401 or 404 problem.
 */
export function responseChecker(options: ResponseCheckerOptions = {}): CheckResponse {
  const { seen = new Set(), documentFor = documentOfOptions } = options
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  ajv.addFormat('date-time', ISO_INSTANT)
  const validators = new WeakMap<object, ValidateFunction>()
  const validate = (schema: Json) => {
    let compiled = validators.get(schema)
    if (compiled === undefined) {
      compiled = ajv.compile(schema)
      validators.set(schema, compiled)
    }
    return compiled
  }
  // Dereferenced once per document: every schema below is then self-contained, and apps
  // built alike share one copy and its compiled validators.
  const documents = new Map<string, Promise<Json>>()
  const documentOf = (apiOptions: ManagementApiOptions): Promise<Json> => {
    const text = JSON.stringify(documentFor(apiOptions))
    let resolved = documents.get(text)
    if (resolved === undefined) {
      resolved = dereference(JSON.parse(text) as never) as Promise<Json>
      documents.set(text, resolved)
    }
    return resolved
  }
  return async function checkResponse(exchange) {
    const api = await documentOf(exchange.options)
    const where = `${exchange.method} ${exchange.path} → ${exchange.response.status}`
    const found = operationOf(api, exchange.method, exchange.path)
    const text = exchange.response.status === 204 ? '' : await exchange.response.text()
    if (found === undefined) {
      return checkUndocumented(api, exchange, text, where, validate)
    }
    const responses = found.operation.responses as Record<string, ResponseObject>
    const documented = responses[String(exchange.response.status)]
    if (documented === undefined) {
      throw new Error(
        `${where}: status not documented for ${found.operation.operationId} (documented: ${Object.keys(responses).join(', ')})`,
      )
    }
    seen.add(`${found.operation.operationId} ${exchange.response.status}`)
    checkHeaders(exchange.response.headers, documented, where, validate)
    if (exchange.method === 'HEAD') return
    checkBody(exchange.response.headers, text, documented, where, validate)
  }
}

/**
 * The operation of a method and a concrete path: a `{param}` segment matches a segment its
 * parameter's schema accepts (so `/api-keys/token` is never `GET /api-keys/{id}`, as the
 * router never takes a literal for an id).
 */
function operationOf(
  api: Json,
  method: string,
  path: string,
): { template: string; operation: Json } | undefined {
  for (const [template, item] of Object.entries(api.paths as Record<string, Json>)) {
    const operation = item[method.toLowerCase()] as Json | undefined
    if (operation === undefined) continue
    if (templateMatches(template, path, operation)) return { template, operation }
  }
  return undefined
}

/** Whether `path` fits `template`, its parameters checked against `operation`'s patterns. */
function templateMatches(template: string, path: string, operation?: Json): boolean {
  const parameters = (operation?.parameters ?? []) as { name: string; schema?: Json }[]
  const pattern = template.replace(/[.]/g, '\\.').replace(/\{([^}]+)\}/g, (_, name: string) => {
    const own = parameters.find((parameter) => parameter.name === name)?.schema?.pattern
    return typeof own === 'string' ? `(?:${own.replace(/^\^|\$$/g, '')})` : '[^/]+'
  })
  return new RegExp(`^${pattern}$`).test(path)
}

/**
 * A path or method the document does not have: the API answers it 401 (no credential) or
 * 404, as problem+json; an OAuth endpoint's other methods answer 405 as documented on it.
 */
function checkUndocumented(
  api: Json,
  exchange: CheckedExchange,
  text: string,
  where: string,
  validate: (schema: Json) => ValidateFunction,
): void {
  const status = exchange.response.status
  const onPath = Object.entries(api.paths as Record<string, Json>).find(([template, item]) =>
    Object.values(item).some((operation) =>
      templateMatches(template, exchange.path, operation as Json),
    ),
  )
  const documented405 = Object.values(onPath?.[1] ?? {}).find(
    (operation) =>
      (operation as Json).responses !== undefined &&
      '405' in ((operation as Json).responses as Json),
  ) as Json | undefined
  if (status === 405 && documented405 !== undefined) {
    const response = (documented405.responses as Record<string, ResponseObject>)['405']!
    checkHeaders(exchange.response.headers, response, where, validate)
    checkBody(exchange.response.headers, text, response, where, validate)
    return
  }
  if (status !== 401 && status !== 404) {
    throw new Error(`${where}: undocumented method or path answered other than 401/404`)
  }
  if (exchange.method === 'HEAD') return
  const problem = (api.components as Json).schemas as Record<string, Json>
  checkBody(
    exchange.response.headers,
    text,
    {
      content: { 'application/problem+json': { schema: problem.Problem as Json } },
    },
    where,
    validate,
  )
}

function checkHeaders(
  headers: Headers,
  documented: ResponseObject,
  where: string,
  validate: (schema: Json) => ValidateFunction,
): void {
  const byName = new Map(
    Object.entries(documented.headers ?? {}).map(([name, header]) => [name.toLowerCase(), header]),
  )
  for (const [name, header] of byName) {
    const value = headers.get(name)
    if (value === null) {
      if (header.required === true) throw new Error(`${where}: header ${name} missing`)
      continue
    }
    if (header.schema !== undefined && !validate(header.schema)(value)) {
      throw new Error(
        `${where}: header ${name}: ${JSON.stringify(value)} does not match ${JSON.stringify(header.schema)}`,
      )
    }
  }
  for (const name of CONTRACT_HEADERS) {
    if (headers.has(name) && !byName.has(name)) {
      throw new Error(`${where}: header ${name} is sent but not documented`)
    }
  }
}

function checkBody(
  headers: Headers,
  text: string,
  documented: ResponseObject,
  where: string,
  validate: (schema: Json) => ValidateFunction,
): void {
  const content = documented.content
  if (content === undefined) {
    if (text !== '') throw new Error(`${where}: a body where the document has none`)
    return
  }
  const type = (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  const media = content[type]
  if (media === undefined) {
    throw new Error(
      `${where}: content type ${type} not documented (${Object.keys(content).join(', ')})`,
    )
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new Error(`${where}: the body is not JSON: ${text.slice(0, 200)}`)
  }
  const check = validate(media.schema)
  if (!check(body)) {
    throw new Error(
      `${where}: body does not match its schema: ${JSON.stringify(check.errors?.slice(0, 5))}\n${text.slice(0, 500)}`,
    )
  }
}
