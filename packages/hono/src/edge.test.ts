// @vitest-environment edge-runtime

import {
  ADAPTER_CASES,
  type AdapterFixture,
  adapterCaseInit,
  createAdapterFixture,
  expectAdapterCase,
} from '@keyward/core/testing'
import { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'
import { type ApiKeyVariables, apiKeyAuth, createGuards } from './index.js'

// The shared table's verifier cases inside the edge runtime's globals: Web Crypto hashing, so
// every verification is asynchronous, and no Node API within reach of the middleware.

let fixture: AdapterFixture
let app: Hono<{ Variables: Partial<ApiKeyVariables> }>

beforeAll(async () => {
  // Vitest keeps Node's `process` for itself in this environment; core would reach
  // `node:crypto` through it, so hide it while the instances (and their hashers) are built,
  // which happens before the fixture's first await.
  const host = process as { getBuiltinModule?: unknown }
  const saved = host.getBuiltinModule
  host.getBuiltinModule = undefined
  let pending: Promise<AdapterFixture>
  try {
    pending = createAdapterFixture()
  } finally {
    host.getBuiltinModule = saved
  }
  fixture = await pending
  const { requireScopes } = createGuards(fixture.keyward)
  app = new Hono()
  app.get('/whoami', apiKeyAuth(fixture.keyward), (c) => c.json({ apiKey: c.var.apiKey ?? null }))
  app.get(
    '/projects/edit',
    apiKeyAuth(fixture.keyward),
    requireScopes('projects:read', 'projects:write'),
    (c) => c.json({ apiKey: c.var.apiKey ?? null }),
  )
  app.get('/down', apiKeyAuth(fixture.down), (c) => c.json({ apiKey: c.var.apiKey ?? null }))
})

describe('apiKeyAuth in the edge runtime', () => {
  it('runs where Node is absent', () => {
    expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe('string')
  })

  it('hashes with Web Crypto, so even a cached key is checked asynchronously', async () => {
    const token = fixture.credentials.reader
    await fixture.keyward.verify(token)
    const again = fixture.keyward.check(token)
    expect(typeof (again as Promise<unknown>).then).toBe('function')
    expect((await again).id).toBe(fixture.keyIds.reader)
  })

  const paths = new Set(['/whoami', '/projects/edit', '/down'])
  it.each(ADAPTER_CASES.filter((c) => paths.has(c.path) && c.method === undefined))(
    '$name',
    async (testCase) => {
      const response = await app.request(
        testCase.path,
        adapterCaseInit(testCase, fixture.credentials),
      )
      await expectAdapterCase(testCase, response, fixture)
    },
  )
})
