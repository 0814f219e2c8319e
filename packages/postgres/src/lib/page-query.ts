/**
 * The keyset-paged `SELECT` of `PostgresTokenStore.listByOwner`: one statement per shape
 * (from the start or from a cursor, each status filter, with or without a name prefix),
 * prepared once per connection. The order is `created_at DESC, id DESC` with ids compared
 * bytewise (`COLLATE "C"`, as Redis and the memory store compare them), served by
 * `keyward_keys_owner_page_idx`; a name prefix is a range on `lower(name)` served by
 * `keyward_keys_owner_name_idx` (`text_pattern_ops`) when the planner finds it cheaper.
 */
import type { KeyStatus } from '@keyward/core'
import type { ResolvedListOptions } from '@keyward/core/adapter'

/** The `WHERE` term of each status filter (absent: every record except revoked ones). */
function statusTerm(status: KeyStatus | undefined, at: () => string, epoch: () => string): string {
  if (status === 'revoked') return `(revoked_at IS NOT NULL OR created_at <= ${epoch()})`
  const notRevoked = `revoked_at IS NULL AND created_at > ${epoch()}`
  switch (status) {
    case undefined:
      return notRevoked
    case 'rotated':
      return `${notRevoked} AND rotated_to IS NOT NULL`
    case 'expired':
      return `${notRevoked} AND rotated_to IS NULL AND expires_at <= ${at()}`
    case 'suspended':
      return `${notRevoked} AND rotated_to IS NULL AND expires_at > ${at()} AND suspended_at IS NOT NULL`
    case 'active':
      return `${notRevoked} AND rotated_to IS NULL AND expires_at > ${at()} AND suspended_at IS NULL`
  }
}

/**
 * A page statement: its text and values, and a name (per schema and shape) to prepare it
 * under. A name-prefix statement has none: planned for its own prefix each time, the planner
 * picks the name index for a rare prefix and the page index for a common one, where one
 * generic plan would serve one of them badly.
 */
export interface PageQuery {
  name?: string
  text: string
  values: unknown[]
}

/** The page statement of `options` over `table` (schema-qualified) selecting `columns`. */
export function pageQuery(
  table: string,
  schema: string,
  columns: string,
  ownerId: string,
  options: ResolvedListOptions,
): PageQuery {
  const { limit, after, status, name, at, revokedBefore } = options
  const values: unknown[] = [ownerId, limit + 1]
  const param = (value: unknown, type: string) => `$${values.push(value)}::${type}`
  const terms = [
    'owner_id = $1',
    statusTerm(
      status,
      () => param(at, 'bigint'),
      () => param(revokedBefore, 'bigint'),
    ),
  ]
  if (after !== undefined) {
    terms.push(
      `(created_at, id COLLATE "C") < (${param(after.createdAt, 'bigint')}, ${param(after.id, 'text')} COLLATE "C")`,
    )
  }
  if (name !== undefined) {
    const lo = param(name, 'text')
    const upper = nextPrefix(name)
    terms.push(`lower(name) ~>=~ ${lo} AND starts_with(lower(name), ${lo})`)
    if (upper !== undefined) terms.push(`lower(name) ~<~ ${param(upper, 'text')}`)
  }
  const shape = `${status ?? 'any'}:${after === undefined ? 'start' : 'after'}`
  return {
    ...(name === undefined ? { name: `kw:${schema}:page:${shape}` } : {}),
    text: `SELECT ${columns} FROM ${table} WHERE ${terms.join(' AND ')}
ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT $2`,
    values,
  }
}

/**
 * The least string greater than every string starting with `prefix` in code point (bytewise
 * UTF-8) order: its last code point plus one; `undefined` when that is the last code point.
 */
function nextPrefix(prefix: string): string | undefined {
  const points = [...prefix]
  const last = points.pop()!.codePointAt(0)!
  if (last >= 0x10ffff) return undefined
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1
  return points.join('') + String.fromCodePoint(next)
}
