import { UnavailableError } from '../errors.js'
import {
  logError,
  nowOption,
  onErrorOption,
  oneOfOption,
  positiveIntegerOption,
} from '../lib/options.js'
import type { RevocationEvent, RevocationSnapshot, RevocationSubject } from '../types.js'
import { type RevocationChange, revocationEventOf } from './revocation-change.js'

/** The whole revocation state as one consistent read of the backend returned it, already parsed. */
export interface RevocationState {
  /** Revoked key ids with their key's expiry, epoch ms. */
  revoked: Iterable<readonly [id: string, expiresAt: number]>
  /** Owner epochs: every key of the owner created at or before it is revoked, epoch ms. */
  ownerEpochs: Iterable<readonly [ownerId: string, at: number]>
  /** The global epoch, epoch ms, or `undefined` when there is none. */
  globalEpoch?: number | undefined
  /** Suspended key ids with their key's expiry, epoch ms. Default: none. */
  suspended?: Iterable<readonly [id: string, expiresAt: number]> | undefined
}

/** A reading of the mirror's clock taken before contacting the backend, numbered in the order taken. */
export interface MirrorReading {
  readonly at: number
  readonly number: number
}

/** Options of {@link RevocationMirror}: the freshness options every shared list offers its users. */
export interface RevocationMirrorOptions {
  /**
   * How long, in ms, `isRevoked` keeps answering from the mirror after its last confirmed
   * contact with the backend (see {@link RevocationMirror.lastContact}). Past it, `isRevoked`
   * throws an `UnavailableError`, so `verify` answers 503 rather than trusting a mirror that
   * may miss revocations. Counted from the last confirmation, not from when a lost connection
   * is noticed. A positive integer. Default `10_000`.
   */
  maxStaleness?: number
  /**
   * What `isRevoked` does once the mirror is older than `maxStaleness`: `'fail'` throws
   * `UnavailableError` (fail closed); `'allow'` keeps answering from the stale mirror. Before
   * the first load there is no mirror, and `isRevoked` throws either way. Default `'fail'`.
   */
  onStale?: 'fail' | 'allow'
  /**
   * How often, in ms, the heartbeat asks the backend for an answer while the mirror is fresh;
   * each answer confirms contact as of when it was asked, and a question still unanswered at
   * the next beat counts as a lost connection. A positive integer below `maxStaleness`.
   * Default: `5_000`, or half of `maxStaleness` when that is less.
   */
  heartbeatInterval?: number
  /**
   * The clock for staleness and pruning, epoch ms: the one whose readings callers pass to
   * `isRevoked` as `at`. Default `Date.now`.
   */
  now?: () => number
  /** Receives failures that reach no caller (a subscriber that threw). Default: `console.error`. */
  onError?: (error: unknown) => void
}

/**
 * Where a shared list's mirror stands at one moment: what a readiness check reports, and
 * whether `isRevoked` answers or fails closed.
 */
export interface MirrorFreshness {
  /** The backend the mirror copies, e.g. `'Redis'`. */
  readonly backend: string
  /** Whether a snapshot has been loaded at least once. */
  readonly loaded: boolean
  /** Whether the feed is believed complete (connections up, reloaded since the last loss). */
  readonly fresh: boolean
  /** Milliseconds since the last confirmed contact; `undefined` before the first load. */
  readonly age: number | undefined
  /** The list's `maxStaleness`, ms. */
  readonly maxStaleness: number
  /**
   * Whether `isRevoked` answers at this moment. `false` once the mirror is older than
   * `maxStaleness` (unless `onStale: 'allow'`), and before the first load: every
   * verification then fails closed with 503 `unavailable`.
   */
  readonly answers: boolean
}

/** First and longest wait before a shared list connects its feed again, ms. */
const RECONNECT_FIRST_MS = 50
const RECONNECT_CAP_MS = 400

/** Below this many entries a pruning pass is not worth its cost. */
const MIN_PRUNE_SIZE = 1_024

