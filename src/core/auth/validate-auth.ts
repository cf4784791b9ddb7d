import { didYouMean } from '../errors.ts'
import type { ResourceDef } from '../manifest/model.ts'
import {
  describeValue,
  isPlainObject,
  joinPath,
  type PlainObject,
  type Reporter,
} from '../manifest/reporter.ts'
import {
  type AuthConfig,
  type ClientDef,
  DEFAULT_API_KEY_HEADER,
  DEFAULT_REFRESH_TTL_SECONDS,
  DEFAULT_TTL_SECONDS,
  grantedScopes,
  type LoginDef,
  type Protect,
  RESERVED_CLAIMS,
  type ResourceAuth,
  type StaticCredential,
  type TokenAlgorithm,
  type TokenSettings,
  type UserDef,
} from './auth-config.ts'

export const AUTH_KEYS = ['apiKeys', 'bearer', 'clients', 'users', 'login', 'tokens', 'protect'] as const
export const API_KEY_KEYS = ['header', 'keys'] as const
export const BEARER_KEYS = ['tokens'] as const
export const STATIC_KEYS = ['scopes', 'user'] as const
export const CLIENT_KEYS = ['secret', 'scopes'] as const
export const USER_KEYS = ['password', 'scopes', 'claims'] as const
export const LOGIN_KEYS = ['path', 'username'] as const
export const TOKEN_KEYS = ['ttl', 'refreshTtl', 'algorithm', 'key', 'leeway'] as const
export const RESOURCE_AUTH_KEYS = ['read', 'write', 'owner', 'public'] as const
const PROTECT: readonly Protect[] = ['none', 'writes', 'all']
const ALGORITHMS: readonly TokenAlgorithm[] = ['HS256', 'RS256']
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 }
const DURATION_HINT = 'a duration such as "90s", "15m", "12h" or "7d" (a number is seconds)'
const MIN_HS256_SECRET = 32

/** Seconds from `90` (seconds), `"90s"`, `"15m"`, `"12h"` or `"7d"`; undefined when not a duration. */
export function parseAuthDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(value.trim())
  if (match === null) return undefined
  return Number(match[1]) * UNIT_SECONDS[match[2] ?? 's']!
}

/** The manifest's top-level `auth`, normalized; problems go to `report` with their dotted location. */
export function readAuth(raw: unknown, report: Reporter): AuthConfig | undefined {
  const auth = report.object(raw, 'auth')
  if (auth === undefined) return undefined
  report.unknownKeys(auth, AUTH_KEYS, 'auth', 'auth')
  const config: AuthConfig = {
    apiKeys: readApiKeys(auth.apiKeys, report),
    bearer: readBearer(auth.bearer, report),
    clients: readMap(auth.clients, 'auth.clients', report, readClient),
    users: readMap(auth.users, 'auth.users', report, readUser),
    tokens: readTokens(auth.tokens, report),
    protect: report.oneOf(auth.protect, PROTECT, 'auth.protect') ?? 'none',
  }
  const login = readLogin(auth.login, report)
  if (login !== undefined) config.login = login
  for (const [where, credentials] of [
    ['auth.apiKeys.keys', config.apiKeys.keys],
    ['auth.bearer.tokens', config.bearer],
  ] as const) {
    for (const [name, credential] of Object.entries(credentials)) {
      if (credential.user !== undefined && !Object.hasOwn(config.users, credential.user)) {
        report.add(
          `${where}.${name}.user`,
          `unknown user "${credential.user}"${didYouMean(credential.user, Object.keys(config.users))}; declare it under auth.users`,
        )
      }
    }
  }
  if (config.login !== undefined && Object.keys(config.users).length === 0) {
    report.add('auth.login', 'needs at least one user under auth.users to log in with')
  }
  return config
}

/** A resource's `auth`: `public`, or `{ read, write, owner, public }`. */
export function readResourceAuth(raw: unknown, path: string, report: Reporter): ResourceAuth | undefined {
  if (raw === undefined) return undefined
  if (raw === 'public') return { public: true }
  if (!isPlainObject(raw)) {
    report.add(
      path,
      `must be "public" or an object such as { read: [read], write: [write], owner: ownerId }, got ${describeValue(raw)}`,
    )
    return undefined
  }
  report.unknownKeys(raw, RESOURCE_AUTH_KEYS, path, 'resource auth')
  const auth: ResourceAuth = { public: report.boolean(raw.public, joinPath(path, 'public')) ?? false }
  const read = readScopes(raw.read, joinPath(path, 'read'), report)
  if (read !== undefined) auth.read = read
  const write = readScopes(raw.write, joinPath(path, 'write'), report)
  if (write !== undefined) auth.write = write
  const owner = report.string(raw.owner, joinPath(path, 'owner'))
  if (owner !== undefined) auth.owner = owner
  if (auth.public && (read !== undefined || write !== undefined || owner !== undefined)) {
    report.add(path, 'a public resource cannot also require scopes or an owner: remove `public` or the rest')
  }
  return auth
}

