import { type Context, Hono } from 'hono'
import { challenge, unauthenticated } from '../../core/auth/access-policy.ts'
import { grantedScopes } from '../../core/auth/auth-config.ts'
import { bearerToken } from '../../core/auth/credentials.ts'
import { RestmockError } from '../../core/errors.ts'
import { readJsonObject } from '../body.ts'
import { optionsHeaders } from '../cors.ts'
import { REDACTED } from '../journal/journal-view.ts'
import { problemResponse, toRestmockError } from '../problem.ts'
import { rememberBody, requestHeader } from '../request.ts'
import {
  type AuthServer,
  findUser,
  issuerOf,
  redactFields,
  revokeEndpoint,
  secretJson,
  tokenEndpoint,
  userSubject,
} from './token-endpoint.ts'

export const OAUTH_BASE = '/__restmock/oauth'
export const WELL_KNOWN_BASE = '/__restmock/.well-known'

type Handler = (c: Context) => Response | Promise<Response>

/**
 * The auth server: the OAuth 2 token, revocation and userinfo endpoints, the JWKS and OpenID
 * discovery documents, and the optional app-style login route. They belong to the mock API (the
 * resources' CORS, form bodies), not to the admin API.
 */
export function createOAuthApp(server: AuthServer, logError: (error: unknown) => void): Hono {
  const app = new Hono({ strict: false })
  const { responder } = server
  app.onError((error, c) => problemResponse(toRestmockError(error, logError), c.req.path, responder.cors(c)))
  app.notFound((c) =>
    problemResponse(
      new RestmockError(
        'not_found',
        `no auth endpoint ${c.req.method} ${c.req.path}; see GET ${WELL_KNOWN_BASE}/openid-configuration`,
      ),
      c.req.path,
      responder.cors(c),
    ),
  )
  const route = (path: string, methods: Record<string, Handler>) => {
    const allow = [...Object.keys(methods), ...(methods.GET === undefined ? [] : ['HEAD']), 'OPTIONS'].join(
      ', ',
    )
    app.all(path, (c) => {
      const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
      if (method === 'OPTIONS')
        return responder.empty(c, 204, optionsHeaders(allow, c, responder.corsEnabled))
      const handler = methods[method]
      if (handler === undefined) {
        throw new RestmockError(
          'method_not_allowed',
          `${c.req.method} is not allowed here; allowed: ${allow}`,
          {
            headers: { allow },
          },
        )
      }
      return handler(c)
    })
  }

  route(`${OAUTH_BASE}/token`, { POST: (c) => tokenEndpoint(c, server) })
  route(`${OAUTH_BASE}/revoke`, { POST: (c) => revokeEndpoint(c, server) })
  const userinfo: Handler = (c) => userinfoEndpoint(c, server)
  route(`${OAUTH_BASE}/userinfo`, { GET: userinfo, POST: userinfo })
  route(`${WELL_KNOWN_BASE}/jwks.json`, {
    GET: async (c) => responder.json(c, 200, JSON.stringify(await server.tokens.jwks())),
  })
  route(`${WELL_KNOWN_BASE}/openid-configuration`, {
    GET: (c) => responder.json(c, 200, JSON.stringify(discovery(c, server))),
  })
  const login = server.config.login
  if (login !== undefined) route(`${server.basePath}${login.path}`, { POST: (c) => loginRoute(c, server) })
  return app
}

/** True for the paths the auth server answers. */
export function authServerPaths(server: Pick<AuthServer, 'config' | 'basePath'>): (path: string) => boolean {
  const login =
    server.config.login === undefined ? undefined : `${server.basePath}${server.config.login.path}`
  const loginSlash = login === undefined ? undefined : `${login}/`
  const oauth = `${OAUTH_BASE}/`
  const wellKnown = `${WELL_KNOWN_BASE}/`
  return (path) =>
    path === login ||
    path === loginSlash ||
    (path.startsWith('/__restmock/') && (path.startsWith(oauth) || path.startsWith(wellKnown)))
}

/** GET /__restmock/oauth/userinfo: the claims of the token in Authorization (RFC 6750 errors). */
async function userinfoEndpoint(c: Context, server: AuthServer): Promise<Response> {
  const token = bearerToken(requestHeader(c, 'authorization') ?? '')
  const credentials = token === undefined ? ({ status: 'none' } as const) : await server.reader.bearer(token)
  if (credentials.status !== 'ok') throw unauthenticated(credentials)
  const { caller } = credentials
  const body = { sub: caller.sub, ...caller.claims, scope: [...caller.scopes].join(' ') }
  return server.responder.json(c, 200, JSON.stringify(body), { 'cache-control': 'no-store' })
}

/** POST <basePath><login.path> with `{ <username>, password }`: `{ token, refreshToken, expiresIn, user }`. */
async function loginRoute(c: Context, server: AuthServer): Promise<Response> {
  const login = server.config.login!
  const body = await readJsonObject(c, server.bodyLimit).catch((error: unknown) => {
    // a body refused unread may still hold the password: the journal shows none of it
    rememberBody(c.req.raw, REDACTED)
    throw error
  })
  rememberBody(c.req.raw, redactFields(body))
  const name = body[login.username]
  const password = body.password
  if (typeof name !== 'string' || typeof password !== 'string') {
    throw new RestmockError(
      'invalid_body',
      `send { "${login.username}": "...", "password": "..." } as JSON`,
      {
        errors: [
          ...(typeof name === 'string'
            ? []
            : [{ pointer: `/${login.username}`, detail: 'is required (a string)' }]),
          ...(typeof password === 'string'
            ? []
            : [{ pointer: '/password', detail: 'is required (a string)' }]),
        ],
      },
    )
  }
  const found = findUser(server.config, name)
  if (found === undefined || found.user.password !== password) {
    throw new RestmockError('unauthenticated', 'wrong user name or password', {
      headers: { 'www-authenticate': challenge({}) },
    })
  }
  const tokens = await server.tokens.issue(
    userSubject(found.id, found.user, found.user.scopes, undefined, 'login'),
    issuerOf(c),
    true,
  )
  return secretJson(c, server.responder, 200, {
    token: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresIn: tokens.expires_in,
    user: { id: found.id, ...found.user.claims },
  })
}

/** The OpenID Provider metadata (discovery) for an OIDC client library. */
function discovery(c: Context, server: AuthServer): Record<string, unknown> {
  const issuer = issuerOf(c)
  const origin = issuer.slice(0, -'/__restmock'.length)
  const claims = new Set(['sub', 'scope'])
  for (const user of Object.values(server.config.users))
    for (const name of Object.keys(user.claims)) claims.add(name)
  const authMethods = ['client_secret_basic', 'client_secret_post', 'none']
  return {
    issuer,
    token_endpoint: `${origin}${OAUTH_BASE}/token`,
    revocation_endpoint: `${origin}${OAUTH_BASE}/revoke`,
    userinfo_endpoint: `${origin}${OAUTH_BASE}/userinfo`,
    jwks_uri: `${origin}${WELL_KNOWN_BASE}/jwks.json`,
    grant_types_supported: ['client_credentials', 'password', 'refresh_token'],
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [server.tokens.algorithm],
    token_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    scopes_supported: [...grantedScopes(server.config)],
    claims_supported: [...claims],
  }
}
