/**
 * `@keyward/core/adapter`: what Keyward's own packages, and anyone writing a store, limiter
 * or framework adapter, build on without it being part of the application-facing API.
 *
 * Option validation: each check once, one message style (`TypeError('<option> must be …')`),
 * thrown at construction rather than on a request.
 *
 * @packageDocumentation
 */
export {
  assertEpochMs,
  assertImplements,
  assertNonEmptyString,
  assertNonNegativeInteger,
  assertObject,
  booleanOption,
  configDuration,
  functionOption,
  hasMethods,
  logError,
  nonNegativeIntegerOption,
  nowOption,
  onErrorOption,
  oneOfOption,
  positiveIntegerOption,
} from './lib/options.js'
/** A failed backend becomes `unavailable` (503, fail closed), decided once. */
export { fromBackend, unavailable } from './lib/unavailable.js'
/** What every `TokenStore` checks of an update before it writes anything. */
export { assertRecordPatch, conditionActiveAt } from './record.js'
/** Scope decisions made once: the compiled requirement of an option set and least privilege. */
export { assertGrantable, missingScopes, requirementCompiler } from './scopes.js'
