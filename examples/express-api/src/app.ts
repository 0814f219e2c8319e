import { defineScopes, type Keyward, type ScopeName } from '@keyward/core'
import { apiKeyAuth, apiKeysRouter, createGuards } from '@keyward/express'
import type { AccessTokens } from '@keyward/jwt'
import express from 'express'

/** The example's scope catalog: what keys can be granted, and what a UI would show. */
export const scopes = defineScopes({
  'projects:read': 'Read projects',
  'projects:write': 'Create and change projects',
  'api_keys:manage': 'Manage API keys',
})

export type Scope = ScopeName<typeof scopes>

/** What the app is built from besides its Keyward instance. */
export interface AppOptions {
  /**
   * Enables `POST /api-keys/token` and publishes `GET /.well-known/jwks.json`. The same
   * object must be in `createKeyward({ tokenKinds })` so the minted tokens verify.
   */
  accessTokens?: AccessTokens
}

interface Project {
  id: string
  name: string
  ownerId: string
  createdAt: string
}

/**
 * The example API: `GET /health` (public), `/v1/*` behind an API key, each route guarded by
 * its scope, and the management API at `/api-keys`. Projects live in memory, per owner.
 */
export function createApp(keyward: Keyward<Scope>, options: AppOptions = {}): express.Express {
  const { accessTokens } = options
  const { requireScopes } = createGuards(keyward)
  const projects = new Map<string, Project[]>()
  const app = express()

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' })
  })
  if (accessTokens) {
    app.get('/.well-known/jwks.json', async (_req, res) => {
      res.set('cache-control', 'public, max-age=300').json(await accessTokens.jwks())
    })
  }

  app.use(
    '/api-keys',
    apiKeysRouter(keyward, {
      manageScope: 'api_keys:manage',
      ...(accessTokens && { accessTokens }),
    }),
  )

  app.use('/v1', apiKeyAuth(keyward))
  app.get('/v1/whoami', (req, res) => {
    res.json(req.apiKey)
  })
  app.get('/v1/projects', requireScopes('projects:read'), (req, res) => {
    res.json({ projects: projects.get(req.apiKey!.ownerId) ?? [] })
  })
  app.post('/v1/projects', requireScopes('projects:write'), express.json(), (req, res) => {
    const ownerId = req.apiKey!.ownerId
    const name: unknown = req.body?.name
    const project: Project = {
      id: `prj_${crypto.randomUUID()}`,
      name:
        typeof name === 'string' && name.trim() !== ''
          ? name.trim().slice(0, 100)
          : 'Untitled project',
      ownerId,
      createdAt: new Date(keyward.now()).toISOString(),
    }
    projects.set(ownerId, [...(projects.get(ownerId) ?? []), project])
    res.status(201).json(project)
  })
  return app
}
