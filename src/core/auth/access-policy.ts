import { RestmockError } from '../errors.ts'
import type { Manifest, ResourceDef } from '../manifest/model.ts'
import type { AuthConfig } from './auth-config.ts'

/** Who sent a request, once its credentials checked out. */
export interface Caller {
  /** how it authenticated */
  kind: 'user' | 'client' | 'api-key' | 'token'
  /** the token's `sub`: a user's key, a client's id, or the name of a key or static token */
  sub: string
  /** the user it acts as (a user login, or a key/static token declared with `user`) */
  user?: string
  scopes: ReadonlySet<string>
  /** the user's claims (empty for clients and keys) */
  claims: Readonly<Record<string, unknown>>
}

/** What a request's credentials turned out to be. */
export type Credentials =
  | { status: 'none'; detail?: string }
  | { status: 'invalid'; detail: string }
  | { status: 'ok'; caller: Caller }

/** What a request to one resource needs. */
export interface Requirement {
  /** every one of these scopes */
  scopes: readonly string[]
  /** a caller must authenticate (false: credentials are read when sent, never required) */
  required: boolean
  /** the caller must be a user (owned rows) */
  user: boolean
}

export const REALM = 'restmock'

export function isReadMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD'
}

/**
 * What `method` on `resource` requires: the resource's own `read`/`write` scopes when it declares them,
 * else `protect` (`writes`: the `write` scope for every method but GET/HEAD; `all`: `read` for those
 * too); an `owner` resource also needs a user. Undefined when the request is open to anyone.
 */
export function requirementFor(
  config: AuthConfig,
  resource: ResourceDef,
  method: string,
): Requirement | undefined {
  if (method === 'OPTIONS') return undefined
  const auth = resource.auth
  if (auth?.public === true) return undefined
  const read = isReadMethod(method)
  const declared = read ? auth?.read : auth?.write
  let scopes: readonly string[]
  if (declared !== undefined) scopes = declared
  else if (config.protect === 'all' || (config.protect === 'writes' && !read))
    scopes = [read ? 'read' : 'write']
  else scopes = []
  const user = auth?.owner !== undefined
  if (scopes.length === 0 && !user && declared === undefined) return undefined
  return { scopes, required: true, user }
}

/** Merge two requirements (a nested route needs its parent's read access too). */
export function bothOf(a: Requirement | undefined, b: Requirement | undefined): Requirement | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return {
    scopes: [...new Set([...a.scopes, ...b.scopes])],
    required: a.required || b.required,
    user: a.user || b.user,
  }
}

/** A requirement that only reads credentials when sent (a request that embeds protected rows). */
export const OPTIONAL: Requirement = Object.freeze({ scopes: [], required: false, user: false })

/** The caller when `credentials` meet `requirement`; otherwise the 401 or 403 to answer. */
export function authorize(
  requirement: Requirement,
  credentials: Credentials,
): Caller | RestmockError | undefined {
  if (credentials.status !== 'ok') {
    if (!requirement.required) return undefined
    return unauthenticated(credentials)
  }
  const { caller } = credentials
  if (requirement.user && caller.user === undefined) {
    return new RestmockError(
      'forbidden',
      `this resource's rows belong to users: sign in as a user (password grant or login), not with a ${kindName(caller.kind)}`,
      { headers: { 'www-authenticate': challenge({ error: 'insufficient_scope' }) } },
    )
  }
  let held = true
  for (const scope of requirement.scopes) if (!caller.scopes.has(scope)) held = false
  if (held) return caller
  const missing = requirement.scopes.filter((scope) => !caller.scopes.has(scope))
  const scope = requirement.scopes.join(' ')
  const names = missing.map((name) => `"${name}"`).join(', ')
  return new RestmockError(
    'forbidden',
    `the credentials lack the scope ${names} (needed: ${scope}; granted: ${[...caller.scopes].join(' ') || 'none'})`,
    { headers: { 'www-authenticate': challenge({ error: 'insufficient_scope', scope }) } },
  )
}

/** The 401 for missing or bad credentials, with its RFC 6750 challenge. */
export function unauthenticated(credentials: Exclude<Credentials, { status: 'ok' }>): RestmockError {
  if (credentials.status === 'none') {
    return new RestmockError(
      'unauthenticated',
      credentials.detail ?? 'this request needs credentials: Authorization: Bearer <token> or an API key',
      { headers: { 'www-authenticate': challenge({}) } },
    )
  }
  return new RestmockError('unauthenticated', credentials.detail, {
    headers: {
      'www-authenticate': challenge({ error: 'invalid_token', error_description: credentials.detail }),
    },
  })
}

/** `Bearer realm="restmock", error="...", ...` (quotes and backslashes escaped). */
export function challenge(params: Record<string, string>): string {
  const parts = [`realm="${REALM}"`]
  for (const [name, value] of Object.entries(params)) {
    parts.push(`${name}="${value.replace(/[\\"]/g, '\\$&').replace(/[^\x20-\x7e]/g, '?')}"`)
  }
  return `Bearer ${parts.join(', ')}`
}

function kindName(kind: Caller['kind']): string {
  return kind === 'api-key' ? 'API key' : kind === 'token' ? 'static token' : 'client'
}

/** The names of resources whose rows are owned (their requests never take shortcuts that skip the owner check). */
export function ownedResources(manifest: Manifest): Set<string> {
  const owned = new Set<string>()
  for (const resource of Object.values(manifest.resources))
    if (resource.auth?.owner !== undefined) owned.add(resource.name)
  return owned
}