/**
 * The revocation state itself. Every revocation only ever revokes more (epochs take the
 * maximum), so those changes may be applied in any order and on top of a snapshot without
 * losing anything. Suspensions are the exception: a resume lifts one, so they are applied in
 * the order the feed delivers them; a snapshot taken after the feed started is overtaken by
 * the changes delivered after it, which are replayed onto it in order.
 */
class RevocationTable {
  readonly revoked = new Map<string, number>()
  readonly ownerEpochs = new Map<string, number>()
  readonly suspended = new Map<string, number>()
  globalEpoch = Number.NEGATIVE_INFINITY
  #pruneAt = MIN_PRUNE_SIZE
  #suspendedPruneAt = MIN_PRUNE_SIZE

  static of(state: RevocationState, now: number): RevocationTable {
    const table = new RevocationTable()
    for (const [id, expiresAt] of state.revoked) {
      if (expiresAt > now) table.revoked.set(id, Math.max(expiresAt, table.revoked.get(id) ?? 0))
    }
    for (const [ownerId, at] of state.ownerEpochs) {
      table.ownerEpochs.set(ownerId, Math.max(at, table.ownerEpochs.get(ownerId) ?? at))
    }
    if (state.globalEpoch !== undefined) table.globalEpoch = state.globalEpoch
    for (const [id, expiresAt] of state.suspended ?? []) {
      if (expiresAt > now) table.suspended.set(id, expiresAt)
    }
    table.#pruneAt = Math.max(MIN_PRUNE_SIZE, table.revoked.size * 2)
    table.#suspendedPruneAt = Math.max(MIN_PRUNE_SIZE, table.suspended.size * 2)
    return table
  }

