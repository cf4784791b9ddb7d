import type { CryptoKey, JWK, JWTPayload } from 'jose'
import type { Caller, Credentials } from './access-policy.ts'
import type { AuthConfig } from './auth-config.ts'

type Jose = typeof import('jose')
let loadedJose: Jose | undefined

/** jose loads with the first token: a mock without auth does not hold it in memory */
async function jose(): Promise<Jose> {
  loadedJose ??= await import('jose')
  return loadedJose
}

/** Who a token is for, and what it may do. */
export interface TokenSubject {
  sub: string
  scopes: readonly string[]
  claims: Readonly<Record<string, unknown>>
  /** the OAuth client it was issued to, if any */
  clientId?: string
  /** how it was obtained: `client_credentials` tokens act as the client, the others as a user */
  grant: 'client_credentials' | 'password' | 'refresh_token' | 'login' | 'admin'
}

/** A token endpoint answer (RFC 6749 5.1). */
export interface IssuedTokens {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  scope: string
  refresh_token?: string
}

interface SigningKeys {
  sign: CryptoKey | Uint8Array
  verify: CryptoKey | Uint8Array
  /** the public key as published in the JWKS (RS256 only) */
  publicJwk?: JWK
  kid: string
}

interface Cached {
  caller: Caller
  /** epoch ms after which the token no longer verifies (exp + leeway) */
  expires: number
}

const ACCESS_TYPE = 'at+jwt'
const REFRESH_TYPE = 'rt+jwt'
const CACHE_SIZE = 1024
const OWN_CLAIMS = new Set(['sub', 'scope', 'exp', 'iat', 'nbf', 'iss', 'aud', 'jti', 'client_id', 'gty'])

/**
 * Makes and checks the mock's JWTs with `jose`: access tokens (RFC 9068 `at+jwt`) and refresh tokens.
 * The key is the manifest's or a random one made on first use. Verified access tokens are cached by
 * their text (with their expiry), so a client that sends the same token on every request pays for
 * one signature check. `clock` is wall-clock epoch ms.
 */
export class TokenService {
  private readonly config: AuthConfig
  private readonly clock: () => number
  private keys: Promise<SigningKeys> | undefined
  private readonly verified = new Map<string, Cached>()
  /** jti -> exp (epoch seconds) of revoked tokens that have not expired yet */
  private readonly revoked = new Map<string, number>()

  constructor(config: AuthConfig, clock: () => number) {
    this.config = config
    this.clock = clock
  }

  get algorithm(): 'HS256' | 'RS256' {
    return this.config.tokens.algorithm
  }

  /** An access token (and a refresh token for users) for `subject`, issued by `issuer`. */
  async issue(subject: TokenSubject, issuer: string, withRefresh: boolean): Promise<IssuedTokens> {
    const keys = await this.signingKeys()
    const now = Math.floor(this.clock() / 1000)
    const { ttl, refreshTtl } = this.config.tokens
    const scope = subject.scopes.join(' ')
    const base: JWTPayload = { scope }
    if (subject.clientId !== undefined) base.client_id = subject.clientId
    base.gty = subject.grant
    const access = await this.sign(
      { ...subject.claims, ...base },
      subject.sub,
      issuer,
      now,
      ttl,
      ACCESS_TYPE,
      keys,
    )
    const answer: IssuedTokens = { access_token: access, token_type: 'Bearer', expires_in: ttl, scope }
    if (withRefresh)
      answer.refresh_token = await this.sign(base, subject.sub, issuer, now, refreshTtl, REFRESH_TYPE, keys)
    return answer
  }

  /** A cached verdict on an access token, or undefined when it has to be verified (call `verifyAccess`). */
  cachedAccess(token: string): Credentials | undefined {
    const cached = this.verified.get(token)
    if (cached === undefined) return undefined
    if (this.clock() < cached.expires) return { status: 'ok', caller: cached.caller }
    this.verified.delete(token)
    return { status: 'invalid', detail: 'the access token has expired' }
  }

  /** Checks an access token's signature, type, expiry and revocation. */
  async verifyAccess(token: string): Promise<Credentials> {
    const result = await this.verify(token, ACCESS_TYPE, 'access token')
    if ('detail' in result) return { status: 'invalid', detail: result.detail }
    const { payload } = result
    const caller = callerOf(payload)
    if (this.verified.size >= CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!)
    const expires = ((payload.exp ?? 0) + this.config.tokens.leeway) * 1000
    this.verified.set(token, { caller, expires })
    return { status: 'ok', caller }
  }

  /** The payload of a valid refresh token, or why it is not one. */
  async verifyRefresh(token: string): Promise<{ payload: JWTPayload } | { detail: string }> {
    return this.verify(token, REFRESH_TYPE, 'refresh token')
  }

