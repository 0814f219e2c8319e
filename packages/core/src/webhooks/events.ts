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

/**
 * The hook the key lifecycle calls after each change (and after the audit log has it): the
 * publishers first (webhooks, policies; never waiting), then the application's `onEvent`.
 * Events of the publishers themselves come back through the lifecycle's emitter.
 */
export function publishingHook(
  onEvent: ((event: KeyEvent) => void | Promise<void>) | undefined,
  publishers: readonly (EventPublisher | undefined)[],
): ((event: KeyEvent) => void | Promise<void>) | undefined {
  const active = publishers.filter((p): p is EventPublisher => p !== undefined)
  if (active.length === 0) return onEvent
  return function publishKeyEvent(event: KeyEvent): void | Promise<void> {
    for (const publisher of active) publisher.publish(event)
    return onEvent?.(event)
  }
}
