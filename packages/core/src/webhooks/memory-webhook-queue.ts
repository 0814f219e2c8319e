import {
  WEBHOOK_LOG_SIZE,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpointState,
  type WebhookQueue,
} from './queue.js'

/**
 * The in-process {@link WebhookQueue}, the default: exact for one process, and what it holds
 * is gone when the process ends. Several instances, or deliveries that must survive a
 * restart, need `RedisWebhookQueue` or `PostgresWebhookQueue`.
 */
export class MemoryWebhookQueue implements WebhookQueue {
  readonly #waiting = new Map<string, { delivery: WebhookDelivery; dueAt: number }>()
  readonly #logs = new Map<string, WebhookAttempt[]>()
  readonly #endpoints = new Map<string, WebhookEndpointState>()

  async enqueue(deliveries: readonly WebhookDelivery[], now: number): Promise<void> {
    for (const delivery of deliveries) {
      if (!this.#waiting.has(delivery.id)) this.#waiting.set(delivery.id, { delivery, dueAt: now })
    }
  }

  async claim(now: number, limit: number, lease: number): Promise<WebhookDelivery[]> {
    const due = [...this.#waiting.values()]
      .filter((entry) => entry.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt)
      .slice(0, limit)
    return due.map((entry) => {
      const delivery = { ...entry.delivery, attempts: entry.delivery.attempts + 1 }
      this.#waiting.set(delivery.id, { delivery, dueAt: now + lease })
      return delivery
    })
  }

  async complete(id: string): Promise<void> {
    this.#waiting.delete(id)
  }

  async retry(id: string, dueAt: number): Promise<void> {
    const entry = this.#waiting.get(id)
    if (entry) entry.dueAt = dueAt
  }

  async record(attempt: WebhookAttempt): Promise<void> {
    const log = this.#logs.get(attempt.endpointId) ?? []
    log.unshift(attempt)
    log.length = Math.min(log.length, WEBHOOK_LOG_SIZE)
    this.#logs.set(attempt.endpointId, log)
  }

  async attempts(endpointId: string, limit: number): Promise<WebhookAttempt[]> {
    return (this.#logs.get(endpointId) ?? []).slice(0, limit)
  }

  async endpointState(endpointId: string): Promise<WebhookEndpointState> {
    return { ...this.#endpoints.get(endpointId) }
  }

  async markFailure(endpointId: string, at: number): Promise<WebhookEndpointState> {
    const state = this.#endpoints.get(endpointId) ?? {}
    const next = { ...state, failingSince: state.failingSince ?? at }
    this.#endpoints.set(endpointId, next)
    return { ...next }
  }

  async markSuccess(endpointId: string): Promise<void> {
    const { disabledAt } = this.#endpoints.get(endpointId) ?? {}
    this.#endpoints.set(endpointId, disabledAt === undefined ? {} : { disabledAt })
  }

  async disable(endpointId: string, at: number): Promise<boolean> {
    const state = this.#endpoints.get(endpointId) ?? {}
    if (state.disabledAt !== undefined) return false
    this.#endpoints.set(endpointId, { ...state, disabledAt: at })
    return true
  }

  async enable(endpointId: string): Promise<void> {
    this.#endpoints.delete(endpointId)
  }
}
