import type { RevocationEvent } from '@keyward/core'

/** A change to revocation state, as published and as applied to a mirror. */
export type RevocationChange =
  | { type: 'revoked'; id: string; expiresAt: number }
  | { type: 'updated'; id: string }
  | { type: 'revoked_owner'; ownerId: string; at: number }
  | { type: 'revoked_all'; at: number }

/** What goes over the channel: the change, and which instance made it (so it can skip its own). */
export interface RevocationMessage {
  origin: string
  change: RevocationChange
}

export function encodeMessage(origin: string, change: RevocationChange): string {
  return JSON.stringify({ origin, ...change })
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== ''
const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value)

/** Parses a channel message; `undefined` when it is not one we understand. */
export function decodeMessage(text: string): RevocationMessage | undefined {
  let data: Record<string, unknown>
  try {
    data = JSON.parse(text)
  } catch {
    return undefined
  }
  if (data === null || typeof data !== 'object' || !isText(data.origin)) return undefined
  const origin = data.origin
  switch (data.type) {
    case 'revoked':
      return isText(data.id) && isNumber(data.expiresAt)
        ? { origin, change: { type: 'revoked', id: data.id, expiresAt: data.expiresAt } }
        : undefined
    case 'updated':
      return isText(data.id) ? { origin, change: { type: 'updated', id: data.id } } : undefined
    case 'revoked_owner':
      return isText(data.ownerId) && isNumber(data.at)
        ? { origin, change: { type: 'revoked_owner', ownerId: data.ownerId, at: data.at } }
        : undefined
    case 'revoked_all':
      return isNumber(data.at)
        ? { origin, change: { type: 'revoked_all', at: data.at } }
        : undefined
    default:
      return undefined
  }
}

/** The event subscribers see for a change (without the internal `expiresAt`). */
export function toEvent(change: RevocationChange): RevocationEvent {
  return change.type === 'revoked' ? { type: 'revoked', id: change.id } : change
}
