/**
 * Child process for case 8: process B, a Keyward instance over PostgresTokenStore and
 * PostgresRevocationList (its own pool). Sends `{ type: 'ready' }`, then answers:
 * - `arm` `{ token, id, until }` → `{ type: 'armed' }` once it has verified `token`; then, on
 *   every turn of the event loop, checks `token` as a request would and sends
 *   `{ type: 'rejected', at, code }` once `until` happened: `'refused'`, the check failed (code:
 *   the error's); `'message'`, a notification naming `id` arrived on the channel
 *   `<schema>_bench_raw` (the baseline; code `'message'`). Every kind pays the same loop.
 * Times are `performance.timeOrigin + performance.now()`: one machine clock for every process.
 * argv: <database url> <schema>
 */
import { createKeyward } from '@keyward/core'
import { PostgresRevocationList, PostgresTokenStore } from '@keyward/postgres'
import pg from 'pg'
import { childLifecycle, onParentMessage, toParent } from '../child.js'
import { names, watch } from './watch.js'

childLifecycle()

const [url = '', schema = ''] = process.argv.slice(2)

const pool = new pg.Pool({ connectionString: url, max: 4 })
const keyward = createKeyward({
  prefix: 'kw_live',
  store: new PostgresTokenStore(pool, { schema }),
  revocations: new PostgresRevocationList(pool, { schema }),
})
await keyward.ready()

// The baseline listens on a connection of its own from the same pool, as the list's does, and
// reads the id from the payload as any consumer of a bare notification must.
const raw = await pool.connect()
let armedId: string | undefined
let rawArrived = false
raw.on('notification', (message: pg.Notification) => {
  if (names(message.payload, armedId)) rawArrived = true
})
await raw.query(`LISTEN "${schema}_bench_raw"`)
toParent({ type: 'ready' })

onParentMessage(async (message) => {
  if (message.type !== 'arm') return
  const token = String(message.token)
  await keyward.verify(token)
  armedId = String(message.id)
  rawArrived = false
  watch(() => keyward.check(token), message.until === 'message' ? () => rawArrived : undefined)
  toParent({ type: 'armed' })
})
