// Generated from openApiDocument() by `pnpm --filter @keyward/core openapi`: do not edit.
export interface paths {
  '/api-keys': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    /**
     * One page of the caller's owner's keys
     * @description Newest first (ties by id), revoked keys aside unless `status=revoked`; never a token or a hash. Follow `nextCursor` (or the `Link` header) until it is `null`: a filtered page may hold fewer keys than `limit`, even none, while more follow. A cursor stays valid while keys are added or removed: no key is skipped or repeated.
     */
    get: operations['listKeys']
    put?: never
    /**
     * Create a key
     * @description A key of the caller's owner, with scopes the caller holds (403 otherwise). The token is in this answer only: it is never stored or shown again.
     */
    post: operations['createKey']
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/api-keys/revoke-all': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    get?: never
    put?: never
    /**
     * Revoke every key of the caller's owner
     * @description Incident response: every key of the owner issued until now stops at once, the caller included. Takes no body fields.
     */
    post: operations['revokeAllKeys']
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/api-keys/audit': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    /**
     * One page of the caller's owner's audit log
     * @description Every lifecycle event of the owner (created, updated, rotated, revoked, suspended, …), newest first (ties by id), with who acted, the changed fields before and after, and the client address and user agent when it came over HTTP; never a token or a hash. Events are written within a second or so of the change. Follow `nextCursor` (or the `Link` header) until it is `null`: a filtered page may hold fewer events than `limit`.
     */
    get: operations['listAuditEvents']
    put?: never
    post?: never
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/api-keys/usage': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    /**
     * Totals by outcome for every key of the caller's owner
     * @description Every key of the owner (revoked ones excepted), with its totals by outcome from `from` (default 30 days back) to `to`, summed over the finest granularity still kept for `from`, whose buckets the range is rounded to (`granularity` says which).
     */
    get: operations['summarizeUsage']
    put?: never
    post?: never
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/api-keys/catalog': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    /**
     * What a settings page needs to draw itself
     * @description The declared scopes with descriptions, grouped by resource, which of them the caller may grant, and the lifetime, grace and rate limits in force.
     */
    get: operations['getCatalog']
    put?: never
    post?: never
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/api-keys/token': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    get?: never
    put?: never
    /**
     * Mint a short-lived access token
     * @description Two clients meet here. A JSON body (`{ scope?, expiresIn? }`) with a Bearer API key mints a token for that key (no manage scope needed; an access token cannot mint another, 400); errors are problem+json. A form body is an OAuth token request (RFC 6749 `client_credentials`, the key id as `client_id` and the key as `client_secret`, by HTTP Basic, in the body or as a Bearer token; or RFC 8693 token exchange with the key as `subject_token`, client authentication optional); errors are RFC 6749 §5.2 JSON. `scope` narrows the token to scopes the key holds. Served only when the API mints access tokens.
     */
    post: operations['mintAccessToken']
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/api-keys/self/rotate': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    get?: never
    put?: never
    /**
     * Rotate the calling key itself
     * @description The Bearer API key (not an access token, not a signed-in person) holding the self-rotation scope (default `api_keys:rotate_self`; no manage scope needed) gets a successor with the same name, scopes, expiry, limits and networks; the body takes only `gracePeriod` and `until`, with the rules of `POST /{id}/rotate`. A key gets one successor: rotating it again, even while it still works in its grace period, is 409 `key_inactive`.
     */
    post: operations['rotateSelf']
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/api-keys/openapi.json': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    /**
     * This OpenAPI document
     * @description The OpenAPI 3.1 description of this API, generated from its route table and input rules: its scope catalog, lifetime and grace limits, and whether it mints access tokens.
     */
    get: operations['getOpenApiDocument']
    put?: never
    post?: never
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/api-keys/{id}': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    /**
     * One key
     * @description A key of the caller's owner; another owner's key, and a revoked one, are 404.
     */
    get: operations['getKey']
    put?: never
    post?: never
    /**
     * Revoke a key
     * @description The key stops verifying on every instance at once, for good. Revoking a revoked key answers 204 again.
     */
    delete: operations['revokeKey']
    options?: never
    head?: never
    /**
     * Rename a key, move its expiry, narrow its scopes, change its limits or networks
     * @description At least one field. Scopes only narrow (422). The caller's scopes must cover the key's (403), and a key never changes its own expiry, scopes, limits or allowed IPs (403). A revoked, expired or rotated key is 409 `key_inactive`; a suspended one may be changed.
     */
    patch: operations['updateKey']
    trace?: never
  }
  '/api-keys/{id}/usage': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    /**
     * A key's verifications by outcome over time
     * @description One bucket per `granularity` (minute, hour or UTC day) from the bucket holding `from` (default: an hour, two days or 30 days back) to `to`, empty ones included, at most 10080: `valid` and each refusal of the key (its access tokens count toward it). Instances flush their counts every few seconds (5 s by default), so the latest bucket grows for a while. Another owner's key is 404.
     */
    get: operations['getKeyUsage']
    put?: never
    post?: never
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/api-keys/{id}/rotate': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    get?: never
    put?: never
    /**
     * Rotate a key
     * @description A successor with a new secret and the same name, owner, scopes and expiry; the old key ends after `gracePeriod` (default 0: at once), or with `until: "first-use"` when the successor is first verified on any instance (at most `gracePeriod` later, default the largest grace period). A revoked, expired, rotated or suspended key is 409 `key_inactive`.
     */
    post: operations['rotateKey']
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/api-keys/{id}/suspend': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    get?: never
    put?: never
    /**
     * Suspend a key
     * @description The key (and its access tokens) is refused with 401 `suspended_token` on every instance within the revocation bound, until resumed; nothing else about it changes. Suspending a suspended key changes nothing. A revoked, expired or rotated key is 409 `key_inactive`.
     */
    post: operations['suspendKey']
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/api-keys/{id}/resume': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    get?: never
    put?: never
    /**
     * Resume a suspended key
     * @description The key works again at once, unless it expired meanwhile. The caller's scopes must cover the key's (403). Resuming an active key changes nothing; a revoked, expired or rotated key is 409 `key_inactive`.
     */
    post: operations['resumeKey']
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/.well-known/oauth-authorization-server': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    /**
     * OAuth authorization server metadata (RFC 8414)
     * @description The issuer, the token endpoint and its grant types and client authentication methods, the JWK Set, the scopes and, when enabled, the introspection endpoint.
     */
    get: operations['getAuthorizationServerMetadata']
    put?: never
    post?: never
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/oauth/introspect': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    get?: never
    put?: never
    /**
     * Introspect a token (RFC 7662)
     * @description The caller authenticates like a token client (HTTP Basic, `client_secret_post` or a Bearer API key) and must hold the introspection scope (403). An active token answers `active: true` and what it is; anything else answers `{"active": false}` only.
     */
    post: operations['introspectToken']
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
  '/.well-known/jwks.json': {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    /**
     * The public keys that sign access tokens
     * @description The JWK Set the app publishes (`@keyward/jwt`'s `jwks()`), for verifiers of its access tokens.
     */
    get: operations['getJwks']
    put?: never
    post?: never
    delete?: never
    options?: never
    head?: never
    patch?: never
    trace?: never
  }
}
export type webhooks = Record<string, never>
export interface components {
  schemas: {
    CreateKeyRequest: {
      /** @description 1–100 characters after trimming, no control characters. */
      name: string
      /** @description Scopes the caller holds; wildcards (`projects:*`, `*`) cover catalog scopes. */
      scopes: string[]
      /**
       * Format: date-time
       * @description When the key ends (ISO 8601): in the future, at most 31536000 s from now.
       */
      expiresAt?: string
      /** @description The key lifetime; this or expiresAt is required. Seconds, or a duration like "90d", "12h", "30m", "45s". */
      expiresIn?: number | string
      /** @description Your own JSON, at most 4096 bytes. */
      metadata?: {
        [key: string]: unknown
      }
      /** @description The key's own rate limits; `[]`: none, overriding the deployment defaults. */
      rateLimits?: {
        /** @default default */
        name: string
        limit: number
        /** @description The window; at least 1 s, whole seconds. Seconds, or a duration like "90d", "12h", "30m", "45s". */
        window: number | string
      }[]
      credits?: {
        remaining: number
        refill?: {
          amount: number
          /** @description The window; at least 1 s, whole seconds. Seconds, or a duration like "90d", "12h", "30m", "45s". */
          interval: number | string
        }
      }
      /** @description Addresses and CIDR ranges (IPv4, IPv6) the key may be used from; used from elsewhere it is refused with 403 `ip_not_allowed`. On update, `[]` (or `null`) removes the rules. */
      allowedIps?: string[]
    }
    UpdateKeyRequest: {
      /** @description 1–100 characters after trimming, no control characters. */
      name?: string
      /** @description Scopes the caller holds; wildcards (`projects:*`, `*`) cover catalog scopes. */
      scopes?: string[]
      /**
       * Format: date-time
       * @description When the key ends (ISO 8601): in the future, at most 31536000 s from now.
       */
      expiresAt?: string
      /** @description The key lifetime; this or expiresAt is required. Seconds, or a duration like "90d", "12h", "30m", "45s". */
      expiresIn?: number | string
      /** @description Your own JSON, at most 4096 bytes. */
      metadata?: {
        [key: string]: unknown
      }
      /** @description The key's own rate limits; `[]`: none, overriding the deployment defaults. */
      rateLimits?: {
        /** @default default */
        name: string
        limit: number
        /** @description The window; at least 1 s, whole seconds. Seconds, or a duration like "90d", "12h", "30m", "45s". */
        window: number | string
      }[]
      credits?: {
        remaining: number
        refill?: {
          amount: number
          /** @description The window; at least 1 s, whole seconds. Seconds, or a duration like "90d", "12h", "30m", "45s". */
          interval: number | string
        }
      }
      allowedIps?: string[] | null
    }
    RotateKeyRequest: {
      /** @description How long the old key keeps working; default 0 (ends at once). With `until: "first-use"`: the longest it waits, default the largest grace period, more than 0. Seconds, or a duration like "90d", "12h", "30m", "45s". */
      gracePeriod?: number | string
      /**
       * @description The old key works until the successor is first verified on any instance, then ends everywhere; `gracePeriod` caps the wait.
       * @enum {string}
       */
      until?: 'first-use'
    }
    SuspendKeyRequest: {
      /** @description Why the key is suspended, at most 200 characters. */
      reason?: string
    }
    EmptyBody: Record<string, never>
    AccessTokenRequest: {
      /** @description Space-delimited scopes the key holds; default all of them. */
      scope?: string
      /** @description The access token lifetime. Seconds, or a duration like "90d", "12h", "30m", "45s". */
      expiresIn?: number | string
    }
    ClientCredentialsGrant: {
      /** @constant */
      grant_type: 'client_credentials'
      /** @description Space-delimited scopes the key holds. */
      scope?: string
      /** @description The key id (`client_secret_post`). */
      client_id?: string
      /** @description The API key itself (`client_secret_post`). */
      client_secret?: string
    } & {
      [key: string]: unknown
    }
    TokenExchangeGrant: {
      /** @constant */
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange'
      /** @description The API key. */
      subject_token: string
      /** @constant */
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token'
      /** @enum {unknown} */
      requested_token_type?:
        | 'urn:ietf:params:oauth:token-type:access_token'
        | 'urn:ietf:params:oauth:token-type:jwt'
      audience?: string
      resource?: string
      /** @description Space-delimited scopes the key holds. */
      scope?: string
      /** @description The key id (`client_secret_post`). */
      client_id?: string
      /** @description The API key itself (`client_secret_post`). */
      client_secret?: string
    } & {
      [key: string]: unknown
    }
    IntrospectionRequest: {
      token: string
      token_type_hint?: string
      /** @description The key id (`client_secret_post`). */
      client_id?: string
      /** @description The API key itself (`client_secret_post`). */
      client_secret?: string
    } & {
      [key: string]: unknown
    }
    TokenResponse: {
      access_token: string
      /** @enum {unknown} */
      issued_token_type?:
        | 'urn:ietf:params:oauth:token-type:access_token'
        | 'urn:ietf:params:oauth:token-type:jwt'
      /** @constant */
      token_type: 'Bearer'
      /** @description Seconds. */
      expires_in: number
      scope: string
    }
    IntrospectionResponse: {
      active: boolean
      scope?: string
      /** @description The key id. */
      client_id?: string
      /** @description The owner. */
      sub?: string
      exp?: number
      iat?: number
      /** @constant */
      token_type?: 'Bearer'
      /** @description `api_key`, or the access-token kind. */
      kw_kind?: string
      iss?: string
      aud?: string | string[]
    }
    AuthorizationServerMetadata: {
      issuer: string
      jwks_uri: string
      scopes_supported: string[]
      response_types_supported: unknown[]
      token_endpoint?: string
      grant_types_supported?: (
        | 'client_credentials'
        | 'urn:ietf:params:oauth:grant-type:token-exchange'
      )[]
      token_endpoint_auth_methods_supported?: ('client_secret_basic' | 'client_secret_post')[]
      introspection_endpoint?: string
      introspection_endpoint_auth_methods_supported?: (
        | 'client_secret_basic'
        | 'client_secret_post'
      )[]
    }
    JwkSet: {
      keys: Record<string, never>[]
    }
    OAuthError: {
      /** @enum {string} */
      error:
        | 'invalid_request'
        | 'invalid_client'
        | 'invalid_grant'
        | 'unauthorized_client'
        | 'unsupported_grant_type'
        | 'invalid_scope'
        | 'invalid_target'
        | 'invalid_token'
        | 'insufficient_scope'
        | 'temporarily_unavailable'
      error_description?: string
    }
    ApiKey: {
      id: string
      name: string
      /** @description The prefix and the first 4 secret characters. */
      hint: string
      ownerId: string
      scopes: string[]
      /** Format: date-time */
      createdAt: string
      /** Format: date-time */
      expiresAt: string
      lastUsedAt: string | null
      lastUsed?: {
        /** Format: date-time */
        at: string
        /** @description The client address, as kept (maybe truncated). */
        ip?: string
        /** @description At most 256 characters. */
        userAgent?: string
      }
      /** @description The last 5 distinct client addresses, newest first. */
      recentIps?: {
        ip: string
        /** Format: date-time */
        firstSeen: string
        /** Format: date-time */
        lastSeen: string
      }[]
      /** @enum {string} */
      status: 'active' | 'expired' | 'revoked' | 'rotated' | 'suspended'
      metadata?: {
        [key: string]: unknown
      }
      /** @description The key this one replaced. */
      rotatedFrom?: string
      /** @description The key that replaced this one. */
      rotatedTo?: string
      /**
       * @description The rotation ends this key at its successor's first use (or `expiresAt`).
       * @enum {string}
       */
      rotatedUntil?: 'first-use'
      /** @description The key that keeps working until this key is first used. */
      pendingPredecessor?: string
      /** @description A rotation until first use is waiting: on the old key while it still works, on the successor until its first use. */
      firstUsePending?: boolean
      rateLimits?: {
        name: string
        limit: number
        /** @description Seconds. */
        window: number
      }[]
      credits?: {
        remaining: number
        /** Format: date-time */
        grantedAt: string
        refill?: {
          amount: number
          /** @description Seconds. */
          interval: number
        }
      }
      /** @description The networks the key may be used from; absent: anywhere. */
      allowedIps?: string[]
      /**
       * Format: date-time
       * @description When the key was suspended; absent unless it is.
       */
      suspendedAt?: string
      /** @description Why, when a reason was given. */
      suspendReason?: string
    }
    IssuedKey: {
      key: components['schemas']['ApiKey']
      /** @description The secret: shown in this answer only. */
      token: string
    }
    KeyList: {
      keys: components['schemas']['ApiKey'][]
      /** @description The cursor of the next page; `null` on the last one. */
      nextCursor: string | null
    }
    AuditEvent: {
      id: string
      /** Format: date-time */
      at: string
      /** @description `created`, `updated`, `rotated`, `revoked`, `revoked_all`, `suspended`, … */
      type: string
      /** @description The owner; `*` for a revoke-all of every owner. */
      ownerId: string
      /** @description The key it concerns; absent for an owner-wide event. */
      keyId?: string
      /** @description Who acted: `key:<id>`, a signed-in person's actor, `policy`. */
      actor?: string
      changes?: {
        [key: string]: {
          before?: unknown
          after?: unknown
        }
      }
      /** @description The event's other plain fields. */
      data?: Record<string, never>
      /** @description The HTTP client address, when it came through this API. */
      clientIp?: string
      /** @description The HTTP client `User-Agent` (at most 256 characters). */
      userAgent?: string
    }
    KeyUsage: {
      keyId: string
      /** @enum {string} */
      granularity: 'minute' | 'hour' | 'day'
      buckets: {
        /** Format: date-time */
        start: string
        outcomes: {
          valid?: number
          revoked_token?: number
          expired_token?: number
          suspended_token?: number
          insufficient_scope?: number
          ip_not_allowed?: number
          rate_limited?: number
          usage_exceeded?: number
          unknown_token?: number
          malformed_token?: number
        }
      }[]
    }
    UsageSummary: {
      /** Format: date-time */
      from: string
      /** Format: date-time */
      to: string
      /** @enum {string} */
      granularity: 'minute' | 'hour' | 'day'
      keys: {
        keyId: string
        outcomes: {
          valid?: number
          revoked_token?: number
          expired_token?: number
          suspended_token?: number
          insufficient_scope?: number
          ip_not_allowed?: number
          rate_limited?: number
          usage_exceeded?: number
          unknown_token?: number
          malformed_token?: number
        }
      }[]
    }
    AuditPage: {
      events: components['schemas']['AuditEvent'][]
      /** @description The cursor of the next page; `null` on the last one. */
      nextCursor: string | null
    }
    RevokedAll: {
      /** Format: date-time */
      revokedBefore: string
    }
    Catalog: {
      scopes: {
        name: string
        description: string
        resource: string
        grantable: boolean
      }[]
      groups: {
        resource: string
        scopes: string[]
      }[]
      grantable: string[]
      /** @description Seconds. */
      maxLifetime: number
      /** @description Seconds. */
      defaultExpiresIn: number | null
      /** @description Seconds. */
      maxGracePeriod: number
      defaultRateLimits:
        | {
            name: string
            limit: number
            /** @description Seconds. */
            window: number
          }[]
        | null
    }
    OpenApiDocument: {
      openapi: string
      info: Record<string, never>
      paths: Record<string, never>
    }
    Problem: {
      /** @description `urn:keyward:error:<code>`. */
      type: string
      title: string
      status: number
      detail: string
      /** @enum {string} */
      code:
        | 'missing_token'
        | 'invalid_request'
        | 'malformed_token'
        | 'unknown_token'
        | 'expired_token'
        | 'revoked_token'
        | 'insufficient_scope'
        | 'unavailable'
        | 'invalid_argument'
        | 'not_found'
        | 'request_too_large'
        | 'key_inactive'
        | 'forbidden'
        | 'invalid_signature'
        | 'rate_limited'
        | 'usage_exceeded'
        | 'suspended_token'
        | 'ip_not_allowed'
      /** @description On 422: the field that was wrong (`scopes[1]`). */
      field?: string
      missingScopes?: string[]
    }
    ValidationProblem: {
      /** @constant */
      code?: 'invalid_argument'
    } & WithRequired<components['schemas']['Problem'], 'field'>
  }
  responses: never
  parameters: never
  requestBodies: never
  headers: never
  pathItems: never
}
export type $defs = Record<string, never>
export interface operations {
  listKeys: {
    parameters: {
      query?: {
        /** @description Keys per page, 1–100; default 50. */
        limit?: number
        /** @description The previous page's `nextCursor`; absent: the first page. */
        cursor?: string
        /** @description Only keys with this status now; absent: every key except revoked ones. */
        status?: 'active' | 'suspended' | 'expired' | 'revoked' | 'rotated'
        /** @description A case-insensitive prefix of the name. */
        name?: string
      }
      header?: never
      path?: never
      cookie?: never
    }
    requestBody?: never
    responses: {
      /** @description The page. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description RFC 8288 `<?limit=…&cursor=…>; rel="next"` (relative to the mount) when another page follows. */
          link?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['KeyList']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  createKey: {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateKeyRequest']
      }
    }
    responses: {
      /** @description The key and its token. */
      201: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['IssuedKey']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The body is larger than the limit. */
      413: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  revokeAllKeys: {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    requestBody?: {
      content: {
        'application/json': components['schemas']['EmptyBody']
      }
    }
    responses: {
      /** @description When the revocation applies. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['RevokedAll']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The body is larger than the limit. */
      413: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  listAuditEvents: {
    parameters: {
      query?: {
        /** @description Only events of this key. */
        keyId?: string
        /** @description Only events of this type. */
        type?: string
        /** @description Only events by this actor. */
        actor?: string
        /** @description Only events at or after this instant (ISO 8601). */
        from?: string
        /** @description Only events before this instant (ISO 8601). */
        to?: string
        /** @description Events per page, 1–100; default 50. */
        limit?: number
        /** @description The previous page's `nextCursor`; absent: the first page. */
        cursor?: string
      }
      header?: never
      path?: never
      cookie?: never
    }
    requestBody?: never
    responses: {
      /** @description The page. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description RFC 8288 `<?limit=…&cursor=…>; rel="next"` (relative) when another page follows. */
          link?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['AuditPage']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  summarizeUsage: {
    parameters: {
      query?: {
        /** @description The first summed bucket holds this instant (ISO 8601). */
        from?: string
        /** @description Up to this instant, exclusive (ISO 8601); default now. */
        to?: string
      }
      header?: never
      path?: never
      cookie?: never
    }
    requestBody?: never
    responses: {
      /** @description The totals per key. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['UsageSummary']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  getCatalog: {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    requestBody?: never
    responses: {
      /** @description The catalog. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['Catalog']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  mintAccessToken: {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    requestBody?: {
      content: {
        'application/json': components['schemas']['AccessTokenRequest']
        'application/x-www-form-urlencoded':
          | components['schemas']['ClientCredentialsGrant']
          | components['schemas']['TokenExchangeGrant']
      }
    }
    responses: {
      /** @description The access token (RFC 6749 §5.1). */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description `no-cache`, as RFC 6749 §5.1 asks. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['TokenResponse']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description Another method than the endpoint takes. */
      405: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The methods the endpoint takes. */
          Allow: string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description The body is larger than the limit. */
      413: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
          'application/json': components['schemas']['OAuthError']
        }
      }
    }
  }
  rotateSelf: {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    requestBody?: {
      content: {
        'application/json': components['schemas']['RotateKeyRequest']
      }
    }
    responses: {
      /** @description The successor and its token. */
      201: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['IssuedKey']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The key is revoked, expired or rotated (`key_inactive`). */
      409: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The body is larger than the limit. */
      413: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  getOpenApiDocument: {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    requestBody?: never
    responses: {
      /** @description The document. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'public, max-age=300'
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['OpenApiDocument']
        }
      }
    }
  }
  getKey: {
    parameters: {
      query?: never
      header?: never
      path: {
        /** @description The key id. */
        id: string
      }
      cookie?: never
    }
    requestBody?: never
    responses: {
      /** @description The key. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['ApiKey']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No such key of the caller’s owner. */
      404: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  revokeKey: {
    parameters: {
      query?: never
      header?: never
      path: {
        /** @description The key id. */
        id: string
      }
      cookie?: never
    }
    requestBody?: never
    responses: {
      /** @description Revoked. */
      204: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content?: never
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No such key of the caller’s owner. */
      404: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  updateKey: {
    parameters: {
      query?: never
      header?: never
      path: {
        /** @description The key id. */
        id: string
      }
      cookie?: never
    }
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateKeyRequest']
      }
    }
    responses: {
      /** @description The key as changed. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['ApiKey']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No such key of the caller’s owner. */
      404: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The key is revoked, expired or rotated (`key_inactive`). */
      409: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The body is larger than the limit. */
      413: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  getKeyUsage: {
    parameters: {
      query?: {
        /** @description The first bucket holds this instant (ISO 8601). */
        from?: string
        /** @description Up to this instant, exclusive (ISO 8601); default now. */
        to?: string
        /** @description Bucket width; default `hour`. */
        granularity?: 'minute' | 'hour' | 'day'
      }
      header?: never
      path: {
        /** @description The key id. */
        id: string
      }
      cookie?: never
    }
    requestBody?: never
    responses: {
      /** @description The buckets, oldest first. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['KeyUsage']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No such key of the caller’s owner. */
      404: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  rotateKey: {
    parameters: {
      query?: never
      header?: never
      path: {
        /** @description The key id. */
        id: string
      }
      cookie?: never
    }
    requestBody?: {
      content: {
        'application/json': components['schemas']['RotateKeyRequest']
      }
    }
    responses: {
      /** @description The successor and its token. */
      201: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['IssuedKey']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No such key of the caller’s owner. */
      404: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The key is revoked, expired or rotated (`key_inactive`). */
      409: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The body is larger than the limit. */
      413: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  suspendKey: {
    parameters: {
      query?: never
      header?: never
      path: {
        /** @description The key id. */
        id: string
      }
      cookie?: never
    }
    requestBody?: {
      content: {
        'application/json': components['schemas']['SuspendKeyRequest']
      }
    }
    responses: {
      /** @description The key, suspended. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['ApiKey']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No such key of the caller’s owner. */
      404: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The key is revoked, expired or rotated (`key_inactive`). */
      409: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The body is larger than the limit. */
      413: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  resumeKey: {
    parameters: {
      query?: never
      header?: never
      path: {
        /** @description The key id. */
        id: string
      }
      cookie?: never
    }
    requestBody?: {
      content: {
        'application/json': components['schemas']['EmptyBody']
      }
    }
    responses: {
      /** @description The key as it stands. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['ApiKey']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description No such key of the caller’s owner. */
      404: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The key is revoked, expired or rotated (`key_inactive`). */
      409: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description The body is larger than the limit. */
      413: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A field is invalid; `field` names it. */
      422: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['ValidationProblem']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          [name: string]: unknown
        }
        content: {
          'application/problem+json': components['schemas']['Problem']
        }
      }
    }
  }
  getAuthorizationServerMetadata: {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    requestBody?: never
    responses: {
      /** @description The metadata. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description `no-cache`, as RFC 6749 §5.1 asks. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['AuthorizationServerMetadata']
        }
      }
    }
  }
  introspectToken: {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    requestBody: {
      content: {
        'application/x-www-form-urlencoded': components['schemas']['IntrospectionRequest']
      }
    }
    responses: {
      /** @description What the token is. */
      200: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description `no-cache`, as RFC 6749 §5.1 asks. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['IntrospectionResponse']
        }
      }
      /** @description The request is malformed: its Authorization header, its body or its parameters. */
      400: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description No credential, or one that is malformed, unknown, expired or revoked. */
      401: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate': string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description The caller lacks a scope it needs, or the request breaks the same-origin rule. */
      403: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description The RFC 6750 challenge. */
          'WWW-Authenticate'?: string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description The body is larger than the limit. */
      413: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description The caller’s key is over its rate limit or out of credits. */
      429: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy': string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit: string
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['OAuthError']
        }
      }
      /** @description A backend is unavailable; retry after `Retry-After` seconds. */
      503: {
        headers: {
          /** @description Never cached: it is about credentials. */
          'Cache-Control': 'no-store'
          /** @description The caller's key limits (IETF draft-ietf-httpapi-ratelimit-headers), when it has any. */
          'RateLimit-Policy'?: string
          /** @description What is left of the caller's key limits, when it has any. */
          RateLimit?: string
          /** @description Seconds to wait before retrying. */
          'Retry-After': string
          /** @description `no-cache`. */
          Pragma?: string
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['OAuthError']
        }
      }
    }
  }
  getJwks: {
    parameters: {
      query?: never
      header?: never
      path?: never
      cookie?: never
    }
    requestBody?: never
    responses: {
      /** @description The JWK Set. */
      200: {
        headers: {
          [name: string]: unknown
        }
        content: {
          'application/json': components['schemas']['JwkSet']
        }
      }
    }
  }
}
type WithRequired<T, K extends keyof T> = T & {
  [P in K]-?: T[P]
}

/** The OpenAPI 3.1 document of the management API in its default configuration. */
export declare const document: Record<string, unknown>
