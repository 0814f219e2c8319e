import { KeywardError } from '../src/errors.js'

/** What a verification came to: `'ok'`, or the `KeywardError`'s code (anything else as it is). */
export const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof KeywardError ? error.code : error),
  )

/** A key of `org_1` that may read and write projects for 30 days. */
export const projectKey = {
  name: 'CI',
  ownerId: 'org_1',
  scopes: ['projects:read', 'projects:write'] as const,
  expiresIn: '30d',
}
