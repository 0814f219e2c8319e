import {
  WEBHOOK_LOG_SIZE,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpointState,
  type WebhookQueue,
} from '@keyward/core'
import { assertObject } from '@keyward/core/adapter'
import { assertPool, bigintValue, identifier, type PgPool, schemaOption } from './lib/client.js'

/** Options of {@link PostgresWebhookQueue}. */
export interface PostgresWebhookQueueOptions {
  /** The schema holding the webhook tables, as given to `migrate`. Default `'public'`. */
  schema?: string
  /**
   * Which queue of the table this instance works on: 1–32 characters of `a-z 0-9 _`.
   * Default `'webhooks'`; lifecycle policies keep their jobs in `'policies'`.
   */
  queue?: string
}

const QUEUE_NAME = /^[a-z][a-z0-9_]{0,31}$/

/** The `queue` option of the webhook queues: a name of `a-z 0-9 _`, default `'webhooks'`. */
function queueName(value: unknown): string {
  if (value === undefined) return 'webhooks'
  if (typeof value !== 'string' || !QUEUE_NAME.test(value)) {
    throw new TypeError('queue must be 1-32 characters of a-z, 0-9 and _, starting with a letter')
  }
  return value
}

const DELIVERY_COLUMNS = 'id, message_id, endpoint_id, type, body, enqueued_at, attempts'

/**
 * The {@link WebhookQueue} in PostgreSQL, shared by every instance on the same database and
 * schema and kept across restarts, in the tables `migrate` creates. A claim is one statement:
 * it locks due rows with `FOR UPDATE SKIP LOCKED` (concurrent claimers take different rows),
 * counts the attempt and moves `due_at` to the end of the lease, so a delivery whose claimer
 * died is due again once the lease runs out. Takes the application's `pg` `Pool`.
 */
export class PostgresWebhookQueue implements WebhookQueue {
  readonly #pool: PgPool
  readonly #queue: string
  readonly #t: { deliveries: string; attempts: string; endpoints: string }

