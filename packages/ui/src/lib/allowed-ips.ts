import type { ApiKeysStrings } from '../strings.js'
import type { ApiKeyJson } from '../types.js'
import type { FieldErrors } from './form-errors.js'

/** The most entries a key's allowed IPs may hold, as the server bounds them. */
export const ALLOWED_IPS_MAX = 100

// The shape of an address or range only: the server parses each entry (octets, prefix
// lengths, IPv6 forms) and its 422 names the one it refuses, shown beside the field too.
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,3})?$/
const IPV6 = /^[\da-f]*:[\da-f:.]*(\/\d{1,3})?$/i

/** The entries of `text`: one per line or separated by commas, spaces trimmed, blanks dropped. */
export function splitAllowedIps(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
}

/**
 * The allowed IPs field's entries (`[]` when left empty). An entry shaped like no address or
 * range, or more than {@link ALLOWED_IPS_MAX} entries, goes into `errors` naming it.
 */
export function readAllowedIps(
  data: FormData,
  errors: FieldErrors,
  strings: ApiKeysStrings,
): string[] {
  const entries = splitAllowedIps(String(data.get('allowedIps') ?? ''))
  const bad = entries.find((entry) => !IPV4.test(entry) && !IPV6.test(entry))
  if (bad !== undefined) errors.allowedIps = strings.badIp(bad)
  else if (entries.length > ALLOWED_IPS_MAX) errors.allowedIps = strings.tooManyIps(ALLOWED_IPS_MAX)
  return entries
}

/**
 * The `allowedIps` of a PATCH changing `key`'s to `entries`: `undefined` when they are the
 * same, `null` (anywhere again) when emptied.
 */
export function allowedIpsPatch(key: ApiKeyJson, entries: string[]): string[] | null | undefined {
  const had = key.allowedIps ?? []
  if (had.length === entries.length && had.every((entry, i) => entry === entries[i])) {
    return undefined
  }
  return entries.length === 0 ? null : entries
}
