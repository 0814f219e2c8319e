import type { KeyEvent } from '../types.js'

/** Takes events without making the emitter wait: the webhook dispatcher, the policy scheduler. */
export interface EventPublisher {
  /** `id`: the event's stable id when it has one (a policy's action), for its `webhook-id`. */
  publish(event: KeyEvent, id?: string): void
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
  /**
   * The instance's emitter (for the events it emits itself); never rejects. `id`: a stable
   * event id (audit id, webhook-id), so that acting again after a crash repeats nothing.
   */
  readonly emit: (event: KeyEvent, id?: string) => Promise<void>
  readonly onError: (error: unknown) => void
}

/**
 * The hook the key lifecycle calls after each change (and after the audit log has it): the
 * publishers first (webhooks, policies; never waiting), then the application's `onEvent`.
 * Events of the publishers themselves come back through the lifecycle's emitter.
 */
export function publishingHook(
  onEvent: ((event: KeyEvent) => void | Promise<void>) | undefined,
  publishers: readonly (EventPublisher | undefined)[],
): ((event: KeyEvent, id?: string) => void | Promise<void>) | undefined {
  const active = publishers.filter((p): p is EventPublisher => p !== undefined)
  if (active.length === 0) return onEvent && ((event) => onEvent(event))
  return function publishKeyEvent(event: KeyEvent, id?: string): void | Promise<void> {
    for (const publisher of active) publisher.publish(event, id)
    return onEvent?.(event)
  }
}
