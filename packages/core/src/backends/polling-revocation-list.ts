import { UnavailableError } from '../errors.js'
import {
  assertImplements,
  logError,
  nowOption,
  onErrorOption,
  positiveIntegerOption,
} from '../lib/options.js'
import type {
  RevocationEvent,
  RevocationList,
  RevocationSnapshot,
  RevocationSubject,
} from '../types.js'
import type { RevocationChange } from './revocation-change.js'
import { type RevocationFeedPage, unreadableFeed } from './revocation-feed.js'
import { RevocationMirror } from './revocation-mirror.js'

/** Where a {@link PollingRevocationList} reads its changes: an origin (`originList`), or a feed in process. */
export interface RevocationFeedSource {
  /**
   * The changes after version `since` (absent: the whole state). Rejects when the origin cannot
   * be reached or cannot vouch for its state; the list then keeps its mirror and its staleness
   * keeps counting.
   */
  changes(since: string | undefined): Promise<RevocationFeedPage>
}

/** Options of {@link PollingRevocationList}. */
export interface PollingRevocationListOptions {
  /**
   * The shortest time between two polls, in ms. A poll starts from the first `isRevoked` (or
   * `isSuspended`, `ready`) at least this long after the previous one started, never two at
   * once; cache hits in between make no network call. A revocation at the origin reaches this
   * instance within `pollInterval` plus one round trip, while requests keep coming. A positive
   * integer. Default `1_000`.
   */
  pollInterval?: number
  /**
   * How long, in ms, the list keeps answering after its last confirmed contact (the start of
   * the last poll that succeeded). Past it, `isRevoked` throws `UnavailableError`, so `verify`
   * answers 503 `unavailable` until a poll succeeds again. A positive integer above
   * `pollInterval`. Default `10_000`.
   */
  maxStaleness?: number
  /** The clock, epoch ms. Default `Date.now`. */
  now?: () => number
  /** Receives failed polls and subscribers that threw. Default: `console.error`. */
  onError?: (error: unknown) => void
}

/**
 * A {@link RevocationList} for short-lived isolates (Workers, Deno Deploy, Bun at the edge):
 * no subscription and no timer. Its state carries the feed's version; every `pollInterval` at
 * most, the first request that finds the mirror due asks the source for "changes since
 * version N" in the background (the request itself answers from the mirror at once), applies
 * them (telling subscribers, so caches drop revoked and changed keys) and confirms contact as
 * of the moment it asked. Staleness is judged by the same {@link RevocationMirror} as Redis and
 * PostgreSQL lists: past `maxStaleness` without a confirmed contact it fails closed.
 *
 * The list only reads: revocations are made at the origin, and its writes reject.
 */
export class PollingRevocationList implements RevocationList {
  /** See {@link PollingRevocationListOptions.pollInterval}. */
  readonly pollInterval: number
  readonly #source: RevocationFeedSource
  readonly #mirror: RevocationMirror
  readonly #now: () => number
  #version: string | undefined
  #lastPoll = Number.NEGATIVE_INFINITY
  #inFlight: Promise<void> | undefined
  /** Numbers polls in the order started: only the latest one's answer is applied. */
  #started = 0
  #closed = false
  /** Polls made, for the bench and tests: each is one network call. */
  #polls = 0

