/**
 * Child process for case 9: an Express app with `apiKeyAuth` over RedisTokenStore,
 * RedisRevocationList and a RedisLimiter in the mode given, on 127.0.0.1, port 0. Sends
 * `{ type: 'ready', port }`, then answers `create-key` `{ limited }` → `{ type: 'key', token }`:
 * a key with a rate limit it never reaches (1e9 a minute), or one without limits; and
 * `answered` → `{ type: 'answered', count }`: the requests the route has answered so far.
 * argv: <redis url> <namespace> <exact|approximate>
 */
import type { AddressInfo } from 'node:net'
import { createKeyward } from '@keyward/core'
import { apiKeyAuth } from '@keyward/express'
import { RedisLimiter, RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import express from 'express'
import { Redis } from 'ioredis'
import { childLifecycle, onParentMessage, toParent } from '../child.js'

childLifecycle()

const [url = '', namespace = '', mode = 'exact'] = process.argv.slice(2)
const redis = new Redis(url)
const keyward = createKeyward({
  prefix: 'kw_live',
  store: new RedisTokenStore(redis, { namespace }),
  revocations: new RedisRevocationList(redis, { namespace }),
  limiter: new RedisLimiter(redis, { namespace, mode: mode as 'exact' | 'approximate' }),
})
await keyward.ready()

let answered = 0
const app = express()
app.use(apiKeyAuth(keyward))
app.get('/v1/projects', (_req, res) => {
  answered++
  res.json({ projects: [{ id: 'prj_1', name: 'Demo' }] })
})
const server = app.listen(0, '127.0.0.1', () => {
  toParent({ type: 'ready', port: (server.address() as AddressInfo).port })
})

onParentMessage(async (message) => {
  if (message.type === 'answered') {
    toParent({ type: 'answered', count: answered })
    return
  }
  if (message.type !== 'create-key') return
  const { token } = await keyward.keys.create({
    name: 'bench',
    ownerId: 'org_bench',
    scopes: ['projects:read'],
    expiresIn: '1h',
    ...(message.limited ? { rateLimits: [{ name: 'default', limit: 1e9, window: '1m' }] } : {}),
  })
  toParent({ type: 'key', token })
})
