import type { Hono } from 'hono'
import { grantedScopes } from '../../core/auth/auth-config.ts'
import type { TokenSubject } from '../../core/auth/token-service.ts'
import type { Issue } from '../../core/manifest/model.ts'
import { type AdminExtension, adminRoute, invalidAdminBody } from '../admin/admin-api.ts'
import { readJsonObject } from '../body.ts'
import type { AuthHook } from './auth-hook.ts'
import { OAUTH_BASE, WELL_KNOWN_BASE } from './oauth-routes.ts'
import { issuerOf, userSubject } from './token-endpoint.ts'

const MINT_KEYS = ['user', 'client', 'scopes']

/**
 * Auth's part of the admin API: `POST /__restmock/auth/token` mints a token for a user or a client
 * without going through the OAuth endpoints (tests), and `GET /__restmock` describes the auth
 * setup, with the demo credentials only when `showSecrets` is on.
 */
export function authAdmin(auth: Pick<AuthHook, 'config' | 'tokens'>, showSecrets: boolean): AdminExtension {
  const { tokens } = auth
  return {
    endpoints: ['POST /__restmock/auth/token'],
    info: () => ({ auth: describeAuth(auth, showSecrets) }),
    routes(app: Hono, admin) {
      adminRoute(
        app,
        '/auth/token',
        {
          POST: async (c) => {
            const body = await readJsonObject(c, admin.bodyLimit)
            const subject = subjectOf(auth, body)
            if (!('sub' in subject)) throw invalidAdminBody(subject)
            return { body: await tokens.issue(subject, issuerOf(c), subject.grant !== 'client_credentials') }
          },
        },
        admin.responder,
      )
    },
  }
}

function subjectOf(auth: Pick<AuthHook, 'config'>, body: Record<string, unknown>): TokenSubject | Issue[] {
  const { config } = auth
  const issues: Issue[] = []
  for (const key of Object.keys(body)) {
    if (!MINT_KEYS.includes(key))
      issues.push({ path: key, message: `unknown key; send { user } or { client }, optionally with scopes` })
  }
  const { user, client, scopes } = body
  if ((user === undefined) === (client === undefined)) {
    issues.push({
      path: '',
      message: 'send exactly one of user (a key of auth.users) or client (a key of auth.clients)',
    })
  }
  if (
    scopes !== undefined &&
    !(Array.isArray(scopes) && scopes.every((scope) => typeof scope === 'string'))
  ) {
    issues.push({ path: 'scopes', message: 'must be a list of scope names' })
  }
  if (issues.length > 0) return issues
  const asked = scopes as string[] | undefined
  const pick = (granted: readonly string[]): string[] | undefined => {
    const refused = (asked ?? []).filter((scope) => !granted.includes(scope))
    if (refused.length === 0) return asked === undefined ? [...granted] : [...new Set(asked)]
    issues.push({
      path: 'scopes',
      message: `not granted: ${refused.join(', ')} (granted: ${granted.join(', ') || 'none'})`,
    })
    return undefined
  }
  if (typeof user === 'string' && Object.hasOwn(config.users, user)) {
    const def = config.users[user]!
    const chosen = pick(def.scopes)
    return chosen === undefined ? issues : userSubject(user, def, chosen, undefined, 'admin')
  }
  if (typeof client === 'string' && Object.hasOwn(config.clients, client)) {
    const chosen = pick(config.clients[client]!.scopes)
    if (chosen === undefined) return issues
    return { sub: client, scopes: chosen, claims: {}, clientId: client, grant: 'client_credentials' }
  }
  const [key, known] = user !== undefined ? ['user', config.users] : ['client', config.clients]
  return [
    {
      path: key,
      message: `unknown ${key} ${JSON.stringify(user ?? client)}; known: ${Object.keys(known).join(', ') || 'none'}`,
    },
  ]
}

/** The auth setup as `GET /__restmock` shows it; secrets only when asked for. */
function describeAuth(
  auth: Pick<AuthHook, 'config' | 'tokens'>,
  showSecrets: boolean,
): Record<string, unknown> {
  const { config } = auth
  return {
    protect: config.protect,
    algorithm: config.tokens.algorithm,
    tokenTtlSeconds: config.tokens.ttl,
    refreshTtlSeconds: config.tokens.refreshTtl,
    scopes: [...grantedScopes(config)],
    endpoints: {
      token: `${OAUTH_BASE}/token`,
      revoke: `${OAUTH_BASE}/revoke`,
      userinfo: `${OAUTH_BASE}/userinfo`,
      jwks: `${WELL_KNOWN_BASE}/jwks.json`,
      discovery: `${WELL_KNOWN_BASE}/openid-configuration`,
      ...(config.login === undefined ? {} : { login: config.login.path }),
    },
    users: Object.entries(config.users).map(([id, user]) => ({
      id,
      scopes: user.scopes,
      ...(showSecrets ? { password: user.password } : {}),
    })),
    clients: Object.entries(config.clients).map(([id, client]) => ({
      id,
      scopes: client.scopes,
      ...(showSecrets ? { secret: client.secret } : {}),
    })),
    apiKeys: {
      header: config.apiKeys.header,
      keys: showSecrets
        ? Object.entries(config.apiKeys.keys).map(([key, value]) => ({ key, scopes: value.scopes }))
        : Object.keys(config.apiKeys.keys).length,
    },
    bearerTokens: showSecrets
      ? Object.entries(config.bearer).map(([token, value]) => ({ token, scopes: value.scopes }))
      : Object.keys(config.bearer).length,
    ...(showSecrets ? {} : { secrets: 'hidden: start with --show-secrets (library: showSecrets: true)' }),
  }
}
