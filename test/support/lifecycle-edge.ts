import {
  createKeyward,
  type Keyward,
  originList,
  originStore,
  type PollingRevocationList,
  type ScopeCatalog,
} from '@keyward/core'
import { apiKeyRoutes } from '@keyward/hono'
import { Hono } from 'hono'
import { serveFetch } from './serve-fetch.js'

/**
 * An edge instance for the lifecycle model: a Keyward on `originStore` and `originList`
 * (a `PollingRevocationList`), reading instance A through the edge routes of its management
 * API, served over real HTTP on loopback. It shares A's clock; staleness is not judged here
 * (the model's clock leaps days), so `maxStaleness` is ten years and the model polls it
 * (`refresh`) before each sweep, as a request would after `pollInterval`.
 */
export interface SutEdge {
  keyward: Keyward<string>
  list: PollingRevocationList
  close(): Promise<void>
}

const SECRET = 'lifecycle-model-edge-secret-0123456789'
const TEN_YEARS = 10 * 365 * 86_400_000

export async function createSutEdge(
  origin: Keyward<string>,
  scopes: ScopeCatalog<string>,
  clock: { t: number },
  legacyTokens: RegExp,
): Promise<SutEdge> {
  const app = new Hono().route('/api-keys', apiKeyRoutes(origin, { edge: { secret: SECRET } }))
  const served = await serveFetch(app.fetch)
  const url = `${served.url}/api-keys`
  const now = () => clock.t
  const list = originList({
    url,
    secret: SECRET,
    pollInterval: 1,
    maxStaleness: TEN_YEARS,
    now,
    onError: () => {},
  })
  const keyward = createKeyward<string>({
    prefix: 'kw_test',
    scopes,
    store: originStore({ url, secret: SECRET }),
    revocations: list,
    // The edge accepts what the origin accepts, imported keys of the older format included.
    legacyTokens,
    now,
    onError: () => {},
  })
  await keyward.ready()
  return {
    keyward,
    list,
    async close() {
      await keyward.close()
      await served.close()
    },
  }
}
