import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiKeyJson, KeyPageJson } from '../types.js'
import { KeyPages, matchesQuery } from './key-pages.js'
import { type KeyPageQuery, type ManagementClient, ProblemError } from './management-client.js'

function key(n: number, fields: Partial<ApiKeyJson> = {}): ApiKeyJson {
  return {
    id: `key_${n}`,
    name: `Device ${n}`,
    hint: 'kw_test_abcd…',
    ownerId: 'org_1',
    scopes: [],
    createdAt: new Date(1_700_000_000_000 - n * 1000).toISOString(),
    expiresAt: new Date(1_800_000_000_000).toISOString(),
    lastUsedAt: null,
    status: 'active',
    ...fields,
  }
}

/** A client serving `keys` (newest first) a page at a time, the cursor being an index. */
function serving(keys: ApiKeyJson[]) {
  const queries: KeyPageQuery[] = []
  const listPage = vi.fn(async (query: KeyPageQuery): Promise<KeyPageJson> => {
    queries.push(query)
    const matching = keys.filter((k) =>
      matchesQuery(k, { name: query.name ?? '', status: query.status ?? '' }),
    )
    const from = query.cursor ? Number(query.cursor) : 0
    const to = from + query.limit
    return { keys: matching.slice(from, to), nextCursor: to < matching.length ? `${to}` : null }
  })
  const get = vi.fn(async (id: string) => {
    const found = keys.find((k) => k.id === id)
    if (!found) throw new ProblemError(404, 'No such key')
    return found
  })
  return { queries, client: { listPage, get } as unknown as ManagementClient }
}

function pagesOf(client: ManagementClient): KeyPages {
  const host = {
    addController: () => {},
    removeController: () => {},
    requestUpdate: () => {},
    updateComplete: Promise.resolve(true),
    renderRoot: { querySelector: () => null } as unknown as ParentNode,
  }
  return new KeyPages(host, () => client)
}

const many = Array.from({ length: 120 }, (_, n) => key(n))
const names = (pages: KeyPages) => pages.keys?.map((k) => k.name)

afterEach(() => {
  vi.useRealTimers()
})

describe('KeyPages', () => {
  it('shows the first page, then appends the next ones until the cursor runs out', async () => {
    const { client, queries } = serving(many)
    const pages = pagesOf(client)
    await pages.reset()
    expect(pages.keys).toHaveLength(50)
    expect(pages.nextCursor).toBe('50')
    await pages.more()
    await pages.more()
    expect(names(pages)).toEqual(many.map((k) => k.name))
    expect(pages.nextCursor).toBeNull()
    await pages.more()
    expect(queries.map((q) => q.cursor)).toEqual([null, '50', '100'])
  })

  it('never shows a key twice, whatever a page repeats', async () => {
    const { client } = serving(many)
    const pages = pagesOf(client)
    await pages.reset()
    pages.nextCursor = '45'
    await pages.more()
    expect(new Set(names(pages)).size).toBe(pages.keys?.length)
    expect(pages.keys).toHaveLength(95)
  })

  it('drops the answer to a query replaced while it was on its way', async () => {
    const { client } = serving(many)
    let release: () => void = () => {}
    const slow = client.listPage
    const pages = pagesOf({
      ...client,
      listPage: (query) =>
        query.name === 'Device 1'
          ? new Promise((resolve) => {
              release = () => resolve(slow(query))
            })
          : slow(query),
    })
    const first = pages.reset({ name: 'Device 1', status: '' })
    await pages.reset({ name: 'Device 7', status: '' })
    release()
    await first
    expect(pages.query).toEqual({ name: 'Device 7', status: '' })
    const sevens = Array.from({ length: 10 }, (_, i) => `Device ${70 + i}`)
    expect(names(pages)).toEqual(['Device 7', ...sevens])
    expect(pages.busy).toBe(false)
  })

  it('asks again once typing pauses, with the last name typed', async () => {
    vi.useFakeTimers()
    const { client, queries } = serving(many)
    const pages = pagesOf(client)
    pages.search('Dev')
    pages.search('Device 11')
    expect(pages.query.name).toBe('Device 11')
    expect(queries).toEqual([])
    await vi.runAllTimersAsync()
    expect(queries).toEqual([{ limit: 50, cursor: null, name: 'Device 11', status: '' }])
    const tens = Array.from({ length: 10 }, (_, i) => `Device ${110 + i}`)
    expect(names(pages)).toEqual(['Device 11', ...tens])
  })

  it('retries a failed page from the button only, not from the sentinel', async () => {
    const { client } = serving(many)
    let fail = true
    const pages = pagesOf({
      ...client,
      listPage: (query) =>
        query.cursor && fail ? Promise.reject(new Error('offline')) : client.listPage(query),
    })
    await pages.reset()
    await pages.more(true)
    expect(pages.moreError).toBe('offline')
    fail = false
    await pages.more(true)
    expect(pages.keys).toHaveLength(50)
    await pages.more()
    expect(pages.keys).toHaveLength(100)
    expect(pages.moreError).toBeUndefined()
  })

  it('applies the page’s own changes in place, as the query would list them', async () => {
    const stored = many.slice(0, 10)
    const { client, queries } = serving(stored)
    const pages = pagesOf(client)
    await pages.reset({ name: 'dev', status: '' })

    await pages.apply({ action: 'created', key: key(-1) })
    expect(pages.keys?.[0]?.id).toBe('key_-1')
    await pages.apply({ action: 'created', key: key(-2, { name: 'Other' }) })
    expect(pages.keys?.[0]?.id).toBe('key_-1')

    await pages.apply({ action: 'updated', key: key(3, { name: 'Device renamed' }) })
    expect(pages.keys?.find((k) => k.id === 'key_3')?.name).toBe('Device renamed')
    await pages.apply({ action: 'updated', key: key(4, { name: 'Printer' }) })
    expect(pages.keys?.some((k) => k.id === 'key_4')).toBe(false)

    await pages.apply({ action: 'deleted', key: key(5) })
    expect(pages.keys?.some((k) => k.id === 'key_5')).toBe(false)

    // Rotated: the new key on top, its predecessor as the server now has it, or gone.
    stored[6] = key(6, { status: 'rotated' })
    await pages.apply({ action: 'rotated', key: key(-3, { rotatedFrom: 'key_6' }) })
    expect(pages.keys?.[0]?.id).toBe('key_-3')
    expect(pages.keys?.find((k) => k.id === 'key_6')?.status).toBe('rotated')
    stored.splice(7, 1)
    await pages.apply({ action: 'rotated', key: key(-4, { rotatedFrom: 'key_7' }) })
    expect(pages.keys?.some((k) => k.id === 'key_7')).toBe(false)

    expect(queries).toHaveLength(1)
    await pages.apply({ action: 'revoked-all' })
    expect(queries).toHaveLength(2)
  })

  it('offers "Revoke all" while a key shown works or keys are not all shown', async () => {
    const expired = many.slice(0, 60).map((k) => ({ ...k, status: 'expired' as const }))
    const pages = pagesOf(serving(expired).client)
    expect(pages.revocable).toBe(false)
    await pages.reset()
    expect(pages.revocable).toBe(true)
    await pages.more()
    expect(pages.revocable).toBe(false)
    await pages.reset({ name: '', status: 'expired' })
    expect(pages.revocable).toBe(true)
  })
})
