/**
 * `GET /catalog`: what a settings page needs to draw itself — the declared scopes with their
 * descriptions, grouped by resource, which of them the caller may grant, and the lifetime,
 * grace and rate limits in force.
 */
import type { Keyward } from '../../keyward.js'
import { grants } from '../../scopes.js'
import type { ManagementResponse } from '../request.js'
import type { Caller } from './context.js'
import { type CatalogJson, type CatalogScopeJson, jsonResponse, toRateLimitsJson } from './json.js'

/** The catalog route: answers a caller with the {@link CatalogJson} drawn for them. */
export type CatalogRoute = (caller: Caller) => ManagementResponse

/**
 * Builds the catalog route of `keyward`. The catalog's shape never changes, so it is worked
 * out once here: only what the caller may grant is decided per request.
 */
export function createCatalogRoute(keyward: Keyward<string>): CatalogRoute {
  const { scopes: catalog, defaultRateLimits } = keyward
  const declared = catalog.names.map((name) => ({
    name,
    description: (catalog.descriptions as Readonly<Record<string, string>>)[name] ?? '',
    resource: name.slice(0, name.indexOf(':')),
  }))
  const groups = new Map<string, string[]>()
  for (const { name, resource } of declared) {
    const group = groups.get(resource)
    if (group) group.push(name)
    else groups.set(resource, [name])
  }
  return function answerCatalog(caller) {
    const held = new Set(caller.scopes)
    const scopes: CatalogScopeJson[] = declared.map((scope) => ({
      ...scope,
      grantable: grants(held, scope.name),
    }))
    const { maxLifetime, defaultExpiresIn, maxGracePeriod } = keyward.limits
    const body: CatalogJson = {
      scopes,
      groups: [...groups].map(([resource, names]) => ({ resource, scopes: [...names] })),
      grantable: scopes.filter((scope) => scope.grantable).map((scope) => scope.name),
      maxLifetime: seconds(maxLifetime),
      defaultExpiresIn: defaultExpiresIn === undefined ? null : seconds(defaultExpiresIn),
      maxGracePeriod: seconds(maxGracePeriod),
      defaultRateLimits:
        defaultRateLimits === undefined ? null : toRateLimitsJson(defaultRateLimits),
    }
    return jsonResponse(200, body)
  }
}

/** Whole seconds of a duration in milliseconds, as JSON shows lifetimes. */
function seconds(ms: number): number {
  return Math.floor(ms / 1000)
}
