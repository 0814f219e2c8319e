import type { RevocationSubject } from '@keyward/core'
import type { RevocationChange } from './revocation-message.js'

/** Below this many entries a pruning pass is not worth its cost. */
const MIN_PRUNE_SIZE = 1_024

/** What one atomic read of the revocation state in Redis returned. */
export interface RevocationSnapshot {
  /** `ZRANGE … WITHSCORES` of revoked ids: id, expiry, id, expiry, … */
  revoked: readonly string[]
  /** `HGETALL` of owner epochs. */
  ownerEpochs: Record<string, string>
  /** `GET` of the global epoch. */
  globalEpoch: string | null
}

const epoch = (value: string, where: string): number => {
  const number = Number(value)
  if (value === '' || !Number.isFinite(number)) {
    throw new TypeError(
      `revocation state at Redis key ${where} is corrupt: "${value.slice(0, 40)}" is not a number`,
    )
  }
  return number
}

/**
 * The in-memory copy of the revocation state that `isRevoked` answers from. Every change
 * only ever revokes more (epochs take the maximum), so changes may be applied in any
 * order and on top of a snapshot without losing anything.
 */
export class RevocationMirror {
  readonly #revoked = new Map<string, number>()
  readonly #ownerEpochs = new Map<string, number>()
  #globalEpoch = Number.NEGATIVE_INFINITY
  #pruneAt = MIN_PRUNE_SIZE

  /** Builds a mirror from a snapshot, skipping ids of keys expired at `now`; throws on corrupt data. */
  static fromSnapshot(
    snapshot: RevocationSnapshot,
    now: number,
    keys: { revoked: string; ownerEpochs: string; globalEpoch: string },
  ): RevocationMirror {
    const mirror = new RevocationMirror()
    const { revoked } = snapshot
    for (let i = 0; i + 1 < revoked.length; i += 2) {
      const expiresAt = epoch(revoked[i + 1]!, keys.revoked)
      if (expiresAt > now) mirror.#revoked.set(revoked[i]!, expiresAt)
    }
    for (const [ownerId, at] of Object.entries(snapshot.ownerEpochs)) {
      mirror.#ownerEpochs.set(ownerId, epoch(at, keys.ownerEpochs))
    }
    if (snapshot.globalEpoch !== null)
      mirror.#globalEpoch = epoch(snapshot.globalEpoch, keys.globalEpoch)
    mirror.#pruneAt = Math.max(MIN_PRUNE_SIZE, mirror.#revoked.size * 2)
    return mirror
  }

  apply(change: RevocationChange, now: number): void {
    switch (change.type) {
      case 'revoked':
        if (this.#revoked.size >= this.#pruneAt) this.#prune(now)
        this.#revoked.set(change.id, Math.max(change.expiresAt, this.#revoked.get(change.id) ?? 0))
        break
      case 'revoked_owner':
        this.#ownerEpochs.set(
          change.ownerId,
          Math.max(change.at, this.#ownerEpochs.get(change.ownerId) ?? change.at),
        )
        break
      case 'revoked_all':
        this.#globalEpoch = Math.max(this.#globalEpoch, change.at)
        break
      case 'updated':
        break
    }
  }

  isRevoked(subject: RevocationSubject): boolean {
    if (this.#globalEpoch >= subject.createdAt) return true
    const ownerEpoch = this.#ownerEpochs.get(subject.ownerId)
    if (ownerEpoch !== undefined && ownerEpoch >= subject.createdAt) return true
    return this.#revoked.has(subject.id)
  }

  /** Drops ids of keys that have expired anyway; runs when the map has doubled, so O(1) amortised. */
  #prune(now: number): void {
    for (const [id, expiresAt] of this.#revoked) if (expiresAt <= now) this.#revoked.delete(id)
    this.#pruneAt = Math.max(MIN_PRUNE_SIZE, this.#revoked.size * 2)
  }
}
