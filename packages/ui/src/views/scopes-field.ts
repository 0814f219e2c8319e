import { html, nothing, type TemplateResult } from 'lit'
import type { ApiKeysStrings } from '../strings.js'
import type { Catalog, CatalogScope } from '../types.js'
import { fieldError } from './field-error.js'

/**
 * The permissions a new key may get: a checkbox for each scope the viewer may grant, grouped
 * by resource as the catalog groups them.
 */
export function scopesField(
  strings: ApiKeysStrings,
  catalog: Catalog,
  error: string | undefined,
): TemplateResult {
  const byName = new Map(catalog.scopes.map((scope) => [scope.name, scope]))
  const groups = catalog.groups
    .map((group) => ({
      resource: group.resource,
      scopes: group.scopes
        .map((name) => byName.get(name))
        .filter((scope): scope is CatalogScope => scope?.grantable === true),
    }))
    .filter((group) => group.scopes.length > 0)
  let n = 0
  return html`<fieldset
      aria-describedby=${error ? 'scopes-error scopes-help' : 'scopes-help'}
    >
      <legend>${strings.permissionsLabel}</legend>
      <p class="help" id="scopes-help">${strings.permissionsHelp}</p>
      ${groups.length === 0 ? html`<p class="muted">${strings.noGrantable}</p>` : nothing}
      ${groups.map(
        (group) => html`<fieldset class="group">
          <legend>${strings.resource(group.resource)}</legend>
          ${group.scopes.map((scope) => {
            const id = `scope-${n++}`
            return html`<div class="check">
              <input
                type="checkbox"
                id=${id}
                name="scopes"
                value=${scope.name}
                aria-describedby="${id}-description"
              />
              <label for=${id}><code>${scope.name}</code></label>
              <span class="help" id="${id}-description">${scope.description}</span>
            </div>`
          })}
        </fieldset>`,
      )}
      ${fieldError('scopes-error', error)}
    </fieldset>`
}
