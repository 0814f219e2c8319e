import { createHash } from 'node:crypto'
import type { ImportKeyRecord } from '../src/keys/import.js'

/** A legacy token format the import tests accept: `sk_` and 40 hex digits. */
export const LEGACY = /^sk_[0-9a-f]{40}$/

/** The `n`th legacy token of {@link LEGACY}'s shape. */
export const legacyToken = (n: number) => `sk_${n.toString(16).padStart(40, '0')}`

/** The SHA-256 digest of `token`, as another system may have stored it. */
export const sha256 = (token: string, encoding: 'hex' | 'base64' | 'base64url' = 'hex') =>
  createHash('sha256').update(token).digest(encoding)

/** An import record for `org_1` reading projects for 30 days, with `fields` over it. */
export const importRecord = <S extends string = 'projects:read'>(fields: Record<string, unknown>) =>
  ({
    name: 'Imported',
    ownerId: 'org_1',
    scopes: ['projects:read'],
    expiresIn: '30d',
    ...fields,
  }) as unknown as ImportKeyRecord<S>
