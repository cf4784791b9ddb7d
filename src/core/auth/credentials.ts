import type { Caller, Credentials } from './access-policy.ts'
import type { AuthConfig, StaticCredential } from './auth-config.ts'
import type { TokenService } from './token-service.ts'

/** Reads a request header by lower-case name. */
export type HeaderReader = (name: string) => string | undefined

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i

/** The token of `Bearer <token>`; the common exact form is read without a regular expression. */
export function bearerToken(authorization: string): string | undefined {
  // (header values cannot hold control characters: the server refuses them)
  if (authorization.startsWith('Bearer ') && authorization.length > 7 && authorization.indexOf(' ', 7) === -1)
    return authorization.slice(7)
  return BEARER.exec(authorization)?.[1]
}

/**
 * Turns a request's credentials into a caller: a static bearer token or a JWT in `Authorization`,
 * or an API key in the configured header. Answers synchronously unless a JWT needs its signature
 * checked (not yet cached).
 */
export class CredentialReader {
  private readonly config: AuthConfig
  private readonly tokens: TokenService
  private readonly keyHeader: string
  private readonly staticTokens: Map<string, Caller>
  private readonly apiKeys: Map<string, Caller>

  constructor(config: AuthConfig, tokens: TokenService) {
    this.config = config
    this.tokens = tokens
    this.keyHeader = config.apiKeys.header.toLowerCase()
    this.staticTokens = callers(config, config.bearer, 'token')
    this.apiKeys = callers(config, config.apiKeys.keys, 'api-key')
  }

  read(header: HeaderReader): Credentials | Promise<Credentials> {
    const authorization = header('authorization')
    if (authorization !== undefined) {
      const token = bearerToken(authorization)
      if (token === undefined) {
        return {
          status: 'none',
          detail: 'only Bearer credentials are accepted: Authorization: Bearer <token>',
        }
      }
      return this.bearer(token)
    }
    const key = header(this.keyHeader)
    if (key === undefined) return { status: 'none' }
    const caller = this.apiKeys.get(key)
    if (caller !== undefined) return { status: 'ok', caller }
    return { status: 'invalid', detail: `unknown API key in ${this.config.apiKeys.header}` }
  }

  /** A static token or an access token issued by this mock. */
  bearer(token: string): Credentials | Promise<Credentials> {
    const fixed = this.staticTokens.get(token)
    if (fixed !== undefined) return { status: 'ok', caller: fixed }
    return this.tokens.cachedAccess(token) ?? this.tokens.verifyAccess(token)
  }
}

function callers(
  config: AuthConfig,
  credentials: Readonly<Record<string, StaticCredential>>,
  kind: 'token' | 'api-key',
): Map<string, Caller> {
  const map = new Map<string, Caller>()
  for (const [secret, credential] of Object.entries(credentials)) {
    const scopes = new Set(credential.scopes)
    const user = credential.user === undefined ? undefined : config.users[credential.user]
    const caller: Caller =
      user === undefined || credential.user === undefined
        ? { kind, sub: kind === 'token' ? 'static-token' : 'api-key', scopes, claims: {} }
        : { kind, sub: credential.user, user: credential.user, scopes, claims: user.claims }
    map.set(secret, caller)
  }
  return map
}
