import type { KeyEvent } from '../types.js'
import type { WebhookDispatcher } from './dispatcher.js'

/** The one emitter every lifecycle event goes through: webhooks first (never waiting), then `onEvent`. */
export interface EventSink {
  /** The hook the key lifecycle awaits after each change (what `onEvent` was before). */
  readonly onEvent: ((event: KeyEvent) => void | Promise<void>) | undefined
  /** Emits an event from outside the lifecycle (webhooks, policies); never rejects. */
  readonly emit: (event: KeyEvent) => Promise<void>
}

/**
 * Joins the application's `onEvent` and the webhook dispatcher into one emitter, so every
 * event (lifecycle, policy, webhook) reaches both the same way.
 */
export function createEventSink(
  onEvent: ((event: KeyEvent) => void | Promise<void>) | undefined,
  onError: (error: unknown) => void,
  webhooks: WebhookDispatcher | undefined,
): EventSink {
  const hook = webhooks
    ? function publishKeyEvent(event: KeyEvent): void | Promise<void> {
        webhooks.publish(event)
        return onEvent?.(event)
      }
    : onEvent
  return {
    onEvent: hook,
    async emit(event) {
      try {
        await hook?.(event)
      } catch (error) {
        onError(error)
      }
    },
  }
}
