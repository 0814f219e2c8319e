/**
 * What every management route is given: the instance it acts on ({@link ManagementContext})
 * and who acts ({@link Caller}), with the one least-privilege check they all apply.
 */
import type { EventOrigin } from '../../keys/audit.js'
import type { ActionContext } from '../../keys/input.js'
import type { Keyward } from '../../keyward.js'
import { assertGrantable, type ScopeCatalog } from '../../scopes.js'
import type { VerifiedKey } from '../../types.js'

/** The parts of a Keyward instance the routes use, bound once by `createManagementApi`. */
export interface ManagementContext {
  /** The lifecycle the routes call; the catalog's scope names are plain strings here. */
  readonly keys: Keyward['keys']
  /** The audit log `GET /audit` reads. */
  readonly audit: Keyward['audit']
  /** The usage `GET /usage` and `GET /:id/usage` read; `undefined` when usage is off. */
  readonly usage: Keyward['usage']
  /** The scope catalog grants are validated against. */
  readonly scopes: ScopeCatalog
  /** The `realm` of challenges. */
  readonly realm: string
  /** The clock, for a key's `status` in answers. */
  readonly now: () => number
}

/** Who acts on a manage route: an API key or a signed-in `Principal`. */
export interface Caller {
  ownerId: string
  scopes: readonly string[]
  /** `KeyEvent.actor`: `'key:<id>'`, or the principal's own. */
  actor: string
  /** The caller's own key id when it is a key: a key may not change its own life. */
  keyId?: string
  /** Where the request came from, as the adapter decided: kept in the audit log. */
  origin?: EventOrigin
}

/** The caller an API key makes. */
export function callerOf(key: VerifiedKey): Caller {
  return { ownerId: key.ownerId, scopes: key.scopes, actor: `key:${key.id}`, keyId: key.id }
}

/** What a route tells the lifecycle of who acts and from where (the events' actor and origin). */
export function actionOf(caller: Caller): ActionContext {
  return { actor: caller.actor, ...caller.origin }
}

/** Least privilege: the caller must hold every scope in `scopes` (core's one check, 403). */
export function assertCallerHolds(
  ctx: ManagementContext,
  caller: { scopes: readonly string[] },
  scopes: readonly string[],
): void {
  assertGrantable(scopes, caller.scopes, ctx.realm)
}
