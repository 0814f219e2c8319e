import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createKeyward, defineScopes, openApiDocument } from '@keyward/core'
import type { ManagementApiOptions } from '@keyward/core/adapter'
import type { ServedApp } from '@keyward/core/testing'
import { apiKeysRouter } from '@keyward/express'
import { apiKeyRoutes } from '@keyward/hono'
import { compileErrors, validate } from '@readme/openapi-parser'
import { Ajv2020 } from 'ajv/dist/2020.js'
import express from 'express'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { CREATE_FIELDS, ROTATE_FIELDS } from '../packages/core/src/http/management/key-routes.js'
import { managementRoutes, type RoutePlace } from '../packages/core/src/http/management/routes.js'
import { MAX_NAME } from '../packages/core/src/keys/input.js'
import { documentOfOptions, responseChecker } from './support/openapi-check.js'
import { WRITTEN_FILES, WRITTEN_OPTIONS, writtenFiles } from './support/openapi-files.js'
import { serveFetch } from './support/serve-fetch.js'

// biome-ignore lint/suspicious/noExplicitAny: the tests read deep into JSON documents
type Json = Record<string, any>

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DAY = 86_400_000
const scopes = defineScopes({
  'api_keys:manage': 'Manage API keys',
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'billing:invoices:read': 'Read invoices',
})

// @ts-expect-error a route without its OpenAPI operation does not compile
const undocumented: RoutePlace = { method: 'GET', path: ['usage'] }
void undocumented