  constructor(pool: PgPool, options: PostgresWebhookQueueOptions = {}) {
    assertPool(pool)
    assertObject(options)
    const s = identifier(schemaOption(options.schema))
    this.#pool = pool
    this.#queue = queueName(options.queue)
    this.#t = {
      deliveries: `${s}.keyward_webhook_deliveries`,
      attempts: `${s}.keyward_webhook_attempts`,
      endpoints: `${s}.keyward_webhook_endpoints`,
    }
  }

  async enqueue(deliveries: readonly WebhookDelivery[], now: number): Promise<void> {
    if (deliveries.length === 0) return
    await this.#pool.query({
      text: `INSERT INTO ${this.#t.deliveries} (${DELIVERY_COLUMNS}, due_at, queue)
        SELECT id, "messageId", "endpointId", type, body, "enqueuedAt", 0, $2, $3
        FROM jsonb_to_recordset($1::jsonb) AS x(id text, "messageId" text, "endpointId" text,
          type text, body text, "enqueuedAt" bigint)
        ON CONFLICT (id) DO NOTHING`,
      values: [JSON.stringify(deliveries), now, this.#queue],
    })
  }

  async claim(now: number, limit: number, lease: number): Promise<WebhookDelivery[]> {
    const t = this.#t.deliveries
    const { rows } = await this.#pool.query({
      text: `WITH due AS (
          SELECT id, due_at FROM ${t} WHERE queue = $4 AND due_at <= $1
          ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
        UPDATE ${t} AS d SET attempts = d.attempts + 1, due_at = $3
        FROM due WHERE d.id = due.id
        RETURNING ${DELIVERY_COLUMNS.replace(/(\w+)/g, 'd.$1')}, due.due_at AS was_due`,
      values: [now, limit, now + lease, this.#queue],
    })
    return rows
      .map((row) => ({ row, due: Number(bigintValue(row.was_due)) }))
      .sort((a, b) => a.due - b.due || (String(a.row.id) < String(b.row.id) ? -1 : 1))
      .map(({ row }) => ({
        id: String(row.id),
        messageId: String(row.message_id),
        endpointId: String(row.endpoint_id),
        type: String(row.type),
        body: String(row.body),
        enqueuedAt: Number(bigintValue(row.enqueued_at)),
        attempts: Number(row.attempts),
      }))
  }

  async complete(id: string): Promise<void> {
    await this.#pool.query({
      text: `DELETE FROM ${this.#t.deliveries} WHERE id = $1`,
      values: [id],
    })
  }

  async retry(id: string, dueAt: number): Promise<void> {
    await this.#pool.query({
      text: `UPDATE ${this.#t.deliveries} SET due_at = $2 WHERE id = $1`,
      values: [id, dueAt],
    })
  }

  async record(attempt: WebhookAttempt): Promise<void> {
    const t = this.#t.attempts
    // The DELETE sees the rows before the INSERT: it keeps the newest LOG_SIZE - 1 of them.
    await this.#pool.query({
      text: `WITH added AS (INSERT INTO ${t} (endpoint_id, entry) VALUES ($1, $2::jsonb))
        DELETE FROM ${t} WHERE endpoint_id = $1 AND seq <= (
          SELECT seq FROM ${t} WHERE endpoint_id = $1 ORDER BY seq DESC OFFSET $3 LIMIT 1)`,
      values: [attempt.endpointId, JSON.stringify(attempt), WEBHOOK_LOG_SIZE - 1],
    })
  }

  async attempts(endpointId: string, limit: number): Promise<WebhookAttempt[]> {
    const { rows } = await this.#pool.query({
      text: `SELECT entry FROM ${this.#t.attempts} WHERE endpoint_id = $1 ORDER BY seq DESC LIMIT $2`,
      values: [endpointId, limit],
    })
    return rows.map((row) => row.entry as WebhookAttempt)
  }

  async endpointState(endpointId: string): Promise<WebhookEndpointState> {
    const { rows } = await this.#pool.query({
      text: `SELECT failing_since, disabled_at FROM ${this.#t.endpoints} WHERE endpoint_id = $1`,
      values: [endpointId],
    })
    return stateOf(rows[0])
  }

  async markFailure(endpointId: string, at: number): Promise<WebhookEndpointState> {
    const t = this.#t.endpoints
    const { rows } = await this.#pool.query({
      text: `INSERT INTO ${t} AS e (endpoint_id, failing_since) VALUES ($1, $2)
        ON CONFLICT (endpoint_id)
        DO UPDATE SET failing_since = COALESCE(e.failing_since, EXCLUDED.failing_since)
        RETURNING failing_since, disabled_at`,
      values: [endpointId, at],
    })
    return stateOf(rows[0])
  }

  async markSuccess(endpointId: string): Promise<void> {
    await this.#pool.query({
      text: `UPDATE ${this.#t.endpoints} SET failing_since = NULL WHERE endpoint_id = $1`,
      values: [endpointId],
    })
  }

  async disable(endpointId: string, at: number): Promise<boolean> {
    const t = this.#t.endpoints
    const { rowCount } = await this.#pool.query({
      text: `INSERT INTO ${t} AS e (endpoint_id, disabled_at) VALUES ($1, $2)
        ON CONFLICT (endpoint_id) DO UPDATE SET disabled_at = EXCLUDED.disabled_at
        WHERE e.disabled_at IS NULL`,
      values: [endpointId, at],
    })
    return rowCount === 1
  }

  async enable(endpointId: string): Promise<void> {
    await this.#pool.query({
      text: `DELETE FROM ${this.#t.endpoints} WHERE endpoint_id = $1`,
      values: [endpointId],
    })
  }
}

function stateOf(row: Record<string, unknown> | undefined): WebhookEndpointState {
  const state: { failingSince?: number; disabledAt?: number } = {}
  if (row?.failing_since != null) state.failingSince = Number(bigintValue(row.failing_since))
  if (row?.disabled_at != null) state.disabledAt = Number(bigintValue(row.disabled_at))
  return state
}
