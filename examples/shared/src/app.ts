/**
 * What the Express and the Hono example apps are both built from: the scope catalog, the
 * options besides the Keyward instance, and the in-memory projects they serve. Web-standard
 * only (no `node:`, no Redis), because the Hono app that imports it also runs on edge runtimes.
 */
import {
  defineScopes,
  type ErrorResponse,
  errorResponse,
  InvalidRequestError,
  PROBLEM_CONTENT_TYPE,
  RequestTooLargeError,
  type ScopeName,
} from '@keyward/core'
import type { AccessTokens } from '@keyward/jwt'
import type { SettingsAssets } from './demo-sign-in.js'

export {
  COMPONENT_SCRIPT_PATH,
  createDemoSessions,
  type DemoSessions,
  demoPerson,
  pageHeaders,
  SESSION_COOKIE,
  SETTINGS_PAGE_PATH,
  type SettingsAssets,
  SIGN_IN_PATH,
  signInPageHtml,
} from './demo-sign-in.js'

/** The example's scope catalog: what keys can be granted, and what a UI would show. */
export const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'api_keys:manage': 'Manage API keys',
})

export type Scope = ScopeName<typeof scopes>

/** The largest `POST /v1/projects` body, in bytes, both apps read: a larger one is answered 413. */
export const PROJECT_BODY_LIMIT = 16 * 1024

/** Whether a `Content-Type` names JSON, the only body `POST /v1/projects` reads (else no body). */
export function isJsonContentType(contentType: string | undefined): boolean {
  return /^application\/json\s*(?:;|$)/i.test(contentType ?? '')
}

/** An HTTP answer as both apps send it: status, headers and a JSON body. */
export interface Answer {
  status: number
  headers: Record<string, string>
  body: object
}

/**
 * The problem+json answers both apps give when they cannot take a request, built from core's
 * errors so they look like every other Keyward answer. None carries a stack, a file path or
 * any of the request body.
 */
export const problems = {
  /** 400: the `POST /v1/projects` body is not JSON. */
  malformedJson: (): ErrorResponse =>
    errorResponse(new InvalidRequestError('The request body is not valid JSON.')),
  /** 413: the `POST /v1/projects` body exceeds {@link PROJECT_BODY_LIMIT}. */
  tooLarge: (): ErrorResponse => errorResponse(new RequestTooLargeError(PROJECT_BODY_LIMIT)),
  /** 500: anything else that went wrong; the server logs it, the client learns nothing more. */
  internal: (): Answer => ({
    status: 500,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'The request could not be completed.',
    },
  }),
}

/** What the app is built from besides its Keyward instance. */
export interface AppOptions {
  /**
   * Enables `POST /api-keys/token` (JSON, or OAuth form bodies), publishes
   * `GET /.well-known/jwks.json` and the OAuth metadata, and serves introspection at
   * `POST /oauth/introspect` (for keys holding `api_keys:manage`). The same
   * object must be in `createKeyward({ tokenKinds })` so the minted tokens verify.
   */
  accessTokens?: AccessTokens
  /**
   * Serves the "Settings → API Keys" demo: `GET /sign-in` and `POST /sign-in` (a demo
   * person's session cookie), `GET /settings/api-keys` (redirecting to `/sign-in` without a
   * session) and the component's script at `GET /settings/keyward-api-keys.js`, and lets
   * that session manage the demo organisation's keys at `/api-keys`. `main.ts` passes
   * `@keyward/example-shared/settings-assets` (Node only: it bundles with esbuild). Default:
   * none, and `/api-keys` takes API keys only.
   */
  settings?: SettingsAssets
  /**
   * Which proxies in front are believed about the client address (what a key's `allowedIps`
   * are checked against): a hop count or a list of `loopback`-style names, addresses and CIDR
   * ranges, as `TRUST_PROXY` gives it. Express sets it as `trust proxy`, Hono passes it as
   * `trustProxy`. Default: none, the connection's peer is the client.
   */
  trustProxy?: number | string[] | undefined
  /**
   * Serves an edge deployment (`examples/edge-hono`) at `/api-keys/edge/*`: the revocation feed
   * and keys by digest, for callers presenting `secret` as `Keyward-Edge-Secret`. Default none.
   */
  edge?: { secret: string } | undefined
}

/** A project as the example API stores and returns it. */
export interface Project {
  id: string
  name: string
  ownerId: string
  createdAt: string
}

/** The example's projects, in memory and per owner, as both apps serve them at `/v1/projects`. */
export interface Projects {
  /** The owner's projects, oldest first; empty when they have none. */
  list(ownerId: string): Project[]
  /**
   * Stores and returns a new project for the owner from a request body: its `name` trimmed and
   * cut to 100 characters, or `Untitled project` when missing or blank.
   */
  add(ownerId: string, body: unknown): Project
}

/** Builds an empty project list; `now` (milliseconds since the epoch) stamps `createdAt`. */
export function createProjects(now: () => number): Projects {
  const byOwner = new Map<string, Project[]>()
  return {
    list: (ownerId) => byOwner.get(ownerId) ?? [],
    add(ownerId, body) {
      const name = (body as { name?: unknown } | null | undefined)?.name
      const project: Project = {
        id: `prj_${crypto.randomUUID()}`,
        name:
          typeof name === 'string' && name.trim() !== ''
            ? name.trim().slice(0, 100)
            : 'Untitled project',
        ownerId,
        createdAt: new Date(now()).toISOString(),
      }
      byOwner.set(ownerId, [...(byOwner.get(ownerId) ?? []), project])
      return project
    },
  }
}
