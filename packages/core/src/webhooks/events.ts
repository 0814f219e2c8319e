import type { KeyEvent } from '../types.js'

/** Takes events without making the emitter wait: the webhook dispatcher, the policy scheduler. */
export interface EventPublisher {
  publish(event: KeyEvent): void
}

/** A publisher with work of its own in the background, started and stopped with the instance. */
export interface BackgroundPublisher extends EventPublisher {
  /** Starts its background loop. */
  start(): void
  /** Stops the loop, lets work in flight finish and every published event settle. */
  close(): Promise<void>
}

/** What a background publisher is built with: the instance's clock, emitter and error sink. */
export interface BackgroundContext {
  /** The instance's clock (the `at` of the events it emits). */
  readonly now: () => number
  /** The instance's emitter (for the events it emits itself); never rejects. */
  readonly emit: (event: KeyEvent) => Promise<void>
  readonly onError: (error: unknown) => void
}

/** The one emitter every lifecycle event goes through: publishers first (never waiting), then `onEvent`. */
export interface EventSink {
  /** The hook the key lifecycle awaits after each change (what `onEvent` was before). */
  readonly onEvent: ((event: KeyEvent) => void | Promise<void>) | undefined
  /** Emits an event from outside the lifecycle (webhooks, policies); never rejects. */
  readonly emit: (event: KeyEvent) => Promise<void>
}

/**
 * Joins the application's `onEvent` and the publishers (webhooks, policies) into one emitter,
 * so every event (lifecycle, policy, webhook) reaches all of them the same way.
 */
export function createEventSink(
  onEvent: ((event: KeyEvent) => void | Promise<void>) | undefined,
  onError: (error: unknown) => void,
  publishers: readonly (EventPublisher | undefined)[],
): EventSink {
  const active = publishers.filter((p): p is EventPublisher => p !== undefined)
  const hook =
    active.length > 0
      ? function publishKeyEvent(event: KeyEvent): void | Promise<void> {
          for (const publisher of active) publisher.publish(event)
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
