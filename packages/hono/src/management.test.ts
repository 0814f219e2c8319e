import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { createKeyward, defineScopes } from '@keyward/core'
import { managementConformance, type ServedApp } from '@keyward/core/testing'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { responseChecker } from '../../../test/support/openapi-check.js'
import { apiKeyAuth } from './api-key-auth.js'
import { apiKeyRoutes } from './management.js'

/**
 * Serves a Hono app over real HTTP on 127.0.0.1, port 0, with the least bridge from
 * `node:http` to `app.fetch` (this package does not depend on `@hono/node-server`), handing
 * the app the same `{ incoming }` bindings.
 */
function listen(app: Hono): Promise<ServedApp> {
  const server = createServer(async (req, res) => {
    // From the raw header lines, as @hono/node-server does: a repeated header reaches the
    // app joined, not dropped (Node's `req.headers` keeps only the first Authorization).
    const headers = new Headers()
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
    }
    // The body is streamed, as real servers do: the app sees the headers before the body
    // has arrived (the late-body cases depend on it).
    const hasBody =
      req.method !== 'GET' &&
      req.method !== 'HEAD' &&
      (Number(req.headers['content-length'] ?? 0) > 0 ||
        req.headers['transfer-encoding'] !== undefined)
    const response = await app.fetch(
      new Request(`http://127.0.0.1${req.url}`, {
        method: req.method ?? 'GET',
        headers,
        ...(hasBody
          ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' }
          : {}),
      } as RequestInit),
      // The bindings @hono/node-server passes: the client address is the socket's peer.
      { incoming: req },
    )
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      })
    })
  })
}

managementConformance({
  name: 'Hono',
  // Every answer of the cases must be one the OpenAPI document the app serves describes.
  checkResponse: responseChecker(),
  serve(keyward, options, { authenticateFirst }) {
    const app = new Hono()
    if (authenticateFirst) app.use('*', apiKeyAuth(keyward))
    app.route('/api-keys', apiKeyRoutes(keyward, options))
    return listen(app)
  },
  serveWithPrincipal(keyward, resolve) {
    const app = new Hono()
    app.route(
      '/api-keys',
      apiKeyRoutes(keyward, { principal: (c) => resolve(c.req.header('cookie')) }),
    )
    return listen(app)
  },
})

describe('apiKeyRoutes', () => {
  const scopes = defineScopes({
    'api_keys:manage': 'Manage API keys',
    'projects:read': 'Read projects',
  })

  it('reuses the key an app-wide apiKeyAuth verified', async () => {
    const keyward = createKeyward({ scopes })
    const app = new Hono()
    app.use('*', apiKeyAuth(keyward))
    app.route('/api-keys', apiKeyRoutes(keyward))
    const admin = await keyward.keys.create({
      name: 'admin',
      ownerId: 'o',
      scopes: ['*'],
      expiresIn: '1d',
    })
    const response = await app.request('/api-keys', {
      headers: { authorization: `Bearer ${admin.token}` },
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ keys: [{ id: admin.key.id }] })
  })

  it('answers 413 from a streamed body with no Content-Length', async () => {
    const keyward = createKeyward({ scopes })
    const app = new Hono().route('/api-keys', apiKeyRoutes(keyward, { maxBodyBytes: 64 }))
    const admin = await keyward.keys.create({
      name: 'admin',
      ownerId: 'o',
      scopes: ['*'],
      expiresIn: '1d',
    })
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(40)))
        controller.close()
      },
    })
    const response = await app.request('/api-keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ code: 'request_too_large' })
  })

  it('lets what the principal resolver throws, and a malformed principal, reach onError', async () => {
    const keyward = createKeyward({ scopes })
    const seen: unknown[] = []
    const app = new Hono()
    app.route(
      '/api-keys',
      apiKeyRoutes(keyward, {
        principal: (c) => {
          if (c.req.header('x-case') === 'throws') throw new Error('session store down')
          return { ownerId: 'o', scopes: 'api_keys:manage' as never, actor: 'person:x' }
        },
      }),
    )
    app.onError((error, c) => {
      seen.push(error)
      return c.text('bug', 500)
    })
    for (const header of ['throws', 'malformed']) {
      const response = await app.request('/api-keys', { headers: { 'x-case': header } })
      expect(response.status).toBe(500)
    }
    expect(seen).toEqual([
      expect.objectContaining({ message: 'session store down' }),
      expect.any(TypeError),
    ])
  })

  it('throws TypeError at once on bad options', () => {
    const keyward = createKeyward({ scopes })
    expect(() => apiKeyRoutes(keyward, { maxBodyBytes: -1 })).toThrow(/^maxBodyBytes must be/)
    expect(() => apiKeyRoutes(keyward, { principal: 'ada' as never })).toThrow(
      /^principal must be a function/,
    )
  })
})