  apply(change: RevocationChange, now: number): void {
    switch (change.type) {
      case 'revoked':
        if (this.revoked.size >= this.#pruneAt) this.#prune(now)
        this.revoked.set(change.id, Math.max(change.expiresAt, this.revoked.get(change.id) ?? 0))
        break
      case 'revoked_owner':
        this.ownerEpochs.set(
          change.ownerId,
          Math.max(change.at, this.ownerEpochs.get(change.ownerId) ?? change.at),
        )
        break
      case 'revoked_all':
        this.globalEpoch = Math.max(this.globalEpoch, change.at)
        break
      case 'suspended':
        if (this.suspended.size >= this.#suspendedPruneAt) this.#pruneSuspended(now)
        this.suspended.set(change.id, change.expiresAt)
        break
      case 'resumed':
        this.suspended.delete(change.id)
        break
      // Stryker disable next-line ConditionalExpression: without its break, the last case ends the switch all the same
      case 'updated':
        break
    }
  }

  isRevoked(subject: RevocationSubject): boolean {
    if (this.globalEpoch >= subject.createdAt) return true
    const ownerEpoch = this.ownerEpochs.get(subject.ownerId)
    if (ownerEpoch !== undefined && ownerEpoch >= subject.createdAt) return true
    return this.revoked.has(subject.id)
  }

  /** Drops suspensions of keys that have expired anyway, as {@link RevocationTable.#prune} does revocations. */
  #pruneSuspended(now: number): void {
    for (const [id, expiresAt] of this.suspended) if (expiresAt <= now) this.suspended.delete(id)
    this.#suspendedPruneAt = Math.max(MIN_PRUNE_SIZE, this.suspended.size * 2)
  }

  /** Drops ids of keys that have expired anyway; runs when the map has doubled, so O(1) amortised. */
  #prune(now: number): void {
    for (const [id, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(id)
    this.#pruneAt = Math.max(MIN_PRUNE_SIZE, this.revoked.size * 2)
  }
}

/**
 * The in-memory mirror of a shared revocation list, and the judgement of its freshness: the
 * one mechanism behind `RedisRevocationList` and `PostgresRevocationList`, for any list whose
 * state lives in a backend and whose changes arrive over a feed that can silently drop them.
 *
 * The list (the backend's side) loads snapshots through {@link RevocationMirror.load}, feeds
 * changes through {@link RevocationMirror.apply}, reports lost connections with
 * {@link RevocationMirror.lost}, and runs {@link RevocationMirror.startHeartbeat} with a
 * question its feed connection answers in order. The mirror owns everything else: the state,
 * subscribers, changes that arrive during a reload, and when `isRevoked` must fail closed.
 *
 * Staleness is judged from the last confirmed contact ({@link RevocationMirror.lastContact}):
 * `isRevoked` answers until `maxStaleness` ms after it, then throws `UnavailableError` (unless
 * `onStale: 'allow'`), whether or not a lost connection has been noticed yet.
 */
export class RevocationMirror {
  /** See {@link RevocationMirrorOptions.maxStaleness}. */
  readonly maxStaleness: number
  /** See {@link RevocationMirrorOptions.heartbeatInterval}. */
  readonly heartbeatInterval: number
  /** The clock, epoch ms. */
  readonly now: () => number
  /** Where failures that reach no caller go. */
  readonly onError: (error: unknown) => void
  readonly #backend: string
  readonly #allowStale: boolean
  readonly #listeners = new Set<(event: RevocationEvent) => void>()

  #table = new RevocationTable()
  /** Changes seen while a reload is in flight, replayed onto the fresh snapshot. */
  #pending: RevocationChange[] | undefined
  #loaded = false
  #fresh = false
  #lastContact = Number.NEGATIVE_INFINITY
  /**
   * Clock readings taken before contacting the backend are numbered in the order they are
   * taken; the confirmation of the latest-taken one wins, so answers arriving out of order, or
   * a clock set back, can never leave `lastContact` ahead of what was really confirmed.
   */
  #readings = 0
  #confirmedReading = 0
  /**
   * The latest `at` that `isRevoked` answers for: `-Infinity` before the first load,
   * `+Infinity` once loaded with `onStale: 'allow'`, else `lastContact + maxStaleness`.
   * Kept precomputed so the hot path makes one comparison.
   */
  #deadline = Number.NEGATIVE_INFINITY
  #generation = 0
  #heartbeat: ReturnType<typeof setInterval> | undefined
  #pingOutstanding = false

  /**
   * @param options The user's freshness options, validated here: a bad value throws
   *   `TypeError('<option> must be …')`.
   * @param backend Named in `UnavailableError` messages, e.g. `'Redis'`.
   */
  constructor(options: RevocationMirrorOptions = {}, backend = 'its backend') {
    this.#backend = backend
    this.maxStaleness = positiveIntegerOption(
      options.maxStaleness,
      'maxStaleness',
      10_000,
      'milliseconds',
    )
    const heartbeatInterval =
      options.heartbeatInterval ?? Math.min(5_000, Math.floor(this.maxStaleness / 2))
    if (
      typeof heartbeatInterval !== 'number' ||
      !Number.isSafeInteger(heartbeatInterval) ||
      heartbeatInterval <= 0 ||
      heartbeatInterval >= this.maxStaleness
    ) {
      throw new TypeError(
        `heartbeatInterval must be a positive integer of milliseconds below maxStaleness (${this.maxStaleness})`,
      )
    }
    this.heartbeatInterval = heartbeatInterval
    const onStale = oneOfOption(
      options.onStale ?? 'fail',
      'onStale',
      ['fail', 'allow'],
      // Stryker disable next-line StringLiteral: the fallback is never used (`?? 'fail'` above), and any value but 'allow' fails closed
      'fail',
    )
    this.#allowStale = onStale === 'allow'
    this.now = nowOption(options.now ?? Date.now)
    this.onError = onErrorOption(options.onError ?? logError)
  }

  /**
   * How long, in ms, a shared list waits before its `attempt`-th try (from 1) to connect its
   * feed again: 50, 100, 200, then 400 ms at most, each drawn between half and all of that,
   * so instances that lost the same server do not all knock at the same moment. Kept short
   * because every moment spent waiting after the backend is back is a moment of 503s.
   */
  static reconnectDelay(attempt: number): number {
    const ceiling = Math.min(RECONNECT_FIRST_MS * 2 ** Math.max(0, attempt - 1), RECONNECT_CAP_MS)
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)
  }

  /** Whether a snapshot has been loaded at least once. */
  get loaded(): boolean {
    return this.#loaded
  }

  /**
   * Whether the feed is believed complete: the list marked it so after its last reload and no
   * loss has been reported since. `isRevoked` does not rely on it; it judges from `lastContact`.
   */
  get fresh(): boolean {
    return this.#fresh
  }

  /**
   * Epoch ms (on `now`) of the last confirmed contact: the mirror is known to hold every
   * revocation made up to then. `undefined` before the first load.
   */
  get lastContact(): number | undefined {
    return this.#loaded ? this.#lastContact : undefined
  }

  /** Bumped by every {@link RevocationMirror.lost}, so a reload can tell whether it raced one. */
  get generation(): number {
    return this.#generation
  }

  /**
   * Whether `subject` is revoked, synchronously. Throws `UnavailableError` before the first
   * load, and when `at` is more than `maxStaleness` after `lastContact` (unless
   * `onStale: 'allow'`).
   *
   * @param at The caller's reading of `now`, epoch ms. Default: `now()`.
   */
  isRevoked(subject: RevocationSubject, at?: number): boolean {
    // Negated, so that a NaN reading fails closed too.
    if (!((at ?? this.now()) <= this.#deadline)) this.#refuse()
    return this.#table.isRevoked(subject)
  }

  /**
   * Whether key `id` is suspended, synchronously; fails closed exactly as
   * {@link RevocationMirror.isRevoked} does.
   *
   * @param at The caller's reading of `now`, epoch ms. Default: `now()`.
   */
  isSuspended(id: string, at?: number): boolean {
    if (!((at ?? this.now()) <= this.#deadline)) this.#refuse()
    const suspended = this.#table.suspended
    return suspended.size !== 0 && suspended.has(id)
  }

  /**
   * The whole state, copied (see `RevocationList.snapshot`); fails closed exactly as
   * {@link RevocationMirror.isRevoked} does. Off the hot path: it allocates.
   */
  snapshot(at?: number): RevocationSnapshot {
    if (!((at ?? this.now()) <= this.#deadline)) this.#refuse()
    const table = this.#table
    return {
      revoked: [...table.revoked],
      ownerEpochs: [...table.ownerEpochs],
      globalEpoch: Number.isFinite(table.globalEpoch) ? table.globalEpoch : null,
      suspended: [...table.suspended],
    }
  }

  /**
   * Where the mirror stands at `at` (default `now()`), judged exactly as `isRevoked` judges it.
   * Off the hot path: it allocates.
   */
  freshness(at: number = this.now()): MirrorFreshness {
    return {
      backend: this.#backend,
      loaded: this.#loaded,
      fresh: this.#fresh,
      age: this.#loaded ? Math.max(0, at - this.#lastContact) : undefined,
      maxStaleness: this.maxStaleness,
      answers: at <= this.#deadline,
    }
  }

  /** Reads the clock before contacting the backend: the reading to {@link RevocationMirror.confirm} once it answers. */
  reading(): MirrorReading {
    return { at: this.now(), number: ++this.#readings }
  }

  /** The backend answered a question asked after `reading` on the feed: the mirror is complete as of it. */
  confirm(reading: MirrorReading): void {
    if (reading.number > this.#confirmedReading) {
      this.#confirmedReading = reading.number
      this.#lastContact = reading.at
    }
    this.#deadline = !this.#loaded
      ? Number.NEGATIVE_INFINITY
      : this.#allowStale
        ? Number.POSITIVE_INFINITY
        : this.#lastContact + this.maxStaleness
  }

  /** Applies a change (made here or announced by another instance) and tells subscribers. */
  apply(change: RevocationChange): void {
    this.#table.apply(change, this.now())
    this.#pending?.push(change)
    this.emit(revocationEventOf(change))
  }

  /**
   * Replaces the state with a snapshot, keeping every change applied while `read` ran, and
   * confirms contact as of `sent`, the reading taken before the snapshot was asked for. `read`
   * should start the feed before it reads, so nothing falls between the two. Does not mark
   * the mirror fresh: the list does that once it knows no connection dropped meanwhile.
   */
  async load(read: () => Promise<{ state: RevocationState; sent: MirrorReading }>): Promise<void> {
    this.#pending = []
    try {
      const { state, sent } = await read()
      const now = this.now()
      const table = RevocationTable.of(state, now)
      for (const change of this.#pending) table.apply(change, now)
      this.#table = table
      this.#loaded = true
      // The snapshot alone vouches for everything written before the backend ran it.
      this.confirm(sent)
    } finally /* Stryker disable next-line BlockStatement: frees the array only; outside a load nothing reads it, and the next load starts a new one */ {
      this.#pending = undefined
    }
  }

  /** The list's last reload completed with no loss in between: the feed is complete. */
  markFresh(): void {
    this.#fresh = true
  }

  /**
   * A connection dropped (or may have): changes may be missed from now on, until a reload.
   * Staleness keeps counting from the last confirmed contact, which came before this moment.
   */
  lost(): void {
    this.#generation++
    this.#pingOutstanding = false
    this.#fresh = false
  }

  /**
   * Every `heartbeatInterval` while fresh, asks `ping` (a round trip on the feed connection,
   * answered after everything the backend sent on it before); an answer confirms contact as of
   * the moment it was asked, unless a loss was reported meanwhile. A ping still unanswered at
   * the next beat reports a loss and calls `silent`, which should drop the connection so it
   * reconnects (and reloads).
   */
  startHeartbeat(ping: () => Promise<unknown>, silent: () => void): void {
    clearInterval(this.#heartbeat)
    this.#heartbeat = setInterval(() => this.#beat(ping, silent), this.heartbeatInterval)
    ;(this.#heartbeat as { unref?: () => void }).unref?.()
  }

  /** Calls `listener` for every event; returns an unsubscribe. */
  subscribe(listener: (event: RevocationEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  /** Tells every subscriber; a subscriber that throws goes to `onError`. */
  emit(event: RevocationEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event)
      } catch (error) {
        this.onError(error)
      }
    }
  }

  /** Stops the heartbeat, forgets subscribers and reports a loss. */
  close(): void {
    clearInterval(this.#heartbeat)
    this.#heartbeat = undefined
    this.#listeners.clear()
    this.lost()
  }

  #refuse(): never {
    if (!this.#loaded) {
      throw new UnavailableError(
        `The revocation list has not been loaded from ${this.#backend} yet.`,
      )
    }
    throw new UnavailableError(
      `The revocation list has had no confirmed contact with ${this.#backend} for more than ${this.maxStaleness} ms.`,
    )
  }

  #beat(ping: () => Promise<unknown>, silent: () => void): void {
    if (!this.#fresh) return
    if (this.#pingOutstanding) {
      // A whole interval without an answer: treat the link as dead.
      this.lost()
      silent()
      return
    }
    this.#pingOutstanding = true
    // Read before asking: the answer proves the mirror complete as of this moment, not later.
    const sent = this.reading()
    const generation = this.#generation
    ping().then(
      () => {
        // An answer across a reconnect proves nothing about what the old connection missed.
        if (generation !== this.#generation) return
        this.#pingOutstanding = false
        this.confirm(sent)
      },
      () => {
        if (generation === this.#generation) this.#pingOutstanding = false
      },
    )
  }
}
