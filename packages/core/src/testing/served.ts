/**
 * An app the conformance kit's `serve` functions started: listening over real HTTP on a
 * loopback address, on a port of its own.
 */
export interface ServedApp {
  /** The origin it listens on, e.g. `http://127.0.0.1:53107` (no trailing slash). */
  url: string
  /** Stops listening. The kit calls it after the cases that used the app. */
  close(): Promise<void>
}