/**
 * Checks that tie resources to the auth block: every scope a resource requires is held by some
 * credential, an owner field exists, and resource rules have an auth block to work with.
 */
export function checkResourceAuth(
  resources: Readonly<Record<string, ResourceDef>>,
  config: AuthConfig | undefined,
  report: Reporter,
): void {
  const granted = config === undefined ? new Set<string>() : grantedScopes(config)
  for (const resource of Object.values(resources)) {
    const auth = resource.auth
    if (auth === undefined) continue
    const path = `resources.${resource.name}.auth`
    if (config === undefined) {
      if (!auth.public)
        report.add(
          path,
          'needs a top-level `auth` block that declares the credentials (users, clients, keys)',
        )
      continue
    }
    for (const kind of ['read', 'write'] as const) {
      for (const [index, scope] of (auth[kind] ?? []).entries()) {
        if (granted.has(scope)) continue
        const known = [...granted]
        const hint = didYouMean(scope, known)
        const which =
          known.length === 0 ? 'no credential holds any scope' : `known scopes: ${known.join(', ')}`
        report.add(
          `${path}.${kind}.${index}`,
          `unknown scope "${scope}"${hint}: no API key, token, client or user holds it (${which})`,
        )
      }
    }
    if (auth.owner === undefined) continue
    if (resource.singleton) {
      report.add(`${path}.owner`, 'a singleton has no rows to own: remove `owner`')
      continue
    }
    if (Object.keys(config.users).length === 0) {
      report.add(`${path}.owner`, 'rows are owned by users: declare at least one under auth.users')
    }
    const fields = resource.fields
    if (fields === undefined) continue
    const field = fields[auth.owner]
    if (field === undefined) {
      report.add(
        `${path}.owner`,
        `unknown field "${auth.owner}"${didYouMean(auth.owner, Object.keys(fields))}: declare it under resources.${resource.name}.fields (type: string) or name an existing field`,
      )
    } else if (field.type !== 'string') {
      report.add(
        `${path}.owner`,
        `field "${auth.owner}" must be a string to hold user ids, got ${field.type}`,
      )
    }
  }
}

function readApiKeys(raw: unknown, report: Reporter): AuthConfig['apiKeys'] {
  const object = report.object(raw, 'auth.apiKeys')
  if (object === undefined) return { header: DEFAULT_API_KEY_HEADER, keys: {} }
  report.unknownKeys(object, API_KEY_KEYS, 'auth.apiKeys', 'apiKeys')
  let header = report.string(object.header, 'auth.apiKeys.header') ?? DEFAULT_API_KEY_HEADER
  if (!HEADER_NAME.test(header)) {
    report.add('auth.apiKeys.header', `must be a header name such as X-API-Key, got "${header}"`)
    header = DEFAULT_API_KEY_HEADER
  }
  if (header.toLowerCase() === 'authorization') {
    report.add(
      'auth.apiKeys.header',
      'Authorization carries bearer tokens: choose another header for API keys',
    )
  }
  return { header, keys: readMap(object.keys, 'auth.apiKeys.keys', report, readStatic) }
}

function readBearer(raw: unknown, report: Reporter): AuthConfig['bearer'] {
  const object = report.object(raw, 'auth.bearer')
  if (object === undefined) return {}
  report.unknownKeys(object, BEARER_KEYS, 'auth.bearer', 'bearer')
  return readMap(object.tokens, 'auth.bearer.tokens', report, readStatic)
}

function readMap<T>(
  raw: unknown,
  path: string,
  report: Reporter,
  read: (value: PlainObject, path: string, report: Reporter) => T,
): Record<string, T> {
  const object = report.object(raw, path)
  const result: Record<string, T> = {}
  for (const [name, value] of Object.entries(object ?? {})) {
    const where = joinPath(path, name)
    if (name === '' || /\s/.test(name)) report.add(where, 'names must be non-empty and without spaces')
    const entry = report.object(value ?? {}, where)
    if (entry !== undefined) result[name] = read(entry, where, report)
  }
  return result
}

function readStatic(object: PlainObject, path: string, report: Reporter): StaticCredential {
  report.unknownKeys(object, STATIC_KEYS, path, 'credential')
  const credential: StaticCredential = {
    scopes: readScopes(object.scopes, joinPath(path, 'scopes'), report) ?? [],
  }
  const user = report.string(object.user, joinPath(path, 'user'))
  if (user !== undefined) credential.user = user
  return credential
}

