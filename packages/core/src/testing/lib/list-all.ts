import type { KeyRecord, KeyStatus, ListKeysOptions, TokenStore } from '../../types.js'

/** How many pages a walk reads at most before the test fails (bounds every loop). */
const MAX_PAGES = 10_000

/** Every page of `options` walked from the first; each page's keys, in order. */
export async function walkPages(
  store: TokenStore,
  ownerId: string,
  options: ListKeysOptions = {},
  between?: (pageNumber: number) => Promise<void>,
): Promise<KeyRecord[][]> {
  const pages: KeyRecord[][] = []
  let cursor: string | undefined
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await store.listByOwner(ownerId, {
      ...options,
      ...(cursor === undefined ? {} : { cursor }),
    })
    pages.push(page.keys)
    if (page.nextCursor === null) return pages
    cursor = page.nextCursor
    await between?.(i)
  }
  throw new Error(`listByOwner gave more than ${MAX_PAGES} pages`)
}

/** Every record of an owner, revoked ones too, oldest first (ties by id): what the index holds. */
export async function everyRecordOf(store: TokenStore, ownerId: string): Promise<KeyRecord[]> {
  const records: KeyRecord[] = []
  for (const status of [undefined, 'revoked' satisfies KeyStatus] as const) {
    const pages = await walkPages(store, ownerId, {
      limit: 1_000,
      ...(status === undefined ? {} : { status }),
    })
    for (const page of pages) records.push(...page)
  }
  return records.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
}
