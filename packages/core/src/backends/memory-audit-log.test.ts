import { auditLogConformance } from '@keyward/core/testing'
import { expect, it } from 'vitest'
import { MemoryAuditLog } from './memory-audit-log.js'

auditLogConformance('MemoryAuditLog', (options) => new MemoryAuditLog(options))

it('keeps at most maxEventsPerOwner events per owner, dropping the oldest', async () => {
  const log = new MemoryAuditLog({ maxEventsPerOwner: 2 })
  const at = Date.now()
  const event = (n: number) => ({
    id: `evt_000000000000000${n}`,
    at: at + n,
    type: 'created',
    ownerId: 'o',
  })
  await log.append([event(1), event(2), event(3)])
  expect((await log.list({ ownerId: 'o' })).events.map((e) => e.at)).toEqual([at + 3, at + 2])
  expect(() => new MemoryAuditLog({ retention: 0 })).toThrow(/^retention must be a positive/)
  expect(() => new MemoryAuditLog({ maxEventsPerOwner: -1 })).toThrow(
    'maxEventsPerOwner must be a positive integer',
  )
})
