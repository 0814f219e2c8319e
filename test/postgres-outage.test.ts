import {
  createKeyward,
  isKeywardError,
  type Keyward,
  UnavailableError,
  type VerifiedKey,
} from '@keyward/core'
import type { RevocationEvent } from '@keyward/core/adapter'
import { migrate, PostgresRevocationList, PostgresTokenStore } from '@keyward/postgres'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type PostgresServer, startPostgresServer } from './support/postgres-server.js'
import { sleep, waitFor } from './support/processes.js'
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js'

// Real outages need real time: staleness is measured from the last real contact with
// PostgreSQL (an answered heartbeat or a reload). The window is short and every wait bounded.
const MAX_STALENESS = 1_500
const HEARTBEAT = 250
const SERVER_PORT = 6432
const PROXY_PORT = 6433

let server: PostgresServer
let proxy: TcpProxy
const schema = 'keyward_outage'

interface Instance {
  keyward: Keyward
  revocations: PostgresRevocationList
  /** Every event the instance's revocation list delivered, in order. */
  events: RevocationEvent[]
}
const open = new Set<{ keyward: Keyward; pool: pg.Pool }>()

/** A Keyward instance with its own pool on `port` (the server's, or the proxy's). */
async function instance(port: number): Promise<Instance> {
  const pool = new pg.Pool({
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
    max: 4,
    connectionTimeoutMillis: 1_000,
  })
  // Connection errors are the point of these tests; they show in what verify answers.
  pool.on('error', () => {})
  const revocations = new PostgresRevocationList(pool, {
    schema,
    maxStaleness: MAX_STALENESS,
    heartbeatInterval: HEARTBEAT,
    onError: () => {},
  })
  const keyward = createKeyward({
    prefix: 'kw_test',
    store: new PostgresTokenStore(pool, { schema }),
    revocations,
    onError: () => {},
  })
  open.add({ keyward, pool })
  const events: RevocationEvent[] = []
  revocations.subscribe((event) => events.push(event))
  await keyward.ready()
  return { keyward, revocations, events }
}

/** What `verify` answered: the key, or the error code. */
async function outcome(keyward: Keyward, token: string): Promise<VerifiedKey | string> {
  try {
    return await keyward.verify(token)
  } catch (error) {
    return isKeywardError(error) ? error.code : String(error)
  }
}

const createKey = (keyward: Keyward) =>
  keyward.keys.create({ name: 'outage key', ownerId: 'org_outage', scopes: [], expiresIn: '1d' })

/**
 * Verifies `tokens` on `keyward` every few ms until stopped; resolves to every token that
 * verified although it had been revoked before the watch began.
 */
function watchRevoked(keyward: Keyward, tokens: string[]) {
  let running = true
  const accepted: string[] = []
  const done = (async () => {
    while (running) {
      for (const token of tokens) {
        if (typeof (await outcome(keyward, token)) === 'object') accepted.push(token)
      }
      await sleep(5)
    }
  })()
  return {
    async stop() {
      running = false
      await done
      return accepted
    },
  }
}

beforeAll(async () => {
  server = await startPostgresServer(SERVER_PORT)
  const pool = new pg.Pool({ connectionString: server.url, max: 1 })
  await migrate(pool, { schema })
  await pool.end()
  proxy = await startTcpProxy(PROXY_PORT, SERVER_PORT)
}, 60_000)

afterEach(async () => {
  for (const { keyward, pool } of open) {
    await keyward.close()
    await pool.end().catch(() => {})
  }
  open.clear()
  await proxy?.restore()
  if (server && server.pid === undefined) await server.restart()
})

afterAll(async () => {
  await proxy?.close()
  await server?.dispose()
})

describe('Keyward on PostgreSQL through an outage', () => {
  it('keeps verifying cached keys until maxStaleness, then 503; recovers after the restart and applies a later revocation; never accepts a revoked key', async () => {
    const a = await instance(SERVER_PORT)
    const b = await instance(SERVER_PORT)
    const { token, key } = await createKey(a.keyward)
    const { token: neverSeen } = await createKey(a.keyward)
    const { token: dead, key: deadKey } = await createKey(a.keyward)
    await b.keyward.verify(token)
    await a.keyward.keys.revoke(deadKey.id)
    await waitFor(
      'B to see the revocation',
      async () => (await outcome(b.keyward, dead)) === 'revoked_token',
    )
    const watch = watchRevoked(b.keyward, [dead])

    await server.stop()
    const lastContact = b.revocations.lastContact
    expect(lastContact).toBeTypeOf('number')
    // The mirror is fresh enough and the key cached: no database needed.
    expect(await outcome(b.keyward, token)).toMatchObject({ id: key.id })
    // Nothing cached and the store unreachable: unavailable, never unknown.
    expect(await outcome(b.keyward, neverSeen)).toBe('unavailable')

    let failedAt = 0
    const error = await waitFor(
      'the stale mirror to fail closed',
      async () => {
        try {
          await b.keyward.verify(token)
          await sleep(25)
          return undefined
        } catch (caught) {
          failedAt = Date.now()
          return caught
        }
      },
      { timeoutMs: MAX_STALENESS + 3_000, intervalMs: 0 },
    )
    expect(error).toBeInstanceOf(UnavailableError)
    expect(error).toMatchObject({ code: 'unavailable', status: 503 })
    expect(failedAt - lastContact!).toBeGreaterThan(MAX_STALENESS)

    await server.restart()
    // Nobody touches B: it reconnects, reloads and verifies again.
    await waitFor(
      'B to verify again',
      async () => typeof (await outcome(b.keyward, token)) === 'object',
      {
        timeoutMs: 10_000,
      },
    )
    expect(b.events).toContainEqual({ type: 'reset' })
    await waitFor('A to reconnect', () => a.revocations.fresh, { timeoutMs: 10_000 })
    expect(await a.keyward.keys.revoke(key.id)).toBe(true)
    await waitFor(
      'B to reject the key',
      async () => (await outcome(b.keyward, token)) === 'revoked_token',
      {
        timeoutMs: 3_000,
        intervalMs: 5,
      },
    )
    expect(await watch.stop()).toStrictEqual([])
  })

  it('rejects a key revoked while it was cut off, once it reconnects and reloads', async () => {
    const a = await instance(SERVER_PORT)
    const b = await instance(PROXY_PORT)
    const { token, key } = await createKey(a.keyward)
    const { token: dead, key: deadKey } = await createKey(a.keyward)
    await b.keyward.verify(token)
    await a.keyward.keys.revoke(deadKey.id)
    await waitFor(
      'B to see the revocation',
      async () => (await outcome(b.keyward, dead)) === 'revoked_token',
    )
    const watch = watchRevoked(b.keyward, [dead])

    await proxy.cut()
    await waitFor('B to notice the partition', () => !b.revocations.fresh, { timeoutMs: 3_000 })
    expect(await a.keyward.keys.revoke(key.id)).toBe(true)
    expect(await outcome(a.keyward, token)).toBe('revoked_token')

    await proxy.restore()
    await waitFor(
      'B to reject the key',
      async () => (await outcome(b.keyward, token)) === 'revoked_token',
      {
        timeoutMs: 5_000,
        intervalMs: 10,
      },
    )
    // It learnt from the full reload after reconnecting, not from the lost notification.
    expect(b.events).toContainEqual({ type: 'reset' })
    expect(b.events).not.toContainEqual({ type: 'revoked', id: key.id })
    expect(await watch.stop()).toStrictEqual([])
  })
})
