import type { ReactiveControllerHost } from 'lit'
import type { ApiKeyJson, AuditEventJson } from '../types.js'
import { messageOf } from './form-errors.js'
import type { ManagementClient } from './management-client.js'

/** What the activity dialog shows: one key's events, or every key's (`key` absent). */
export interface ActivityState {
  key: ApiKeyJson | undefined
  events: AuditEventJson[]
  /** The cursor of the next page, `null` once the last one is shown. */
  nextCursor: string | null
  loading: boolean
  error: string | undefined
}

/**
 * The audit log of `<keyward-api-keys>`, a page at a time (`GET /audit`), for the "Activity"
 * dialog: opened for a key from its menu, or for every key from the header. Answers for a
 * dialog since closed or reopened are dropped.
 */
export class ActivityLog {
  /** The dialog's content; `undefined` while it is closed. */
  state: ActivityState | undefined
  #opened = 0

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly client: () => ManagementClient,
    /**
     * Called once the dialog is drawn closed, however it was closed (Close, Escape): where
     * focus returns.
     */
    private readonly onClosed: () => void,
  ) {}

  /** Opens the dialog for `key` (or every key) and loads the first page. */
  open(key: ApiKeyJson | undefined): Promise<void> {
    this.#opened++
    this.state = { key, events: [], nextCursor: null, loading: false, error: undefined }
    return this.more()
  }

  /** Loads the next page (the first one after `open`). */
  async more(): Promise<void> {
    const state = this.state
    if (!state || state.loading) return
    const opened = this.#opened
    this.#set({ ...state, loading: true, error: undefined })
    try {
      const page = await this.client().audit(state.key?.id, state.nextCursor)
      if (opened !== this.#opened || !this.state) return
      this.#set({
        ...this.state,
        events: [...this.state.events, ...page.events],
        nextCursor: page.nextCursor,
        loading: false,
      })
    } catch (error) {
      if (opened === this.#opened && this.state) {
        this.#set({ ...this.state, loading: false, error: messageOf(error) })
      }
    }
  }

  close(): void {
    this.#opened++
    this.#set(undefined)
    void this.host.updateComplete.then(() => this.onClosed())
  }

  #set(state: ActivityState | undefined): void {
    this.state = state
    this.host.requestUpdate()
  }
}
