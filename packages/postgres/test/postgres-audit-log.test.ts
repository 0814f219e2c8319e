import { auditLogConformance } from '@keyward/core/testing'
import { PostgresAuditLog } from '@keyward/postgres'
import type pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { cleanUp, pool, testSchema } from './support.js'

let writer: pg.Pool
let schema: string

beforeAll(async () => {
  writer = pool()
  schema = await testSchema(writer)
})
afterAll(cleanUp)

// One schema for the suite (its cases use fresh owners): a log opened later reads what an
// earlier one wrote or pruned.
auditLogConformance(
  'PostgresAuditLog',
  ({ retention, now }) => new PostgresAuditLog(writer, { schema, retention, now }),
)

it('writes a flush as one statement, and pages through the owner or key index', async () => {
  const statements: string[] = []
  const counted = {
    query: (query: { text: string }) => {
      statements.push(query.text)
      return writer.query(query as never)
    },
    connect: () => writer.connect(),
  }
  const log = new PostgresAuditLog(counted as never, { schema })
  const at = Date.now()
  const events = Array.from({ length: 20 }, (_, i) => ({
    id: `evt_${String(i).padStart(16, '0')}`,
    at: at - i,
    type: 'created',
    ownerId: 'org_statements',
    keyId: 'key_0000000000000001',
  }))
  await log.append(events)
  expect(statements).toHaveLength(1)
  const { rows } = await writer.query(
    `EXPLAIN SELECT event FROM "${schema}".keyward_audit_events WHERE owner_id = 'o' AND key_id = 'k' ORDER BY at DESC, id COLLATE "C" DESC LIMIT 5`,
  )
  expect(JSON.stringify(rows)).toMatch(/keyward_audit_events_(key|owner)_idx/)
})

it('refuses a row it did not write, naming the table, and a bad option at construction', async () => {
  await writer.query(
    `INSERT INTO "${schema}".keyward_audit_events (id, owner_id, at, type, event) VALUES ('x', 'org_bad', ${Date.now()}, 't', '{"id": 1}')`,
  )
  const log = new PostgresAuditLog(writer, { schema })
  await expect(log.list({ ownerId: 'org_bad' })).rejects.toThrow(
    `table "${schema}".keyward_audit_events holds an audit event Keyward did not write`,
  )
  expect(() => new PostgresAuditLog(writer, { retention: -1 })).toThrow(/^retention must be/)
})