/** Validates `document` against the OpenAPI 3.1 schema and the parser's own rules. */
async function assertValid(document: Json): Promise<void> {
  const result = await validate(structuredClone(document) as never)
  if (!result.valid) throw new Error(compileErrors(result))
}

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1, in the default configuration and in others', async () => {
    await assertValid(openApiDocument())
    await assertValid(openApiDocument(WRITTEN_OPTIONS))
    await assertValid(
      openApiDocument({
        mountPath: '/orgs/keys',
        scopes: scopes.names,
        limits: { maxLifetime: 90 * DAY, maxGracePeriod: 3_600_000, defaultExpiresIn: 30 * DAY },
        accessTokens: false,
      }),
    )
    expect(openApiDocument().openapi).toBe('3.1.0')
    // The validator does catch a document that is not OpenAPI.
    const broken = openApiDocument() as Json
    broken.paths['/api-keys'].get.responses['200'].headers.Broken = { schema: 1 }
    await expect(assertValid(broken)).rejects.toThrow()
  })

  it('holds JSON Schemas that compile under ajv’s strict 2020-12 mode', () => {
    // The OpenAPI schema takes any object as a JSON Schema: strict ajv checks each one.
    const document = openApiDocument({ ...WRITTEN_OPTIONS, scopes: scopes.names }) as Json
    const ajv = new Ajv2020({ strict: true, strictTypes: false })
    ajv.addFormat('date-time', true)
    const schemas = document.components.schemas as Record<string, Json>
    const resolved = JSON.parse(
      JSON.stringify(schemas).replaceAll('#/components/schemas/', 'urn:keyward:schema:'),
    ) as Record<string, Json>
    for (const [name, schema] of Object.entries(resolved)) {
      ajv.addSchema(schema, `urn:keyward:schema:${name}`)
    }
    for (const name of Object.keys(resolved)) {
      expect(() => ajv.getSchema(`urn:keyward:schema:${name}`), name).not.toThrow()
    }
    expect(() => ajv.compile({ type: 'nope' })).toThrow()
  })

  it('is written to @keyward/core as the code generates it (pnpm --filter @keyward/core openapi)', async () => {
    const expected = await writtenFiles()
    for (const [name, path] of Object.entries(WRITTEN_FILES)) {
      const written = await readFile(`${ROOT}${path}`, 'utf8')
      expect(written, `${path} is stale: run pnpm --filter @keyward/core openapi`).toBe(
        expected[name as keyof typeof WRITTEN_FILES],
      )
    }
    const json = JSON.parse(await readFile(`${ROOT}${WRITTEN_FILES.json}`, 'utf8'))
    expect(json).toEqual(openApiDocument(WRITTEN_OPTIONS))
  })

  it('has an operation for every row of the route table, under the mount, with unique ids', () => {
    for (const accessTokens of [true, false]) {
      const document = openApiDocument({ mountPath: '/keys/', accessTokens })
      const routes = managementRoutes({ accessTokens, openApi: true, edge: true })
      const operations = Object.entries(document.paths as Json).flatMap(([path, item]) =>
        Object.entries(item as Json).map(([method, operation]) => ({ path, method, operation })),
      )
      expect(operations).toHaveLength(routes.length)
      for (const route of routes) {
        const path = ['/keys', ...route.path.map((part) => (part === ':id' ? '{id}' : part))]
        const item = (document.paths as Json)[path.join('/')]
        expect(
          item?.[route.method.toLowerCase()],
          `${route.method} ${path.join('/')}`,
        ).toMatchObject({
          operationId: route.operation.operationId,
          summary: route.operation.summary,
        })
      }
      const ids = operations.map(({ operation }) => operation.operationId)
      expect(new Set(ids).size).toBe(ids.length)
      expect(Boolean((document.paths as Json)['/keys/token'])).toBe(accessTokens)
    }
  })

  it('takes its request schemas from the handlers’ fields and the instance’s limits and catalog', () => {
    const document = openApiDocument({
      scopes: scopes.names,
      limits: { maxLifetime: 90 * DAY, maxGracePeriod: 3_600_000 },
    })
    const schemas = document.components as Json
    const create = schemas.schemas.CreateKeyRequest
    expect(Object.keys(create.properties)).toEqual([...CREATE_FIELDS])
    expect(create).toMatchObject({ required: ['name', 'scopes'], additionalProperties: false })
    expect(create.properties.name).toMatchObject({ minLength: 1, maxLength: MAX_NAME })
    expect(create.properties.scopes.items.enum).toEqual([
      ...scopes.names,
      '*',
      'api_keys:*',
      'projects:*',
      'billing:*',
      'billing:invoices:*',
    ])
    expect(create.properties.expiresIn.oneOf[0]).toMatchObject({ maximum: 90 * 86_400 })
    const rotate = schemas.schemas.RotateKeyRequest
    expect(Object.keys(rotate.properties)).toEqual([...ROTATE_FIELDS])
    expect(rotate.properties.gracePeriod.oneOf[0]).toMatchObject({ maximum: 3600 })
    expect(schemas.schemas.UpdateKeyRequest).toMatchObject({ required: [], minProperties: 1 })
    // Without a catalog, any well-formed grant.
    const open = (openApiDocument().components as Json).schemas.CreateKeyRequest
    expect(open.properties.scopes.items).toMatchObject({
      type: 'string',
      pattern: expect.any(String),
    })
  })

  it('documents refusals with their bodies and headers, and the security schemes', () => {
    const document = openApiDocument(WRITTEN_OPTIONS) as Json
    const create = document.paths['/api-keys'].post
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '413', '422', '429', '503']),
    )
    expect(create.responses['401'].headers['WWW-Authenticate'].required).toBe(true)
    expect(create.responses['503'].headers['Retry-After'].required).toBe(true)
    expect(create.responses['429'].headers.RateLimit.required).toBe(true)
    expect(create.responses['429'].headers['RateLimit-Policy'].required).toBe(true)
    expect(create.responses['201'].headers['Cache-Control'].schema).toEqual({ const: 'no-store' })
    expect(create.responses['422'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/ValidationProblem',
    })
    expect(document.paths['/api-keys/{id}'].patch.responses['409']).toBeDefined()
    const token = document.paths['/api-keys/token'].post
    expect(Object.keys(token.requestBody.content)).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
    ])
    expect(Object.keys(token.responses['401'].content)).toEqual([
      'application/problem+json',
      'application/json',
    ])
    expect(document.paths['/api-keys/openapi.json'].get.security).toEqual([])
    expect(document.paths['/oauth/introspect'].post.responses['200']).toBeDefined()
    expect(document.paths['/.well-known/oauth-authorization-server'].get).toBeDefined()
    expect(document.components.securitySchemes).toMatchObject({
      apiKey: { type: 'http', scheme: 'bearer' },
      clientCredentials: { type: 'http', scheme: 'basic' },
      session: { type: 'apiKey', in: 'cookie' },
    })
    expect(document.components.schemas.Problem.required).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'code',
    ])
  })
})

