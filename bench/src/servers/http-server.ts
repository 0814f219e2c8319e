/**
 * Child process for case 3: one HTTP server variant on 127.0.0.1, port 0. Sends
 * `{ type: 'ready', port, authorization }`: the header every benchmark request carries.
 * argv: <variant>, one of {@link variants}.
 */
import { createSecretKey } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import fastifyBearerAuth from '@fastify/bearer-auth'
import { serve } from '@hono/node-server'
import { createKeyward, generateToken } from '@keyward/core'
import { apiKeyAuth as expressApiKeyAuth } from '@keyward/express'
import { apiKeyAuth as fastifyApiKeyAuth } from '@keyward/fastify'
import { apiKeyAuth as honoApiKeyAuth } from '@keyward/hono'
import express from 'express'
import { expressjwt } from 'express-jwt'
import Fastify, { type FastifyInstance } from 'fastify'
import { Hono } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { jwt } from 'hono/jwt'
import { SignJWT } from 'jose'
import { childLifecycle, toParent } from '../child.js'

childLifecycle()

const SECRET = 'a-shared-hs256-secret-of-32-bytes!'
const body = { projects: [{ id: 'prj_1', name: 'Demo' }] }

/** A bench key in a fresh in-memory keyward, and its token. */
async function keywardAndToken() {
  const keyward = createKeyward({ prefix: 'kw_live' })
  const { token } = await keyward.keys.create({
    name: 'bench',
    ownerId: 'org_bench',
    scopes: ['projects:read'],
    expiresIn: '1d',
  })
  return { keyward, token }
}

/** An HS256 token as express-jwt and hono/jwt expect it. */
function hs256Token(): Promise<string> {
  return new SignJWT({ scope: 'projects:read' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('org_bench')
    .setIssuedAt()
    .setExpirationTime('1d')
    .sign(new TextEncoder().encode(SECRET))
}

type Started = { listen: () => Promise<number>; token: string }

function expressApp(app: express.Express, token: string): Started {
  app.get('/v1/projects', (_req, res) => {
    res.json(body)
  })
  return {
    token,
    listen: () =>
      new Promise((resolve) => {
        const server = app.listen(0, '127.0.0.1', () =>
          resolve((server.address() as AddressInfo).port),
        )
      }),
  }
}

function honoApp(app: Hono, token: string): Started {
  app.get('/v1/projects', (c) => c.json(body))
  return {
    token,
    listen: () =>
      new Promise((resolve) => {
        serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port))
      }),
  }
}

function fastifyApp(app: FastifyInstance, token: string): Started {
  app.get('/v1/projects', async () => body)
  return {
    token,
    listen: async () => {
      await app.listen({ port: 0, host: '127.0.0.1' })
      return (app.server.address() as AddressInfo).port
    },
  }
}

const variants: Record<string, () => Promise<Started>> = {
  async express() {
    return expressApp(express(), generateToken('kw_live'))
  },
  async 'express+apiKeyAuth'() {
    const { keyward, token } = await keywardAndToken()
    const app = express()
    app.use(expressApiKeyAuth(keyward))
    return expressApp(app, token)
  },
  async 'express-jwt'() {
    const app = express()
    app.use(expressjwt({ secret: SECRET, algorithms: ['HS256'] }))
    return expressApp(app, await hs256Token())
  },
  // jsonwebtoken tries createPublicKey() on a string secret on every call; a KeyObject skips that.
  async 'express-jwt (KeyObject secret)'() {
    const app = express()
    app.use(expressjwt({ secret: createSecretKey(Buffer.from(SECRET)), algorithms: ['HS256'] }))
    return expressApp(app, await hs256Token())
  },
  async hono() {
    return honoApp(new Hono(), generateToken('kw_live'))
  },
  // Any middleware moves Hono off its single-handler fast path onto compose(); this shows
  // what that alone costs, whatever the middleware does.
  async 'hono + no-op middleware'() {
    const app = new Hono()
    app.use('/v1/*', async (_c, next) => {
      await next()
    })
    return honoApp(app, generateToken('kw_live'))
  },
  async 'hono+apiKeyAuth'() {
    const { keyward, token } = await keywardAndToken()
    const app = new Hono()
    app.use('/v1/*', honoApiKeyAuth(keyward))
    return honoApp(app, token)
  },
  async 'hono/bearer-auth'() {
    const token = generateToken('kw_live')
    const app = new Hono()
    app.use('/v1/*', bearerAuth({ token }))
    return honoApp(app, token)
  },
  async fastify() {
    return fastifyApp(Fastify(), generateToken('kw_live'))
  },
  async 'fastify+apiKeyAuth'() {
    const { keyward, token } = await keywardAndToken()
    const app = Fastify()
    app.addHook('onRequest', fastifyApiKeyAuth(keyward))
    return fastifyApp(app, token)
  },
  // @fastify/bearer-auth as its README shows it: an onRequest hook comparing static keys.
  async 'fastify/bearer-auth'() {
    const token = generateToken('kw_live')
    const app = Fastify()
    await app.register(fastifyBearerAuth, { keys: new Set([token]) })
    return fastifyApp(app, token)
  },
  async 'hono/jwt'() {
    const app = new Hono()
    app.use('/v1/*', jwt({ secret: SECRET, alg: 'HS256' }))
    return honoApp(app, await hs256Token())
  },
}

const variant = process.argv[2] ?? ''
const make = variants[variant]
if (!make) throw new Error(`unknown server variant ${variant}`)
const started = await make()
const port = await started.listen()
toParent({ type: 'ready', port, authorization: `Bearer ${started.token}` })
