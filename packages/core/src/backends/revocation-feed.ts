import { UnavailableError } from '../errors.js'
import { assertImplements } from '../lib/options.js'
import type {
  RevocationEvent,
  RevocationList,
  RevocationSnapshot,
  RevocationSubject,
} from '../types.js'
import type { RevocationChange } from './revocation-change.js'

/**
 * The change feed an origin serves to edge instances (`GET …/edge/changes?since=`), and what a
 * {@link PollingRevocationList} reads: either the changes after the version the caller holds,
 * or, when the feed cannot say (a first poll, another origin process, a version older than the
 * log), the whole state.
 */
export type RevocationFeedPage =
  | {
      /** The version the caller holds once it has applied `changes`; opaque. */
      version: string
      /** The changes after `since`, oldest first; they apply in this order. */
      changes: RevocationChange[]
      snapshot?: undefined
    }
  | {
      /** The version of `snapshot`; opaque. */
      version: string
      /** The whole state: it replaces what the caller holds. */
      snapshot: RevocationSnapshot
      changes?: undefined
    }

/** Changes the log keeps; a caller further behind gets the whole state. */
const LOG_SIZE = 4_096

/**
 * An expiry for a revocation or suspension learnt from an event, which carries none: the
 * latest instant a `Date` holds, so the entry is never pruned early (pruning only saves memory).
 */
const UNKNOWN_EXPIRY = 8_640_000_000_000_000

/** A subject no key can be, created after every epoch: `isRevoked` on it only probes freshness. */
const PROBE: RevocationSubject = { id: '', ownerId: '', createdAt: Number.MAX_SAFE_INTEGER }

/**
 * The origin's side of the edge feed over its own revocation list: it numbers every event the
 * list delivers (local writes and other instances' alike) in a bounded log, and answers
 * "changes since version N" from it, or with the list's {@link RevocationList.snapshot}.
 *
 * A version is `<feed id>.<n>`: the id is random per feed object, so a version from another
 * origin process, or from before a restart, is never mistaken for one of this log's, and its
 * caller gets the whole state. A `reset` of the list (it lost its own feed and reloaded) empties
 * the log, so every caller gets the whole state again.
 *
 * Both answers fail closed (`UnavailableError`, 503) while the list's own mirror is too stale to
 * be trusted, so an edge instance never counts an answer from a stale origin as contact.
 */
export class RevocationFeed {
  readonly #list: RevocationList & Required<Pick<RevocationList, 'snapshot'>>
  readonly #id: string
  readonly #log: RevocationChange[] = []
  /** The version of the newest change in the log; the log holds `#head - #log.length + 1 … #head`. */
  #head = 0
  /** The oldest version a caller may hold and still be answered from the log. */
  #floor = 0
  readonly #unsubscribe: () => void

  /** @param list The origin's revocation list; it must offer `snapshot()` (every list of Keyward's does). */
  constructor(list: RevocationList) {
    assertImplements(list, 'revocations', ['snapshot', 'subscribe', 'isRevoked'])
    this.#list = list as RevocationList & Required<Pick<RevocationList, 'snapshot'>>
    const bytes = crypto.getRandomValues(new Uint8Array(8))
    this.#id = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
    this.#unsubscribe = list.subscribe((event) => this.#record(event))
  }

  /** The current version. */
  get version(): string {
    return `${this.#id}.${this.#head}`
  }

  /**
   * The changes after `since`, or the whole state when `since` is absent or not answerable from
   * the log. Throws `UnavailableError` while the list's mirror is too stale.
   *
   * @param at The caller's reading of the list's clock, epoch ms. Default: the list's own.
   */
  changes(since: string | undefined, at?: number): RevocationFeedPage {
    // Throws when the origin's mirror cannot be trusted: such an answer proves nothing.
    this.#list.isRevoked(PROBE, at)
    const held = this.#position(since)
    if (held === undefined) {
      const version = this.version
      return { version, snapshot: this.#list.snapshot(at) }
    }
    const start = this.#log.length - (this.#head - held)
    return { version: this.version, changes: this.#log.slice(start) }
  }

  /** Stops recording; the list itself stays open. */
  close(): void {
    this.#unsubscribe()
  }

  /** The `n` of `since` when the log can answer from it, else `undefined`. */
  #position(since: string | undefined): number | undefined {
    if (since === undefined) return undefined
    const dot = since.indexOf('.')
    if (dot < 0 || since.slice(0, dot) !== this.#id) return undefined
    const n = Number(since.slice(dot + 1))
    if (!Number.isSafeInteger(n) || n < this.#floor || n > this.#head) return undefined
    return n
  }

  #record(event: RevocationEvent): void {
    const change = changeOf(event)
    if (change === undefined) {
      // A reset: nothing older can be answered from the log.
      this.#log.length = 0
      this.#head++
      this.#floor = this.#head
      return
    }
    this.#log.push(change)
    this.#head++
    if (this.#log.length > LOG_SIZE) {
      this.#log.splice(0, this.#log.length - LOG_SIZE)
      this.#floor = this.#head - LOG_SIZE
    }
  }
}

/** The change an event stands for; `undefined` for a reset. */
function changeOf(event: RevocationEvent): RevocationChange | undefined {
  switch (event.type) {
    case 'revoked':
    case 'suspended':
      return { type: event.type, id: event.id, expiresAt: UNKNOWN_EXPIRY }
    case 'updated':
    case 'resumed':
      return { type: event.type, id: event.id }
    case 'revoked_owner':
      return { type: 'revoked_owner', ownerId: event.ownerId, at: event.at }
    case 'revoked_all':
      return { type: 'revoked_all', at: event.at }
    case 'reset':
      return undefined
  }
}

/** Thrown by a feed reader given an answer it cannot read: treated as no contact. */
export function unreadableFeed(detail: string): UnavailableError {
  return new UnavailableError(
    `The origin's revocation feed answered something unreadable: ${detail}.`,
  )
}
