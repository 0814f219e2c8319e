import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { ApiKeysChangeDetail } from '../change-detail.js'
import type { ApiKeyJson, KeyStatus } from '../types.js'
import { messageOf } from './form-errors.js'
import { type ManagementClient, ProblemError } from './management-client.js'
import { menuButtonIn } from './menu-keys.js'

/** Keys asked for per page: the management API's default page size. */
export const PAGE_SIZE = 50

/** How long typing in the search box pauses before the list is asked again, ms. */
const SEARCH_DELAY_MS = 300

/** What the list shows: keys whose name starts with `name` (any case), of `status` ('' for all but revoked). */
export interface KeyQuery {
  name: string
  status: KeyStatus | ''
}

/** Whether `key` belongs in a list asked for with `query`, as the server would judge it. */
export function matchesQuery(key: ApiKeyJson, { name, status }: KeyQuery): boolean {
  const statusMatches = status === '' ? key.status !== 'revoked' : key.status === status
  return statusMatches && key.name.toLowerCase().startsWith(name.toLowerCase())
}

/**
 * The keys of `<keyward-api-keys>`, a page at a time: the first page of the query, the next
 * ones on demand (the "Load more" button, or the sentinel below the list scrolling into view),
 * and the page's own changes (a key created, changed or deleted) applied in place instead of
 * loading everything again. Answers of a query since replaced are dropped.
 */
export class KeyPages implements ReactiveController {
  /** The keys shown, newest first; `undefined` until the first page arrived. */
  keys: ApiKeyJson[] | undefined
  /** The cursor of the next page, `null` once the last one is shown. */
  nextCursor: string | null = null
  /** Why the first page could not be loaded. */
  error: string | undefined
  /** Why the last "more" failed: the button retries, the sentinel does not. */
  moreError: string | undefined
  /** Whether a page is being asked for. */
  busy = false
  /** The search and filter of the list (the name as typed, even before the list is asked again). */
  query: KeyQuery = { name: '', status: '' }
  #generation = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #observer: IntersectionObserver | undefined
  #watched: Element | null = null
  #rewatch = false
  #loading: Promise<void> = Promise.resolve()

  readonly #host: ReactiveControllerHost & { renderRoot: ParentNode }
  readonly #client: () => ManagementClient

  constructor(
    host: ReactiveControllerHost & { renderRoot: ParentNode },
    client: () => ManagementClient,
  ) {
    this.#host = host
    this.#client = client
    host.addController(this)
  }

  /** Whether the list is narrowed by a search or a status. */
  get filtered(): boolean {
    return this.query.name !== '' || this.query.status !== ''
  }

  /**
   * Whether "Revoke all keys" has anything to revoke: a key shown that still works, or keys
   * not shown (another query, or pages not loaded yet) that might.
   */
  get revocable(): boolean {
    const keys = this.keys
    if (keys === undefined) return false
    const works = keys.some((key) => key.status === 'active' || key.status === 'rotated')
    return works || this.filtered || this.nextCursor !== null
  }