  constructor(source: RevocationFeedSource, options: PollingRevocationListOptions = {}) {
    assertImplements(source, 'source', ['changes'])
    this.pollInterval = positiveIntegerOption(
      options.pollInterval,
      'pollInterval',
      1_000,
      'milliseconds',
    )
    const maxStaleness = positiveIntegerOption(
      options.maxStaleness,
      'maxStaleness',
      10_000,
      'milliseconds',
    )
    if (maxStaleness <= this.pollInterval) {
      throw new TypeError(
        `maxStaleness must be above pollInterval (${this.pollInterval} ms): a list polled no more often than it may go stale fails closed between polls`,
      )
    }
    this.#now = nowOption(options.now)
    this.#source = source
    this.#mirror = new RevocationMirror(
      {
        maxStaleness,
        heartbeatInterval: this.pollInterval,
        now: this.#now,
        onError: onErrorOption(options.onError ?? logError),
      },
      'the origin',
    )
  }

  /** See {@link PollingRevocationListOptions.maxStaleness}. */
  get maxStaleness(): number {
    return this.#mirror.maxStaleness
  }

  /** How many polls this list has started: each one network call. */
  get polls(): number {
    return this.#polls
  }

  /**
   * The poll in flight, if any. A Worker hands it to `ctx.waitUntil` so the isolate finishes it
   * after the response that started it has gone (workerd cancels what a finished request left).
   */
  get pending(): Promise<void> | undefined {
    return this.#inFlight
  }

  /** Epoch ms of the last confirmed contact; `undefined` before the first poll succeeded. */
  get lastContact(): number | undefined {
    return this.#mirror.lastContact
  }

  isRevoked(subject: RevocationSubject, at?: number): boolean {
    this.#pollIfDue(at)
    return this.#mirror.isRevoked(subject, at)
  }

  isSuspended(id: string, at?: number): boolean {
    this.#pollIfDue(at)
    return this.#mirror.isSuspended(id, at)
  }

  snapshot(at?: number): RevocationSnapshot {
    return this.#mirror.snapshot(at)
  }

  /** This instance's own clock, floored to ms: an edge instance creates no keys, so it needs no shared one. */
  async time(): Promise<number> {
    return Math.floor(this.#now())
  }

  subscribe(listener: (event: RevocationEvent) => void): () => void {
    return this.#mirror.subscribe(listener)
  }

  /**
   * Resolves once the list answers with a recent state: at once while its last confirmed
   * contact is at most twice `pollInterval` old (always so under steady traffic), else after a
   * poll (the first load, or the first request after a quiet spell). Rejects with
   * `UnavailableError` when the list then does not answer (the origin unreachable past
   * `maxStaleness`). An edge handler awaits it before verifying: an isolate that was idle is
   * then neither refused for its idleness nor answering from an old mirror, so every answer
   * reflects the origin as of at most `2 × pollInterval` (plus a round trip) before it.
   */
  async ready(): Promise<void> {
    const lastContact = this.#mirror.lastContact
    if (lastContact !== undefined && this.#now() - lastContact <= 2 * this.pollInterval) return
    await this.#current()
    if (!this.#mirror.freshness().answers) {
      throw new UnavailableError(`The revocation list could not reach the origin.`)
    }
  }

  /**
   * Polls now, after the poll in flight if any, whatever `pollInterval` says: once it
   * resolves, the list holds every change the origin had when this call was made (unless the
   * poll failed: see `onError`). For tests and for a handler that must see the latest state.
   */
  async refresh(): Promise<void> {
    await this.#current()
    await this.#poll()
  }

  /** The poll in flight, unless it was abandoned (older than maxStaleness): else a new one. */
  #current(): Promise<void> {
    const inFlight = this.#inFlight
    if (inFlight !== undefined && this.#now() - this.#lastPoll <= this.maxStaleness) return inFlight
    return this.#poll()
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#mirror.close()
  }

  async revoke(): Promise<void> {
    throw readOnly()
  }

  async revokeOwner(): Promise<void> {
    throw readOnly()
  }

  async revokeAll(): Promise<void> {
    throw readOnly()
  }

  async suspend(): Promise<void> {
    throw readOnly()
  }

  async resume(): Promise<void> {
    throw readOnly()
  }

  #pollIfDue(at: number | undefined): void {
    if (this.#closed) return
    const since = (at ?? this.#now()) - this.#lastPoll
    // Negated, so that a NaN reading does not poll on every call.
    if (!(since >= this.pollInterval)) return
    // A poll in flight for longer than maxStaleness was abandoned (its request context gone):
    // start another rather than wait on it forever.
    if (this.#inFlight !== undefined && since <= this.maxStaleness) return
    void this.#poll()
  }

  /** One poll; never rejects (a failure goes to `onError`, and staleness keeps counting). */
  #poll(): Promise<void> {
    this.#polls++
    const number = ++this.#started
    const sent = this.#mirror.reading()
    this.#lastPoll = sent.at
    const poll = this.#source
      .changes(this.#version)
      .then((page) => {
        // A later poll overtook this one: its answer is the one to apply.
        return number === this.#started ? this.#apply(readPage(page), sent) : undefined
      })
      .catch((error: unknown) => this.#mirror.onError(error))
      .finally(() => {
        if (number === this.#started) this.#inFlight = undefined
      })
    this.#inFlight = poll
    return poll
  }

  async #apply(page: RevocationFeedPage, sent: ReturnType<RevocationMirror['reading']>) {
    if (this.#closed) return
    if (page.snapshot !== undefined) {
      const { snapshot } = page
      const first = !this.#mirror.loaded
      await this.#mirror.load(async () => ({
        state: { ...snapshot, globalEpoch: snapshot.globalEpoch ?? undefined },
        sent,
      }))
      // Caches may hold keys the new state revokes or suspends: they drop everything.
      if (!first) this.#mirror.emit({ type: 'reset' })
    } else {
      for (const change of page.changes) this.#mirror.apply(change)
      this.#mirror.confirm(sent)
    }
    this.#version = page.version
  }
}

function readOnly(): Error {
  return new TypeError(
    'PollingRevocationList only reads: revoke, suspend and resume keys at the origin',
  )
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== ''
const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value)
const isPairs = (value: unknown, second: (v: unknown) => boolean): boolean =>
  Array.isArray(value) &&
  value.every(
    (pair) => Array.isArray(pair) && pair.length === 2 && isText(pair[0]) && second(pair[1]),
  )

/**
 * A page as the source gave it, checked: an origin of another version, or a proxy answering
 * in its place, must not be read as "nothing revoked".
 */
export function readPage(page: unknown): RevocationFeedPage {
  if (page === null || typeof page !== 'object') throw unreadableFeed('not an object')
  const { version, changes, snapshot } = page as Record<string, unknown>
  if (!isText(version)) throw unreadableFeed('no version')
  if (snapshot !== undefined) {
    const s = snapshot as Record<string, unknown> | null
    if (
      s === null ||
      typeof s !== 'object' ||
      !isPairs(s.revoked, isTime) ||
      !isPairs(s.ownerEpochs, isTime) ||
      !isPairs(s.suspended, isTime) ||
      !(s.globalEpoch === null || isTime(s.globalEpoch))
    ) {
      throw unreadableFeed('a malformed snapshot')
    }
    return { version, snapshot: s as unknown as RevocationSnapshot }
  }
  if (!Array.isArray(changes) || !changes.every(isChange)) {
    throw unreadableFeed('malformed changes')
  }
  return { version, changes: changes as RevocationChange[] }
}

function isChange(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  const change = value as Record<string, unknown>
  switch (change.type) {
    case 'revoked':
    case 'suspended':
      return isText(change.id) && isTime(change.expiresAt)
    case 'updated':
    case 'resumed':
      return isText(change.id)
    case 'revoked_owner':
      return isText(change.ownerId) && isTime(change.at)
    case 'revoked_all':
      return isTime(change.at)
    default:
      return false
  }
}
