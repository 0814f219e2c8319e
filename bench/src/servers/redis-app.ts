/**
 * Child process for cases 4 and 5: an Express app with `apiKeyAuth` over RedisTokenStore and
 * RedisRevocationList, on 127.0.0.1, port 0. Sends `{ type: 'ready', port }`, then answers:
 * - `create-key` → `{ type: 'key', id, token }`
 * - `touches` → `{ type: 'touches', count }`: `store.touch` calls so far (background writes)
 * - `touch` `{ id }` → `{ type: 'touched' }` after one direct `store.touch` (to count its commands)
 * - `arm` `{ token, id, until }` → `{ type: 'armed' }` once it has verified `token`; then, on
 *   every turn of the event loop, checks `token` as a request would and sends
 *   `{ type: 'rejected', at, code }` once `until` happened: `'refused'`, the check failed (code:
 *   the error's); `'message'`, a plain pub/sub message naming `id` arrived on
 *   `<namespace>:bench-raw` (the baseline; code `'message'`). Every kind pays the same loop.
 * Times are `performance.timeOrigin + performance.now()`: one machine clock for every process.
 * argv: <redis url> <namespace> <cache max>
 */
import type { AddressInfo } from 'node:net'
import { createKeyward } from '@keyward/core'
import { apiKeyAuth } from '@keyward/express'
import { RedisRevocationList, RedisTokenStore } from '@keyward/redis'
import express from 'express'
import { Redis } from 'ioredis'
import { childLifecycle, onParentMessage, toParent } from '../child.js'
import { countTouches } from '../touch-counter.js'
import { names, watch } from './watch.js'

childLifecycle()

const [url = '', namespace = '', cacheMax = '10000'] = process.argv.slice(2)

const redis = new Redis(url)
const store = new RedisTokenStore(redis, { namespace })
const revocations = new RedisRevocationList(redis, { namespace })
// The parent's own `touch` requests go to the store uncounted.
const touch = store.touch.bind(store)
const touches = countTouches(store)
const keyward = createKeyward({
  prefix: 'kw_live',
  store,
  revocations,
  cache: { max: Number(cacheMax) },
})
await keyward.ready()

// The baseline subscribes on a connection of its own, as the list's subscriber does, and reads
// the id from the payload as any consumer of a bare message must.
const raw = redis.duplicate()
let armedId: string | undefined
let rawArrived = false
await raw.subscribe(`${namespace}:bench-raw`)
raw.on('message', (_channel: string, payload: string) => {
  if (names(payload, armedId)) rawArrived = true
})

const app = express()
app.use(apiKeyAuth(keyward))
app.get('/v1/projects', (_req, res) => {
  res.json({ projects: [{ id: 'prj_1', name: 'Demo' }] })
})
const server = app.listen(0, '127.0.0.1', () => {
  toParent({ type: 'ready', port: (server.address() as AddressInfo).port })
})

onParentMessage(async (message) => {
  switch (message.type) {
    case 'create-key': {
      const { token, key } = await keyward.keys.create({
        name: 'bench',
        ownerId: 'org_bench',
        scopes: ['projects:read'],
        expiresIn: '1h',
      })
      toParent({ type: 'key', id: key.id, token })
      break
    }
    case 'touches':
      toParent({ type: 'touches', count: touches() })
      break
    case 'touch':
      await touch(String(message.id), Date.now())
      toParent({ type: 'touched' })
      break
    case 'arm': {
      const token = String(message.token)
      await keyward.verify(token)
      armedId = String(message.id)
      rawArrived = false
      watch(() => keyward.check(token), message.until === 'message' ? () => rawArrived : undefined)
      toParent({ type: 'armed' })
      break
    }
  }
})
