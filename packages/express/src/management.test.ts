import type { AddressInfo } from 'node:net'
import { createKeyward, defineScopes } from '@keyward/core'
import { managementConformance, type ServedApp } from '@keyward/core/testing'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { responseChecker } from '../../../test/support/openapi-check.js'
import { apiKeyAuth } from './api-key-auth.js'
import { apiKeysRouter } from './management.js'

/** Listens on 127.0.0.1, port 0; resolves once it accepts connections. */
function listen(app: express.Express): Promise<ServedApp> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error?: Error) => {
      if (error) return reject(error)
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      })
    })
    server.on('error', reject)
  })
}

managementConformance({
  name: 'Express',
  // Every answer of the cases must be one the OpenAPI document the app serves describes.
  checkResponse: responseChecker(),
  serve(keyward, options, { authenticateFirst }) {
    const app = express()
    if (authenticateFirst) app.use(apiKeyAuth(keyward))
    app.use('/api-keys', apiKeysRouter(keyward, options))
    return listen(app)
  },
  serveWithPrincipal(keyward, resolve) {
    const app = express()
    app.use('/api-keys', apiKeysRouter(keyward, { principal: (req) => resolve(req.get('cookie')) }))
    return listen(app)
  },
})

describe('apiKeysRouter in an app that parses JSON itself', () => {
  const opened: ServedApp[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((served) => served.close()))
  })

  it('uses the body an app-wide express.json() already parsed', async () => {
    const scopes = defineScopes({
      'api_keys:manage': 'Manage API keys',
      'projects:read': 'Read projects',
    })
    const keyward = createKeyward({ scopes })
    const app = express()
    app.use(express.json())
    app.use('/api-keys', apiKeysRouter(keyward))
    const served = await listen(app)
    opened.push(served)
    const admin = await keyward.keys.create({
      name: 'admin',
      ownerId: 'o',
      scopes: ['*'],
      expiresIn: '1d',
    })
    const response = await fetch(`${served.url}/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'parsed upstream', scopes: ['projects:read'], expiresIn: '1d' }),
    })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ key: { name: 'parsed upstream', ownerId: 'o' } })
  })

  it('hands what the principal resolver throws, and a malformed principal, to next(err)', async () => {
    const keyward = createKeyward({ scopes: defineScopes({ 'api_keys:manage': 'Manage' }) })
    const seen: unknown[] = []
    const app = express()
    app.use(
      '/api-keys',
      apiKeysRouter(keyward, {
        principal: (req) => {
          if (req.get('x-case') === 'throws') throw new Error('session store down')
          return { ownerId: '', scopes: [], actor: 'person:x' }
        },
      }),
    )
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: unknown) => {
      seen.push(error)
      res.status(500).end()
    })
    const served = await listen(app)
    opened.push(served)
    for (const header of ['throws', 'malformed']) {
      const response = await fetch(`${served.url}/api-keys`, { headers: { 'x-case': header } })
      expect(response.status).toBe(500)
    }
    expect(seen).toEqual([
      expect.objectContaining({ message: 'session store down' }),
      expect.any(TypeError),
    ])
  })

  it('throws TypeError at once on bad options', () => {
    const keyward = createKeyward({ scopes: defineScopes({ 'projects:read': 'Read projects' }) })
    expect(() => apiKeysRouter(keyward)).toThrow(/^manageScope must be/)
    expect(() =>
      apiKeysRouter(keyward, { manageScope: 'projects:read', principal: 'ada' as never }),
    ).toThrow(/^principal must be a function/)
    expect(apiKeysRouter(keyward, { manageScope: 'projects:read' })).toBeTypeOf('function')
  })
})
