import { type RevocationList, type RevocationSnapshot, UnavailableError } from '@keyward/core'
import {
  assertObject,
  decodeRevocationMessage,
  encodeRevocationMessage,
  fromBackend,
  type MirrorFreshness,
  type MirrorReading,
  type RevocationChange,
  type RevocationEvent,
  RevocationMirror,
  type RevocationMirrorOptions,
  type RevocationState,
  type RevocationSubject,
  revocationChange,
  revocationEventOf,
} from '@keyward/core/adapter'
import {
  assertPool,
  bigintValue,
  channelOf,
  identifier,
  type PgPool,
  type PgPoolClient,
  schemaOption,
} from './lib/client.js'
import { revocationSql, type Statement } from './lib/revocation-sql.js'

/** Options of {@link PostgresRevocationList}. Invalid values throw `TypeError('<option> must be …')`. */
export interface PostgresRevocationListOptions extends RevocationMirrorOptions {
  /**
   * The schema holding the revocation tables, as given to `migrate`; changes are announced on
   * the channel `keyward:<schema>`. 1–48 characters of `a-z 0-9 _`. Default `'public'`.
   */
  schema?: string
  /**
   * Receives failures that reach no caller: a reload that failed for another reason than an
   * unreachable database (it is retried), a notification that could not be read (it triggers
   * a reload), a subscriber that threw. Lost connections are not reported: they show in
   * freshness. Default: `console.error`.
   */
  onError?: (error: unknown) => void
}

/** A failure to obtain a connection: shows in freshness, not worth an `onError` each retry. */
class ConnectError extends Error {}

/**
 * A {@link RevocationList} shared through PostgreSQL, for several processes.
 *
 * Durable state lives in four tables that `migrate` creates: `keyward_revoked_keys` (ids with
 * their key's expiry, pruned as revocations are written), `keyward_suspensions` (a row per
 * suspended or resumed key, pruned once the key has expired; a resumed row at the next
 * write), `keyward_owner_epochs` and `keyward_global_epoch`. Each write is one statement that
 * changes the state and announces it with `pg_notify` on `keyward:<schema>`, so the
 * notification is sent exactly when the change commits; the writing instance updates its own
 * mirror at once too. Suspensions travel the same way as revocations, with the same
 * staleness, and since a resume lifts one, every instance applies them in commit order.
 *
 * Each instance keeps a mirror in memory (core's `RevocationMirror`), so `isRevoked` never
 * waits on the database. A dedicated connection taken from the pool runs `LISTEN`; the mirror
 * is loaded on it right after (`ready()`), kept current from notifications, and reloaded
 * completely after any loss of that connection (notifications sent meanwhile are gone);
 * subscribers then get `{ type: 'reset' }` so caches drop everything.
 *
 * Staleness is judged from the last confirmed contact ({@link PostgresRevocationList.lastContact}):
 * a heartbeat `SELECT 1` on the listening connection, answered after every notification the
 * server queued for it before, or a complete reload. Past `maxStaleness` `isRevoked` throws
 * `UnavailableError` unless `onStale: 'allow'`.
 *
 * `time()` reads the database's clock, which every instance shares.
 *
 * Takes the application's `pg` `Pool` and holds one of its connections for as long as it is
 * open (give the pool `max` ≥ 2); `close()` gives that one back, destroyed, and leaves the
 * pool open. A lost or silent listening connection is replaced after 50 ms doubling to at
 * most 400 ms (jittered) per attempt; give the pool a `connectionTimeoutMillis` so that an
 * attempt against a server that accepts but never answers gives up too.
 */
export class PostgresRevocationList implements RevocationList {
  /** The schema of the revocation tables. */
  readonly schema: string
  /** The `LISTEN`/`NOTIFY` channel of this schema. */
  readonly channel: string
  readonly #pool: PgPool
  readonly #origin = crypto.randomUUID()
  /** This list's suspension writes in flight, by the origin they announce under: heard back yet? */
  readonly #inFlight = new Map<string, boolean>()
  #writes = 0
  readonly #mirror: RevocationMirror
  readonly #sql: Record<Statement, string>
  #listener: PgPoolClient | undefined
  #connecting: Promise<PgPoolClient> | undefined
  #loading: Promise<void> | undefined
  #closed = false
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  #retries = 0

