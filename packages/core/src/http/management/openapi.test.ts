import { describe, expect, it } from 'vitest'
import { operationObject } from './openapi.js'
import type { RouteOperation } from './operation.js'

// How a route that issues 22 or 31 adds (a query parameter, a header on success) reads in the
// document: one typed field of its operation.
describe('operationObject', () => {
  const paged: RouteOperation = {
    operationId: 'listKeys',
    summary: 'List keys',
    description: 'A page of keys.',
    tag: 'API keys',
    query: [
      {
        name: 'limit',
        description: 'Keys per page.',
        schema: { type: 'integer', minimum: 1, maximum: 100 },
      },
    ],
    success: {
      status: 200,
      description: 'The keys.',
      schema: 'KeyList',
      headers: { Link: { description: 'The next page, rel="next".', required: false } },
    },
  }

  it('documents query parameters (and the 422 they imply) and headers of the success answer', () => {
    const operation = operationObject(paged, 'manager', false) as {
      parameters: unknown[]
      responses: Record<string, { headers: Record<string, unknown> }>
    }
    expect(operation.parameters).toEqual([
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'Keys per page.',
        schema: { type: 'integer', minimum: 1, maximum: 100 },
      },
    ])
    expect(Object.keys(operation.responses)).toEqual([
      '200',
      '400',
      '401',
      '403',
      '422',
      '429',
      '503',
    ])
    expect(operation.responses['200']?.headers.Link).toEqual({
      description: 'The next page, rel="next".',
      required: false,
      schema: { type: 'string' },
    })
  })

  it('documents the id of a keyed route, and no refusal on a public one', () => {
    const keyed = operationObject({ ...paged, query: [] }, 'manager', true) as {
      parameters: { name: string; in: string }[]
      responses: Record<string, unknown>
    }
    expect(keyed.parameters.map(({ name, in: where }) => `${where}:${name}`)).toEqual(['path:id'])
    expect(Object.keys(keyed.responses)).toContain('404')
    const open = operationObject({ ...paged, query: [] }, 'public', false) as {
      responses: Record<string, unknown>
      security: unknown[]
    }
    expect(Object.keys(open.responses)).toEqual(['200'])
    expect(open.security).toEqual([])
  })
})