  /** Revokes an access or refresh token (RFC 7009: unknown or invalid tokens are ignored). */
  async revoke(token: string): Promise<void> {
    this.verified.delete(token)
    const keys = await this.signingKeys()
    try {
      const { payload } = await (await jose()).jwtVerify(token, keys.verify, {
        algorithms: [this.algorithm],
        currentDate: new Date(this.clock()),
        clockTolerance: this.config.tokens.leeway,
      })
      if (typeof payload.jti === 'string') this.revoked.set(payload.jti, payload.exp ?? 0)
      this.forgetExpiredRevocations()
    } catch {
      // an expired, tampered or foreign token needs no revoking
    }
  }

  /** Marks a refresh token's id as used (refresh tokens rotate: each works once). */
  retire(payload: JWTPayload): void {
    if (typeof payload.jti === 'string') this.revoked.set(payload.jti, payload.exp ?? 0)
  }

  /** The JSON Web Key Set: the RS256 public key; empty for HS256 (a shared secret is never published). */
  async jwks(): Promise<{ keys: JWK[] }> {
    const keys = await this.signingKeys()
    return { keys: keys.publicJwk === undefined ? [] : [keys.publicJwk] }
  }

  private async sign(
    payload: JWTPayload,
    sub: string,
    issuer: string,
    now: number,
    ttl: number,
    typ: string,
    keys: SigningKeys,
  ): Promise<string> {
    const { SignJWT } = await jose()
    return new SignJWT(payload)
      .setProtectedHeader({ alg: this.algorithm, kid: keys.kid, typ })
      .setSubject(sub)
      .setIssuer(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .setJti(globalThis.crypto.randomUUID())
      .sign(keys.sign)
  }

  private async verify(
    token: string,
    typ: string,
    what: string,
  ): Promise<{ payload: JWTPayload } | { detail: string }> {
    const keys = await this.signingKeys()
    try {
      const { payload } = await (await jose()).jwtVerify(token, keys.verify, {
        algorithms: [this.algorithm],
        typ,
        currentDate: new Date(this.clock()),
        clockTolerance: this.config.tokens.leeway,
        requiredClaims: ['sub', 'exp', 'jti'],
      })
      if (this.revoked.has(payload.jti as string)) return { detail: `the ${what} has been revoked` }
      return { payload }
    } catch (error) {
      return { detail: rejection(error, what) }
    }
  }

  private forgetExpiredRevocations(): void {
    if (this.revoked.size < CACHE_SIZE) return
    const now = this.clock() / 1000
    for (const [jti, exp] of this.revoked) if (exp + this.config.tokens.leeway < now) this.revoked.delete(jti)
  }

  private signingKeys(): Promise<SigningKeys> {
    this.keys ??= makeKeys(this.config.tokens.algorithm, this.config.tokens.key)
    return this.keys
  }
}

/** Who an access token speaks for. */
function callerOf(payload: JWTPayload): Caller {
  const sub = payload.sub as string
  const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [])
  const claims: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(payload)) if (!OWN_CLAIMS.has(name)) claims[name] = value
  if (payload.gty === 'client_credentials') return { kind: 'client', sub, scopes, claims }
  return { kind: 'user', sub, user: sub, scopes, claims }
}

function rejection(error: unknown, what: string): string {
  // reached from a failed verification, which loaded jose
  const errors = loadedJose?.errors
  if (errors === undefined) return `the ${what} cannot be checked`
  if (error instanceof errors.JWTExpired) return `the ${what} has expired`
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return `the ${what}'s signature does not match (tampered, or signed by another key)`
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'typ')
    return `this is not an ${what}`
  if (error instanceof errors.JOSEAlgNotAllowed)
    return `the ${what} is not signed with the expected algorithm`
  return `the ${what} is not a valid token issued by this mock`
}

async function makeKeys(algorithm: 'HS256' | 'RS256', key: string | undefined): Promise<SigningKeys> {
  const { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, importPKCS8 } = await jose()
  if (algorithm === 'HS256') {
    const secret =
      key === undefined
        ? globalThis.crypto.getRandomValues(new Uint8Array(32))
        : new TextEncoder().encode(key)
    const kid = await calculateJwkThumbprint({ kty: 'oct', k: base64url.encode(secret) })
    return { sign: secret, verify: secret, kid: kid.slice(0, 16) }
  }
  let privateKey: CryptoKey
  if (key === undefined) privateKey = (await generateKeyPair('RS256', { extractable: true })).privateKey
  else privateKey = await importPKCS8(key, 'RS256', { extractable: true })
  const { kty, n, e } = await exportJWK(privateKey)
  const publicJwk: JWK = { kty: kty!, n: n!, e: e! }
  const kid = (await calculateJwkThumbprint(publicJwk)).slice(0, 16)
  const verify = await globalThis.crypto.subtle.importKey(
    'jwk',
    publicJwk,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    true,
    ['verify'],
  )
  return { sign: privateKey, verify, kid, publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' } }
}
