/** The manifest's `auth` block, validated and normalized (every default filled in). */

export type Protect = 'none' | 'writes' | 'all'
export type TokenAlgorithm = 'HS256' | 'RS256'

/** A credential that is not a user login: an API key or a static bearer token. */
export interface StaticCredential {
  scopes: readonly string[]
  /** acts as this user (its `sub` and claims), when given */
  user?: string
}

export interface ClientDef {
  secret: string
  scopes: readonly string[]
}

export interface UserDef {
  password: string
  scopes: readonly string[]
  claims: Readonly<Record<string, unknown>>
}

export interface LoginDef {
  /** relative to basePath, starts with "/" */
  path: string
  /** the body field holding the user name (matched against the user's key or that claim) */
  username: string
}

export interface TokenSettings {
  /** access token lifetime, seconds */
  ttl: number
  /** refresh token lifetime, seconds */
  refreshTtl: number
  algorithm: TokenAlgorithm
  /** HS256: the shared secret; RS256: a PKCS#8 PEM private key. Absent: a random key per run */
  key?: string
  /** clock tolerance when checking `exp`, seconds */
  leeway: number
}

export interface AuthConfig {
  apiKeys: { header: string; keys: Readonly<Record<string, StaticCredential>> }
  bearer: Readonly<Record<string, StaticCredential>>
  clients: Readonly<Record<string, ClientDef>>
  users: Readonly<Record<string, UserDef>>
  login?: LoginDef
  tokens: TokenSettings
  protect: Protect
}

/** A resource's `auth`: `public`, or scopes per kind of access and an owner field. */
export interface ResourceAuth {
  public: boolean
  /** scopes every GET/HEAD needs (all of them); undefined: `protect` decides */
  read?: readonly string[]
  /** scopes every other method needs; undefined: `protect` decides */
  write?: readonly string[]
  /** field holding the owning user's id (`sub`) */
  owner?: string
}

export const DEFAULT_API_KEY_HEADER = 'X-API-Key'
export const DEFAULT_TTL_SECONDS: number = 15 * 60
export const DEFAULT_REFRESH_TTL_SECONDS: number = 7 * 24 * 3600

/** JWT claims a user's `claims` may not set: they are the token's own. */
export const RESERVED_CLAIMS: readonly string[] = [
  'sub',
  'scope',
  'exp',
  'iat',
  'nbf',
  'iss',
  'aud',
  'jti',
  'client_id',
]

/** Every scope some credential can hold. */
export function grantedScopes(config: AuthConfig): Set<string> {
  const scopes = new Set<string>()
  const add = (list: readonly string[]) => {
    for (const scope of list) scopes.add(scope)
  }
  for (const key of Object.values(config.apiKeys.keys)) add(key.scopes)
  for (const token of Object.values(config.bearer)) add(token.scopes)
  for (const client of Object.values(config.clients)) add(client.scopes)
  for (const user of Object.values(config.users)) add(user.scopes)
  return scopes
}
