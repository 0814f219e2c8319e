import type { ReactiveControllerHost } from 'lit'
import type { ManagementClient } from './management-client.js'
import { type UsagePoint, usagePoints } from './usage-chart.js'
import { USAGE_SPAN } from './usage-log.js'

/** How many rows' usage is read at once. */
const AT_ONCE = 4

/**
 * The rows' sparklines of `<keyward-api-keys>`: each key's requests by day over the last 30
 * days (`GET /:id/usage?granularity=day`), read once its row scrolls into view, a few at a time.
 * The owner's summary (`GET /usage`) has totals per key but no days, so each drawn row asks
 * for its own; rows never seen are never asked for.
 */
export class UsageSparks {
  /** Each key's points; `null` while read or when reading failed (no sparkline then). */
  readonly #points = new Map<string, UsagePoint[] | null>()
  readonly #queue: string[] = []
  #reading = 0
  #observer: IntersectionObserver | undefined

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly client: () => ManagementClient,
  ) {}

  /** The points of `keyId`, once read. */
  of(keyId: string): UsagePoint[] | undefined {
    return this.#points.get(keyId) ?? undefined
  }

  /** Forgets every key's points (the list reloaded): rows in view are read again. */
  reset(): void {
    this.#points.clear()
    this.#observer?.disconnect()
  }

  /** Watches the sparklines (`[data-spark]`) under `root` not read yet, to read them once seen. */
  watch(root: ParentNode): void {
    this.#observer ??= new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue
        this.#observer?.unobserve(entry.target)
        this.#want((entry.target as HTMLElement).dataset.spark ?? '')
      }
    })
    for (const element of root.querySelectorAll<HTMLElement>('[data-spark]')) {
      if (!this.#points.has(element.dataset.spark ?? '')) this.#observer.observe(element)
    }
  }

  #want(keyId: string): void {
    if (keyId === '' || this.#points.has(keyId)) return
    this.#points.set(keyId, null)
    this.#queue.push(keyId)
    this.#next()
  }

  #next(): void {
    const keyId = this.#reading < AT_ONCE ? this.#queue.shift() : undefined
    if (keyId === undefined) return
    this.#reading++
    const from = new Date(Date.now() - USAGE_SPAN.day)
    void this.client()
      .usage(keyId, from, 'day')
      .then(
        (usage) => {
          if (this.#points.has(keyId)) this.#points.set(keyId, usagePoints(usage))
          this.host.requestUpdate()
        },
        () => undefined,
      )
      .finally(() => {
        this.#reading--
        this.#next()
      })
  }
}
