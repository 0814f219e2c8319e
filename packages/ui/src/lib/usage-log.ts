import type { ReactiveControllerHost } from 'lit'
import type { ApiKeyJson, KeyUsageJson } from '../types.js'
import { messageOf } from './form-errors.js'
import type { ManagementClient } from './management-client.js'

/** The usage dialog's bucket width: the last 30 days by day, or the last 48 hours by hour. */
export type UsageGranularity = 'day' | 'hour'

/** How far back the usage dialog reads, by granularity (ms). */
export const USAGE_SPAN: Record<UsageGranularity, number> = {
  day: 30 * 86_400_000,
  hour: 48 * 3_600_000,
}

/** What the usage dialog shows: one key's counts by outcome over time. */
export interface UsageState {
  key: ApiKeyJson
  granularity: UsageGranularity
  usage: KeyUsageJson | undefined
  loading: boolean
  error: string | undefined
}

/**
 * One key's usage (`GET /:id/usage`) for the "Usage" dialog of its menu, read again when the
 * granularity changes. Answers for a dialog since closed or changed are dropped.
 */
export class UsageLog {
  /** The dialog's content; `undefined` while it is closed. */
  state: UsageState | undefined
  #asked = 0

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly client: () => ManagementClient,
    /** Called once the dialog is drawn closed, however it was closed: where focus returns. */
    private readonly onClosed: () => void,
  ) {}

  /** Opens the dialog for `key`, by day. */
  open(key: ApiKeyJson): Promise<void> {
    return this.#read({
      key,
      granularity: 'day',
      usage: undefined,
      loading: true,
      error: undefined,
    })
  }

  /** Reads the open dialog's key again by `granularity`. */
  choose(granularity: UsageGranularity): Promise<void> {
    if (!this.state) return Promise.resolve()
    return this.#read({ ...this.state, granularity, usage: undefined, loading: true })
  }

  async #read(state: UsageState): Promise<void> {
    const asked = ++this.#asked
    this.#set({ ...state, error: undefined })
    const from = new Date(Date.now() - USAGE_SPAN[state.granularity])
    try {
      // The key again too: its last use and addresses as of now, not of the list's loading.
      const [usage, key] = await Promise.all([
        this.client().usage(state.key.id, from, state.granularity),
        this.client().get(state.key.id),
      ])
      if (asked === this.#asked && this.state) {
        this.#set({ ...this.state, key, usage, loading: false })
      }
    } catch (error) {
      if (asked === this.#asked && this.state) {
        this.#set({ ...this.state, loading: false, error: messageOf(error) })
      }
    }
  }

  close(): void {
    this.#asked++
    this.#set(undefined)
    void this.host.updateComplete.then(() => this.onClosed())
  }

  #set(state: UsageState | undefined): void {
    this.state = state
    this.host.requestUpdate()
  }
}
