import type { Context } from 'hono'
import type { AuthConfig, ClientDef, UserDef } from '../../core/auth/auth-config.ts'
import type { CredentialReader } from '../../core/auth/credentials.ts'
import type { IssuedTokens, TokenService, TokenSubject } from '../../core/auth/token-service.ts'
import { RestmockError } from '../../core/errors.ts'
import { decodeUtf8, parseJsonBody } from '../../core/json-text.ts'
import { readBodyBytes, urlencodedText } from '../body.ts'
import { REDACTED } from '../journal/journal-view.ts'
import { journaledAs, type Responder } from '../reply.ts'
import { rememberBody, requestHeader } from '../request.ts'

/** What the auth server's endpoints work with. */
export interface AuthServer {
  config: AuthConfig
  tokens: TokenService
  reader: CredentialReader
  /** the resource routes' responder: the endpoints get the resources' CORS */
  responder: Responder
  basePath: string
  bodyLimit: number
}

/** Fields of auth requests and answers that the request journal shows as `[redacted]`. */
const SECRET_FIELDS = new Set([
  'password',
  'client_secret',
  'refresh_token',
  'access_token',
  'token',
  'refreshToken',
])
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' }

/** An RFC 6749 5.2 error: `{ error, error_description }` as application/json. */
class OAuthError extends Error {
  readonly status: number
  readonly error: string
  readonly headers: Record<string, string>
  constructor(status: number, error: string, description: string, headers: Record<string, string> = {}) {
    super(description)
    this.status = status
    this.error = error
    this.headers = headers
  }
}

/** POST /__restmock/oauth/token: client_credentials, password and refresh_token grants (RFC 6749). */
export async function tokenEndpoint(c: Context, server: AuthServer): Promise<Response> {
  try {
    const params = await formParams(c, server.bodyLimit)
    const grant = params.get('grant_type')
    if (grant === undefined) throw invalidRequest('grant_type is required')
    const issuer = issuerOf(c)
    let answer: IssuedTokens
    if (grant === 'client_credentials') answer = await clientCredentials(c, server, params, issuer)
    else if (grant === 'password') answer = await passwordGrant(c, server, params, issuer)
    else if (grant === 'refresh_token') answer = await refreshGrant(c, server, params, issuer)
    else {
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        `grant_type "${grant}" is not supported; use client_credentials, password or refresh_token`,
      )
    }
    return secretJson(c, server.responder, 200, { ...answer })
  } catch (error) {
    if (error instanceof OAuthError) return oauthErrorResponse(c, server.responder, error)
    throw error
  }
}

/** POST /__restmock/oauth/revoke (RFC 7009): 200 whether or not the token was known. */
export async function revokeEndpoint(c: Context, server: AuthServer): Promise<Response> {
  try {
    const params = await formParams(c, server.bodyLimit)
    const token = params.get('token')
    if (token === undefined) throw invalidRequest('token is required')
    authenticateClient(c, server.config, params, false)
    await server.tokens.revoke(token)
    return secretJson(c, server.responder, 200, {})
  } catch (error) {
    if (error instanceof OAuthError) return oauthErrorResponse(c, server.responder, error)
    throw error
  }
}

async function clientCredentials(
  c: Context,
  server: AuthServer,
  params: Params,
  issuer: string,
): Promise<IssuedTokens> {
  const client = authenticateClient(c, server.config, params, true)!
  const scopes = requestedScopes(params, client.def.scopes)
  const subject: TokenSubject = {
    sub: client.id,
    scopes,
    claims: {},
    clientId: client.id,
    grant: 'client_credentials',
  }
  return server.tokens.issue(subject, issuer, false)
}

