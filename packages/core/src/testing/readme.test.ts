import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFile(new URL(path, import.meta.url), 'utf8')

describe('the core README', () => {
  it('shows the adapter example of "Writing an adapter" exactly as its test file runs it', async () => {
    const readme = await read('../../README.md')
    const section = readme.slice(readme.indexOf('## Writing an adapter'))
    const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
    expect(example).toBe(await read('./writing-an-adapter.test.ts'))
  })
})