function readClient(object: PlainObject, path: string, report: Reporter): ClientDef {
  report.unknownKeys(object, CLIENT_KEYS, path, 'client')
  const secret = report.string(object.secret, joinPath(path, 'secret'))
  if (object.secret === undefined) report.add(joinPath(path, 'secret'), 'is required: the client secret')
  return { secret: secret ?? '', scopes: readScopes(object.scopes, joinPath(path, 'scopes'), report) ?? [] }
}

function readUser(object: PlainObject, path: string, report: Reporter): UserDef {
  report.unknownKeys(object, USER_KEYS, path, 'user')
  const password = report.string(object.password, joinPath(path, 'password'))
  if (object.password === undefined) report.add(joinPath(path, 'password'), 'is required: the user password')
  const claims = report.object(object.claims, joinPath(path, 'claims')) ?? {}
  for (const name of Object.keys(claims)) {
    if (RESERVED_CLAIMS.includes(name)) {
      report.add(
        joinPath(joinPath(path, 'claims'), name),
        `"${name}" is set by restmock in every token; choose another claim name`,
      )
    }
  }
  return {
    password: password ?? '',
    scopes: readScopes(object.scopes, joinPath(path, 'scopes'), report) ?? [],
    claims,
  }
}

function readLogin(raw: unknown, report: Reporter): LoginDef | undefined {
  const object = report.object(raw, 'auth.login')
  if (object === undefined) return undefined
  report.unknownKeys(object, LOGIN_KEYS, 'auth.login', 'login')
  let path = report.string(object.path, 'auth.login.path') ?? '/auth/login'
  if (!/^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/.test(path)) {
    report.add('auth.login.path', `must be a path such as /auth/login, got "${path}"`)
    path = '/auth/login'
  }
  const username = report.string(object.username, 'auth.login.username') ?? 'username'
  if (username === 'password') report.add('auth.login.username', 'must differ from the `password` field')
  return { path, username }
}

function readTokens(raw: unknown, report: Reporter): TokenSettings {
  const object = report.object(raw, 'auth.tokens') ?? {}
  report.unknownKeys(object, TOKEN_KEYS, 'auth.tokens', 'tokens')
  const tokens: TokenSettings = {
    ttl: readDuration(object.ttl, 'auth.tokens.ttl', report, DEFAULT_TTL_SECONDS),
    refreshTtl: readDuration(
      object.refreshTtl,
      'auth.tokens.refreshTtl',
      report,
      DEFAULT_REFRESH_TTL_SECONDS,
    ),
    algorithm: report.oneOf(object.algorithm, ALGORITHMS, 'auth.tokens.algorithm') ?? 'RS256',
    leeway: readDuration(object.leeway, 'auth.tokens.leeway', report, 0),
  }
  if (tokens.ttl === 0) report.add('auth.tokens.ttl', 'must be longer than 0s')
  const key = report.string(object.key, 'auth.tokens.key')
  if (key !== undefined) {
    if (tokens.algorithm === 'HS256' && key.length < MIN_HS256_SECRET) {
      report.add('auth.tokens.key', `an HS256 secret must be at least ${MIN_HS256_SECRET} characters`)
    } else if (tokens.algorithm === 'RS256' && !key.includes('-----BEGIN PRIVATE KEY-----')) {
      report.add(
        'auth.tokens.key',
        'an RS256 key must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----), e.g. from `openssl genpkey -algorithm RSA`',
      )
    }
    tokens.key = key
  }
  return tokens
}

function readDuration(raw: unknown, path: string, report: Reporter, fallback: number): number {
  if (raw === undefined) return fallback
  const seconds = parseAuthDuration(raw)
  if (seconds !== undefined) return seconds
  report.add(path, `must be ${DURATION_HINT}, got ${describeValue(raw)}`)
  return fallback
}

function readScopes(raw: unknown, path: string, report: Reporter): string[] | undefined {
  if (raw === undefined) return undefined
  const list = typeof raw === 'string' ? raw.split(' ').filter((scope) => scope !== '') : raw
  if (!Array.isArray(list) || !list.every((scope) => typeof scope === 'string')) {
    report.add(path, `must be a list of scope names such as [read, write], got ${describeValue(raw)}`)
    return undefined
  }
  const scopes: string[] = []
  for (const scope of list as string[]) {
    if (SCOPE.test(scope)) scopes.push(scope)
    else report.add(path, `scope "${scope}" must be visible ASCII without spaces, quotes or backslashes`)
  }
  return scopes
}
