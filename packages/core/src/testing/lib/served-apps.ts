import { afterEach } from 'vitest'
import type { ServedApp } from '../served.js'

/**
 * The apps a case file's tests serve: push each one on the returned list, and it is closed
 * after the test that served it.
 */
export function servedApps(): ServedApp[] {
  const opened: ServedApp[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((served) => served.close()))
  })
  return opened
}