  constructor(pool: PgPool, options: PostgresRevocationListOptions = {}) {
    assertPool(pool)
    assertObject(options)
    this.schema = schemaOption(options.schema)
    this.channel = channelOf(this.schema)
    this.#mirror = new RevocationMirror(options, 'PostgreSQL')
    this.#pool = pool
    this.#sql = revocationSql(this.schema)
    this.#mirror.startHeartbeat(
      () => this.#ping(),
      () => this.#drop(),
    )
  }

  /**
   * Whether the mirror is current as far as this process can tell: the listening connection
   * is up and everything was reloaded since it connected. `isRevoked` does not rely on it; it
   * judges from {@link PostgresRevocationList.lastContact}.
   */
  get fresh(): boolean {
    return this.#mirror.fresh
  }

  /**
   * Epoch ms (on the `now` clock) of the last confirmed contact with PostgreSQL: the mirror is
   * known to hold every revocation committed up to then. `undefined` before the first load.
   * Confirmed, as of a reading taken before asking, by an answered heartbeat on the listening
   * connection (the server sends it every notification queued before the answer) and by a
   * complete reload on that connection. A notification confirms nothing.
   */
  get lastContact(): number | undefined {
    return this.#mirror.lastContact
  }

  /**
   * Where the mirror stands at `at` (default: now): loaded, fresh, its age since the last
   * confirmed contact, `maxStaleness`, and whether `isRevoked` answers or fails closed. What
   * core's `readiness(keyward)` reports; it contacts nothing.
   */
  freshness(at?: number): MirrorFreshness {
    return this.#mirror.freshness(at)
  }

  async revoke(id: string, expiresAt: number): Promise<void> {
    const change = revocationChange.revoked(id, expiresAt)
    await this.#write('revoke', [id, expiresAt, Math.floor(this.#mirror.now())], change)
  }

  async revokeOwner(ownerId: string, at: number): Promise<void> {
    const change = revocationChange.revokedOwner(ownerId, at)
    await this.#write('revokeOwner', [ownerId, at], change)
  }

  async revokeAll(at: number): Promise<void> {
    await this.#write('revokeAll', [at], revocationChange.revokedAll(at))
  }

  /**
   * Suspends key `id` on every instance until {@link PostgresRevocationList.resume}; kept in
   * `keyward_suspensions` until the key expires. Announced first by a bare notification, like
   * a revocation, so other instances refuse at once.
   */
  async suspend(id: string, expiresAt: number): Promise<void> {
    const change = revocationChange.suspended(id, expiresAt)
    const message = encodeRevocationMessage(this.#origin, change)
    await this.#query('notify', [this.channel, message]).catch(() => {})
    await this.#writeInOrder('suspend', [id, expiresAt, Math.floor(this.#mirror.now())], change)
  }

  /**
   * Lifts a suspension of key `id` on every instance; no error when there is none. Announced
   * only as it commits (no bare notification first: a resume that then failed to commit
   * would admit a suspended key elsewhere until the next reload).
   */
  async resume(id: string): Promise<void> {
    const change = revocationChange.resumed(id)
    await this.#writeInOrder('resume', [id, Math.floor(this.#mirror.now())], change)
  }

  /**
   * Whether key `id` is suspended, from the mirror, synchronously; fails closed exactly as
   * {@link PostgresRevocationList.isRevoked} does.
   *
   * @param at The caller's reading of this list's `now` clock, epoch ms. Default: `now()`.
   */
  isSuspended(id: string, at?: number): boolean {
    return this.#mirror.isSuspended(id, at)
  }

  /**
   * The whole state of the mirror, copied: what an origin serves to edge instances. Fails
   * closed exactly as {@link PostgresRevocationList.isRevoked} does.
   */
  snapshot(at?: number): RevocationSnapshot {
    return this.#mirror.snapshot(at)
  }

  async publishUpdate(id: string): Promise<void> {
    const change = revocationChange.updated(id)
    await this.#query('notify', [this.channel, encodeRevocationMessage(this.#origin, change)])
    this.#mirror.emit(revocationEventOf(change))
  }

  /**
   * Answers from the mirror, synchronously. Throws `UnavailableError` before the first load,
   * and when `at` is more than `maxStaleness` ms after {@link PostgresRevocationList.lastContact}
   * (unless `onStale: 'allow'`).
   *
   * @param at The caller's reading of this list's `now` clock, epoch ms. Default: `now()`.
   */
  isRevoked(subject: RevocationSubject, at?: number): boolean {
    return this.#mirror.isRevoked(subject, at)
  }

  /**
   * Reads the database's clock (`clock_timestamp()`), which every instance shares, as integer
   * epoch ms. Keyward takes keys' `createdAt` and revoke-all epochs from it. Rejects with the
   * database's error when it cannot be reached.
   */
  async time(): Promise<number> {
    const { rows } = await this.#query('time', [])
    const now = bigintValue(rows[0]?.now)
    if (typeof now !== 'number') throw new Error('PostgreSQL answered something that is not a time')
    return now
  }

  subscribe(listener: (event: RevocationEvent) => void): () => void {
    return this.#mirror.subscribe(listener)
  }

  /**
   * Resolves once the listening connection runs `LISTEN` and the mirror is loaded. Rejects with
   * an `UnavailableError` when PostgreSQL cannot be reached, the tables are missing (run
   * `migrate`) or hold corrupt data.
   */
  async ready(): Promise<void> {
    if (this.#closed) throw new UnavailableError('The revocation list is closed.')
    if (this.#mirror.fresh) return
    await fromBackend(
      () => this.#reload(),
      'The revocation list could not be loaded from PostgreSQL.',
    )
  }

  /** Stops the heartbeat and gives the listening connection back to the pool, destroyed. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#mirror.close()
    clearTimeout(this.#retryTimer)
    this.#release()
  }

  async #write(
    statement: 'revoke' | 'revokeOwner' | 'revokeAll',
    values: unknown[],
    change: RevocationChange,
  ): Promise<void> {
    const message = encodeRevocationMessage(this.#origin, change)
    // Every other instance refuses at once: a bare notification (nothing to make durable)
    // goes out first, then the durable write, which announces the change again as it
    // commits, so a reload in between cannot lose it. Heard early, a change that then fails
    // to commit only revokes more, until the next reload; the caller sees the failure and
    // retries. One after the other, not side by side: PostgreSQL serialises every commit that
    // notifies behind one lock held through the commit's WAL flush, so a durable write that
    // reached its commit first would hold the bare notification back until its flush ended.
    await this.#query('notify', [this.channel, message]).catch(() => {})
    await this.#query(statement, [...values, this.channel, message])
    this.#mirror.apply(change)
  }

  /**
   * A suspension or resume: unlike revocations, which only ever add up, these must be applied
   * in commit order, or two instances suspending and resuming the same key at once could
   * leave a mirror on the loser's state. The durable write announces under an origin of its
   * own, which this list applies when the notification arrives, in commit order; the write
   * applies its change itself only when that notification has not arrived yet (then nothing
   * committed after it has arrived either).
   */
  async #writeInOrder(
    statement: 'suspend' | 'resume',
    values: unknown[],
    change: RevocationChange,
  ): Promise<void> {
    const origin = `${this.#origin}:${++this.#writes}`
    this.#inFlight.set(origin, false)
    let heard: boolean | undefined
    try {
      await this.#query(statement, [
        ...values,
        this.channel,
        encodeRevocationMessage(origin, change),
      ])
    } finally {
      heard = this.#inFlight.get(origin)
      this.#inFlight.delete(origin)
    }
    if (!heard) this.#mirror.apply(change)
  }

  #query(statement: Statement, values: unknown[]) {
    return this.#pool.query({
      name: `kw:${this.schema}:${statement}`,
      text: this.#sql[statement],
      values,
    })
  }

  #ping(): Promise<unknown> {
    const listener = this.#listener
    if (listener === undefined) return Promise.reject(new Error('not listening'))
    return listener.query({ text: 'SELECT 1' })
  }

  /** The listening connection is gone or silent: destroy it, and connect again soon. */
  #drop(): void {
    this.#mirror.lost()
    this.#release()
    this.#scheduleReload()
  }

  #release(): void {
    const listener = this.#listener
    this.#listener = undefined
    if (listener === undefined) return
    try {
      listener.release(true)
    } catch {
      // Already released by the pool after its own error.
    }
  }

  #scheduleReload(): void {
    if (this.#closed || this.#retryTimer !== undefined) return
    // Short, capped and jittered: the mirror is back within moments of the database.
    const delay = RevocationMirror.reconnectDelay(++this.#retries)
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined
      this.#reloadInBackground()
    }, delay)
    ;(this.#retryTimer as { unref?: () => void }).unref?.()
  }

  #reloadInBackground(): void {
    this.#reload().then(
      () => {
        if (this.#mirror.fresh) this.#retries = 0
      },
      (error) => {
        if (this.#closed) return
        if (!(error instanceof ConnectError)) this.#mirror.onError(error)
        this.#scheduleReload()
      },
    )
  }

  /** Joins the reload in flight, or starts one. */
  #reload(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined
    })
    return this.#loading
  }

  /**
   * Listens, then reads the whole state in one statement on the listening connection and
   * replaces the mirror with it (plus whatever arrived meanwhile). Loops when something was
   * missed during the read; stops when the connection was lost (a reconnect is scheduled).
   */
  async #load(): Promise<void> {
    const wasLoaded = this.#mirror.loaded
    for (;;) {
      const generation = this.#mirror.generation
      await this.#mirror.load(async () => this.#snapshot(await this.#listen()))
      if (this.#closed || this.#listener === undefined) break
      if (generation === this.#mirror.generation) {
        this.#mirror.markFresh()
        break
      }
    }
    if (wasLoaded) this.#mirror.emit({ type: 'reset' })
  }

  /** The listening connection, connecting and running `LISTEN` when there is none. */
  #listen(): Promise<PgPoolClient> {
    if (this.#listener !== undefined) return Promise.resolve(this.#listener)
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined
    })
    return this.#connecting
  }

  async #connect(): Promise<PgPoolClient> {
    let client: PgPoolClient
    try {
      client = await this.#pool.connect()
    } catch (error) {
      throw new ConnectError(`could not connect to PostgreSQL: ${String(error)}`, { cause: error })
    }
    const lost = () => {
      if (this.#listener === client) this.#drop()
    }
    client.on('error', lost)
    client.on('end', lost)
    client.on('notification', (message: { channel: string; payload?: string }) => {
      if (this.#listener === client && message.channel === this.channel)
        this.#received(message.payload ?? '')
    })
    try {
      await client.query({ text: `LISTEN ${identifier(this.channel)}` })
    } catch (error) {
      client.release(true)
      throw new ConnectError(`could not LISTEN on PostgreSQL: ${String(error)}`, { cause: error })
    }
    if (this.#closed) {
      client.release(true)
      throw new UnavailableError('The revocation list is closed.')
    }
    this.#listener = client
    return client
  }

  #received(payload: string): void {
    if (this.#closed) return
    const message = decodeRevocationMessage(payload)
    if (message === undefined) {
      // Something we cannot read may have been a revocation: reload rather than guess.
      this.#mirror.onError(
        new Error(`unreadable notification on ${this.channel}; reloading revocations`),
      )
      this.#mirror.lost()
      this.#reloadInBackground()
      return
    }
    if (message.origin === this.#origin) return
    if (this.#inFlight.has(message.origin)) this.#inFlight.set(message.origin, true)
    this.#mirror.apply(message.change)
  }

  /** Reads the whole state on `client`; `sent` is the clock reading taken before asking. */
  async #snapshot(client: PgPoolClient): Promise<{ state: RevocationState; sent: MirrorReading }> {
    const sent = this.#mirror.reading()
    const { rows } = await client.query({
      name: `kw:${this.schema}:snapshot`,
      text: this.#sql.snapshot,
      values: [Math.floor(sent.at)],
    })
    const revoked: Array<[string, number]> = []
    const suspended: Array<[string, number]> = []
    const ownerEpochs: Array<[string, number]> = []
    let globalEpoch: number | undefined
    for (const row of rows) {
      const at = bigintValue(row.at)
      if (typeof at !== 'number' || (row.kind !== 'g' && typeof row.subject !== 'string')) {
        throw new TypeError(
          `revocation state in schema ${this.schema} is corrupt: ${JSON.stringify(row).slice(0, 80)}`,
        )
      }
      if (row.kind === 'r') revoked.push([row.subject as string, at])
      else if (row.kind === 's') suspended.push([row.subject as string, at])
      else if (row.kind === 'o') ownerEpochs.push([row.subject as string, at])
      else globalEpoch = at
    }
    return { state: { revoked, ownerEpochs, globalEpoch, suspended }, sent }
  }
}
