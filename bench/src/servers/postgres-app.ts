/**
 * Child process for case 8: process B, a Keyward instance over PostgresTokenStore and
 * PostgresRevocationList (its own pool). Sends `{ type: 'ready' }`, then answers:
 * - `arm` `{ token }` → `{ type: 'armed' }`; then checks the token on every turn of the event
 *   loop and sends `{ type: 'rejected', at, code }` once it fails
 * - `arm-raw` → `{ type: 'armed' }`; the same loop watching for a bare notification on the
 *   channel `<schema>_bench_raw` (the baseline), sending `{ type: 'rejected', at }` once it arrived
 * Times are `performance.timeOrigin + performance.now()`: one machine clock for every process.
 * argv: <database url> <schema>
 */
import { createKeyward, isKeywardError } from '@keyward/core'
import { PostgresRevocationList, PostgresTokenStore } from '@keyward/postgres'
import pg from 'pg'
import { childLifecycle, onParentMessage, toParent, wallClock } from '../child.js'

childLifecycle()

const [url = '', schema = ''] = process.argv.slice(2)

const pool = new pg.Pool({ connectionString: url, max: 4 })
const keyward = createKeyward({
  prefix: 'kw_live',
  store: new PostgresTokenStore(pool, { schema }),
  revocations: new PostgresRevocationList(pool, { schema }),
})
await keyward.ready()

// The baseline listens on a connection of its own, exactly as the list's does.
const raw = await pool.connect()
let rawArrived = false
raw.on('notification', () => {
  rawArrived = true
})
await raw.query(`LISTEN "${schema}_bench_raw"`)
toParent({ type: 'ready' })

/** Runs `failed` on every turn of the event loop until it returns an error code. */
function watch(failed: () => string | undefined) {
  const turn = () => {
    const code = failed()
    if (code === undefined) setImmediate(turn)
    else toParent({ type: 'rejected', at: wallClock(), code })
  }
  setImmediate(turn)
}

/**
 * Checks `token` on every turn of the event loop, as requests would, until it is refused. A
 * check that needs the store (the revocation event dropped the cached key) is awaited: the
 * refusal counts when that verification answers, as a request's would.
 */
function watchToken(token: string) {
  const refused = (error: unknown) =>
    toParent({
      type: 'rejected',
      at: wallClock(),
      code: isKeywardError(error) ? error.code : 'error',
    })
  const turn = () => {
    let result: ReturnType<typeof keyward.check>
    try {
      result = keyward.check(token)
    } catch (error) {
      refused(error)
      return
    }
    if (result instanceof Promise) result.then(() => setImmediate(turn), refused)
    else setImmediate(turn)
  }
  setImmediate(turn)
}

onParentMessage(async (message) => {
  switch (message.type) {
    case 'arm': {
      const token = String(message.token)
      await keyward.verify(token)
      watchToken(token)
      toParent({ type: 'armed' })
      break
    }
    case 'arm-raw':
      rawArrived = false
      watch(() => (rawArrived ? 'message' : undefined))
      toParent({ type: 'armed' })
      break
  }
})