describe('the response checker', () => {
  const exchange = (method: string, path: string, response: Response) => ({
    origin: 'http://127.0.0.1:1',
    options: {},
    method,
    path,
    response,
  })
  const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
    new Response(
      JSON.stringify({ type: `urn:keyward:error:${code}`, title: 'x', status, detail: 'x', code }),
      {
        status,
        headers: {
          'content-type': 'application/problem+json',
          'cache-control': 'no-store',
          ...headers,
        },
      },
    )

  it('passes a documented answer and refuses each way an answer can be wrong', async () => {
    const check = responseChecker()
    const challenge = { 'www-authenticate': 'Bearer realm="api"' }
    await check(exchange('GET', '/api-keys', problem(401, 'missing_token', challenge)))
    await check(exchange('GET', '/nowhere', problem(404, 'not_found')))
    await expect(
      check(exchange('GET', '/api-keys', problem(401, 'missing_token'))),
    ).rejects.toThrow(/header www-authenticate missing/)
    await expect(check(exchange('GET', '/api-keys', problem(409, 'key_inactive')))).rejects.toThrow(
      /status not documented/,
    )
    await expect(
      check(exchange('GET', '/api-keys', problem(401, 'no_such_code', challenge))),
    ).rejects.toThrow(/does not match its schema/)
    const list = (body: unknown, type = 'application/json') =>
      new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': type, 'cache-control': 'no-store' },
      })
    await check(exchange('GET', '/api-keys', list({ keys: [], nextCursor: null })))
    await expect(
      check(exchange('GET', '/api-keys', list({ keys: [], nextCursor: null, more: 1 }))),
    ).rejects.toThrow(/does not match its schema/)
    await expect(
      check(exchange('GET', '/api-keys', list({ keys: [], nextCursor: null }, 'text/plain'))),
    ).rejects.toThrow(/content type text\/plain not documented/)
    const cached = new Response(JSON.stringify({ keys: [], nextCursor: null }), {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'max-age=60' },
    })
    await expect(check(exchange('GET', '/api-keys', cached))).rejects.toThrow(/cache-control/)
    const allowed = new Response(JSON.stringify({ keys: [], nextCursor: null }), {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', allow: 'GET' },
    })
    await expect(check(exchange('GET', '/api-keys', allowed))).rejects.toThrow(
      /allow is sent but not documented/,
    )
    await expect(
      check(exchange('POST', '/api-keys/token', problem(404, 'not_found'))),
    ).resolves.toBeUndefined()
    await expect(
      check({
        ...exchange('POST', '/api-keys/token', problem(404, 'not_found')),
        options: { accessTokens: {} as never },
      }),
    ).rejects.toThrow(/status not documented for mintAccessToken/)
  })
})

describe('GET /api-keys/openapi.json', () => {
  const opened: ServedApp[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((served) => served.close()))
  })

  const adapters: [string, (options: ManagementApiOptions, mount: string) => Promise<ServedApp>][] =
    [
      [
        'Express',
        (options, mount) => {
          const app = express()
          app.use(mount, apiKeysRouter(keyward, options))
          const server = createServer(app)
          return new Promise((resolve) => {
            server.listen(0, '127.0.0.1', () => {
              const { port } = server.address() as AddressInfo
              resolve({
                url: `http://127.0.0.1:${port}`,
                close: () => new Promise<void>((done) => server.close(() => done())),
              })
            })
          })
        },
      ],
      [
        'Hono',
        (options, mount) =>
          serveFetch(new Hono().route(mount, apiKeyRoutes(keyward, options)).fetch),
      ],
    ]
  const keyward = createKeyward({
    scopes,
    maxLifetime: '90d',
    maxGracePeriod: '1h',
    defaultExpiresIn: '30d',
  })

  it.each(adapters)(
    'is served public by %s, generated from the API’s own configuration',
    async (_, serve) => {
      const served = await serve({ openApi: { mountPath: '/keys', title: 'Acme keys' } }, '/keys')
      opened.push(served)
      const response = await fetch(`${served.url}/keys/openapi.json`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      expect(response.headers.get('cache-control')).toBe('public, max-age=300')
      const document = await response.json()
      expect(document).toEqual(
        openApiDocument({
          mountPath: '/keys',
          title: 'Acme keys',
          scopes: scopes.names,
          limits: keyward.limits,
          accessTokens: false,
          edge: false,
        }),
      )
      await assertValid(document)
      // What the checker of the conformance cases uses is this same document, as far as answers go.
      expect(document.paths).toEqual(documentOfOptions({ openApi: { mountPath: '/keys' } }).paths)
      await responseChecker()({
        origin: served.url,
        options: { openApi: { mountPath: '/keys' } },
        method: 'GET',
        path: '/keys/openapi.json',
        response: await fetch(`${served.url}/keys/openapi.json`),
      })
    },
  )

  it.each(adapters)('is not served by %s when turned off', async (_, serve) => {
    const served = await serve({ openApi: false }, '/api-keys')
    opened.push(served)
    const response = await fetch(`${served.url}/api-keys/openapi.json`)
    expect(response.status).toBe(401)
  })
})