async function passwordGrant(
  c: Context,
  server: AuthServer,
  params: Params,
  issuer: string,
): Promise<IssuedTokens> {
  const client = authenticateClient(c, server.config, params, false)
  const username = params.get('username')
  const password = params.get('password')
  if (username === undefined || password === undefined)
    throw invalidRequest('username and password are required')
  const found = findUser(server.config, username)
  if (found === undefined || found.user.password !== password) {
    throw new OAuthError(400, 'invalid_grant', 'wrong user name or password')
  }
  const scopes = requestedScopes(params, found.user.scopes)
  return server.tokens.issue(userSubject(found.id, found.user, scopes, client?.id, 'password'), issuer, true)
}

async function refreshGrant(
  c: Context,
  server: AuthServer,
  params: Params,
  issuer: string,
): Promise<IssuedTokens> {
  const client = authenticateClient(c, server.config, params, false)
  const token = params.get('refresh_token')
  if (token === undefined) throw invalidRequest('refresh_token is required')
  const verified = await server.tokens.verifyRefresh(token)
  if ('detail' in verified) throw new OAuthError(400, 'invalid_grant', verified.detail)
  const { payload } = verified
  const issuedTo = typeof payload.client_id === 'string' ? payload.client_id : undefined
  if (client !== undefined && issuedTo !== undefined && client.id !== issuedTo) {
    throw new OAuthError(400, 'invalid_grant', 'the refresh token was issued to another client')
  }
  const sub = payload.sub!
  const user = Object.hasOwn(server.config.users, sub) ? server.config.users[sub] : undefined
  if (user === undefined) throw new OAuthError(400, 'invalid_grant', `user "${sub}" no longer exists`)
  const granted = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []
  const scopes = requestedScopes(params, granted)
  // refresh tokens rotate: the one just used stops working
  server.tokens.retire(payload)
  return server.tokens.issue(userSubject(sub, user, scopes, issuedTo, 'refresh_token'), issuer, true)
}

export function userSubject(
  sub: string,
  user: UserDef,
  scopes: readonly string[],
  clientId: string | undefined,
  grant: TokenSubject['grant'],
): TokenSubject {
  const subject: TokenSubject = { sub, scopes, claims: user.claims, grant }
  if (clientId !== undefined) subject.clientId = clientId
  return subject
}

/** A user by key, or by the login field's claim (`email`), or by an `email` claim. */
export function findUser(config: AuthConfig, name: string): { id: string; user: UserDef } | undefined {
  if (Object.hasOwn(config.users, name)) return { id: name, user: config.users[name]! }
  const field = config.login?.username ?? 'email'
  for (const [id, user] of Object.entries(config.users)) {
    if (user.claims[field] === name || user.claims.email === name) return { id, user }
  }
  return undefined
}

/**
 * The client a request authenticates as (HTTP Basic, or client_id + client_secret in the body). A
 * client_id without a secret is a public client (SPAs): accepted for the password and refresh grants.
 */
function authenticateClient(
  c: Context,
  config: AuthConfig,
  params: Params,
  required: boolean,
): { id: string; def: ClientDef } | undefined {
  const basic = basicCredentials(requestHeader(c, 'authorization'))
  const id = basic?.id ?? params.get('client_id')
  const secret = basic?.secret ?? params.get('client_secret')
  const challenge = basic === undefined ? {} : { 'www-authenticate': 'Basic realm="restmock"' }
  if (id === undefined) {
    if (required)
      throw new OAuthError(
        401,
        'invalid_client',
        'client authentication is required (HTTP Basic or client_id and client_secret)',
        challenge,
      )
    return undefined
  }
  const def = Object.hasOwn(config.clients, id) ? config.clients[id] : undefined
  if (def === undefined) {
    if (secret === undefined && !required && Object.keys(config.clients).length === 0) return undefined
    throw new OAuthError(401, 'invalid_client', `unknown client "${id}"`, challenge)
  }
  if (secret === undefined) {
    if (required)
      throw new OAuthError(401, 'invalid_client', 'the client secret is required for this grant', challenge)
    return { id, def }
  }
  if (secret !== def.secret) throw new OAuthError(401, 'invalid_client', 'wrong client secret', challenge)
  return { id, def }
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header === undefined ? null : /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header)
  if (match === null) return undefined
  const text = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = text.indexOf(':')
  if (colon === -1) return undefined
  try {
    return { id: decodeURIComponent(text.slice(0, colon)), secret: decodeURIComponent(text.slice(colon + 1)) }
  } catch {
    return { id: text.slice(0, colon), secret: text.slice(colon + 1) }
  }
}