  /** Asks for the first page of `query` (default: the current one); resolves once shown. */
  reset(query: KeyQuery = this.query): Promise<void> {
    clearTimeout(this.#timer)
    this.query = query
    this.#generation++
    this.#loading = this.#load(null)
    return this.#loading
  }

  /**
   * The search box changed: the first page of names starting with `name`, once typing pauses.
   * The query takes the name at once, so the box (bound to it) never loses what is typed.
   */
  search(name: string): void {
    clearTimeout(this.#timer)
    this.query = { ...this.query, name }
    this.#timer = setTimeout(() => void this.reset(), SEARCH_DELAY_MS)
  }

  /**
   * Appends the next page, if there is one; while a page is being asked for, waits for it
   * instead. `auto` (the sentinel in view) does nothing after a failure, which only the
   * button retries, nor while the button has focus: the person is about to press it.
   */
  more(auto = false): Promise<void> {
    const cursor = this.nextCursor
    if (this.busy) return this.#loading
    const waiting =
      auto && (this.moreError || this.#host.renderRoot.querySelector('#load-more:focus'))
    if (cursor === null || waiting) return Promise.resolve()
    this.#loading = this.#load(cursor)
    return this.#loading
  }

  /**
   * The first page (`cursor` null) or the one after `cursor`, unless the query changed in
   * the meantime; a key already shown is not shown twice.
   */
  async #load(cursor: string | null): Promise<void> {
    const generation = this.#generation
    this.busy = true
    this.error = this.moreError = undefined
    this.#host.requestUpdate()
    try {
      const page = await this.#client().listPage({ limit: PAGE_SIZE, cursor, ...this.query })
      if (generation !== this.#generation) return
      const shown = (cursor && this.keys) || []
      const ids = new Set(shown.map((key) => key.id))
      this.keys = [...shown, ...page.keys.filter((key) => !ids.has(key.id))]
      this.nextCursor = page.nextCursor
    } catch (error) {
      if (generation !== this.#generation) return
      if (cursor) this.moreError = messageOf(error)
      else this.error = messageOf(error)
    }
    this.busy = false
    // Watched again once drawn: a sentinel still in view then asks for the next page.
    this.#rewatch = true
    this.#host.requestUpdate()
  }

  /**
   * "Load more": the next page, then focus on the first "…" button among its keys, where
   * reading and tabbing go on (the button moves below them, or is gone after the last page).
   */
  async loadMore(): Promise<void> {
    const shown = this.keys?.length ?? 0
    await this.more()
    await this.#host.updateComplete
    // Expired keys have no "…" button: the first new key that has one.
    const root = this.#host.renderRoot
    const added = this.keys?.slice(shown) ?? []
    added
      .map((key) => menuButtonIn(root, key.id))
      .find(Boolean)
      ?.focus()
  }

  /** A key created here: at the top, if the list's query takes it. */
  #added(key: ApiKeyJson): void {
    this.#edit(key.id, (rest) => (matchesQuery(key, this.query) ? [key, ...rest] : rest))
  }

  /** A key changed here: replaced where it is, or removed when the query no longer takes it. */
  #changed(key: ApiKeyJson): void {
    const keep = matchesQuery(key, this.query)
    this.#edit(undefined, (keys) =>
      keys.flatMap((shown) => (shown.id !== key.id ? [shown] : keep ? [key] : [])),
    )
  }

  /** A key deleted here: removed from the list. */
  #removed(id: string): void {
    this.#edit(id, (rest) => rest)
  }

  /** The shown keys (without `id`'s) through `change`, once the first page is shown. */
  #edit(id: string | undefined, change: (keys: ApiKeyJson[]) => ApiKeyJson[]): void {
    if (!this.keys) return
    this.keys = change(this.keys.filter((shown) => shown.id !== id))
    this.#host.requestUpdate()
  }

  /**
   * What a dialog of the page changed, applied in place: a new key at the top, a changed one
   * replaced, a deleted one removed, a rotated key's predecessor asked for again (it now shows
   * as rotated, or goes once revoked); after "Revoke all keys", the first page again.
   */
  async apply({ action, key }: ApiKeysChangeDetail): Promise<void> {
    if (action === 'revoked-all' || !key) return this.reset()
    if (action === 'deleted') return this.#removed(key.id)
    if (action === 'updated') return this.#changed(key)
    this.#added(key)
    const previous = key.rotatedFrom
    if (action !== 'rotated' || previous === undefined) return
    try {
      this.#changed(await this.#client().get(previous))
    } catch (error) {
      if (error instanceof ProblemError && error.status === 404) this.#removed(previous)
    }
  }

  hostUpdated(): void {
    const sentinel = this.#host.renderRoot.querySelector('#more-sentinel')
    if (sentinel === this.#watched && !this.#rewatch) return
    this.#rewatch = false
    this.#watched = sentinel
    if (typeof IntersectionObserver === 'undefined') return
    this.#observer ??= new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void this.more(true)
      },
      { rootMargin: '0px 0px 300px' },
    )
    this.#observer.disconnect()
    if (sentinel) this.#observer.observe(sentinel)
  }

  hostConnected(): void {
    // Back in a page after being moved: the sentinel is watched again once drawn.
    this.#rewatch = true
    this.#host.requestUpdate()
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer)
    this.#observer?.disconnect()
    this.#watched = null
  }
}
