/**
 * What `keyward` exits with, so scripts and hooks can tell outcomes apart:
 * - `0` done;
 * - `1` a finding: `scan` found tokens, `check` judged the token malformed;
 * - `2` usage: unknown command or option, a missing or invalid value;
 * - `3` refused: no such key, the key is inactive, the credential was refused or lacks a scope;
 * - `4` unavailable: Redis, PostgreSQL or the management API cannot be reached or fails;
 * - `5` aborted: a confirmation was declined or never answered, nothing was changed.
 */
export const EXIT = {
  ok: 0,
  found: 1,
  usage: 2,
  refused: 3,
  unavailable: 4,
  aborted: 5,
} as const

/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]