/** The scopes asked for (all granted ones when none are); invalid_scope when one is not granted. */
function requestedScopes(params: Params, granted: readonly string[]): string[] {
  const asked = params.get('scope')
  if (asked === undefined || asked.trim() === '') return [...granted]
  const scopes = [...new Set(asked.split(' ').filter(Boolean))]
  const refused = scopes.filter((scope) => !granted.includes(scope))
  if (refused.length > 0) {
    throw new OAuthError(
      400,
      'invalid_scope',
      `not granted: ${refused.join(' ')} (may ask for: ${granted.join(' ') || 'nothing'})`,
    )
  }
  return scopes
}

function invalidRequest(description: string): OAuthError {
  return new OAuthError(400, 'invalid_request', description)
}

type Params = { get(name: string): string | undefined }

/** A form body (RFC 6749) or, leniently, a JSON object; remembered redacted for the request journal. */
export async function formParams(c: Context, limit: number): Promise<Params> {
  // read as every other body is: streamed up to the limit, UTF-8 checked, JSON depth and numbers bounded
  const bytes = await oauthRefusal(() => readBodyBytes(c, limit))
  const type = (requestHeader(c, 'content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase()
  const values = new Map<string, string>()
  if (type === 'application/json' || type.endsWith('+json')) {
    const parsed = await oauthRefusal(async () => parseJsonBody(decodeUtf8(bytes)))
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw invalidRequest('the body must be an object')
    for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') values.set(name, value)
  } else if (type === 'application/x-www-form-urlencoded' || (type === '' && bytes.byteLength === 0)) {
    const text = await oauthRefusal(async () => urlencodedText(bytes))
    for (const [name, value] of new URLSearchParams(text)) {
      if (values.has(name)) throw invalidRequest(`parameter ${name} is repeated`)
      values.set(name, value)
    }
  } else {
    throw invalidRequest(`send the parameters as application/x-www-form-urlencoded (got ${type})`)
  }
  rememberBody(c.req.raw, redactFields(Object.fromEntries(values)))
  return { get: (name) => (values.get(name) === '' ? undefined : values.get(name)) }
}

/** A body refused by the shared readers (RestmockError) as RFC 6749's invalid_request. */
async function oauthRefusal<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (!(error instanceof RestmockError)) throw error
    const detail =
      error.code === 'malformed_json'
        ? `${error.message}; or send application/x-www-form-urlencoded`
        : error.message
    throw invalidRequest(detail)
  }
}

/** A copy with every secret field shown as `[redacted]`. */
export function redactFields(body: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(body)) shown[name] = SECRET_FIELDS.has(name) ? REDACTED : value
  return shown
}

/** A JSON answer that is never cached, whose journal copy has its secrets redacted. */
export function secretJson(
  c: Context,
  responder: Responder,
  status: number,
  body: Record<string, unknown>,
): Response {
  const response = responder.json(c, status, JSON.stringify(body), NO_STORE)
  return journaledAs(response, JSON.stringify(redactFields(body)))
}

function oauthErrorResponse(c: Context, responder: Responder, error: OAuthError): Response {
  const body = { error: error.error, error_description: error.message }
  return responder.json(c, error.status, JSON.stringify(body), { ...NO_STORE, ...error.headers })
}

/** The discovery document's issuer: this server's origin + /__restmock. */
export function issuerOf(c: Context): string {
  return `${new URL(c.req.url).origin}/__restmock`
}
