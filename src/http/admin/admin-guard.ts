import { createHash, timingSafeEqual } from 'node:crypto'
import { BlockList, isIP } from 'node:net'
import { RestmockError } from '../../core/errors.ts'
import { problemResponse } from '../problem.ts'
import type { Fetch, Responder } from '../reply.ts'
import { headerOf, pathOf } from '../request.ts'

/** Who may use the admin API (it can read and change everything). */
export interface AdminAccess {
  /** require `Authorization: Bearer <token>` on every admin request (CLI --admin-token, RESTMOCK_ADMIN_TOKEN) */
  adminToken?: string
  /** the one origin granted CORS on the admin API (CLI --admin-origin); default: none */
  adminOrigin?: string
  /**
   * The address the server listens on. Bound to loopback, or not bound at all (an in-process app),
   * an admin request must name a loopback host (`localhost`, `127.x.x.x`, `[::1]`) or this address in
   * its `Host` header, which defeats DNS rebinding. Bound elsewhere, any `Host` is accepted.
   */
  bindHost?: string
}

/** Methods that only read; every other admin method changes state and must send JSON. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6')

/**
 * The admin API behind the checks that keep web pages out of it, in this order: the `Host` (403
 * `forbidden`), the token (401 `unauthenticated`; never asked of an OPTIONS preflight, which a browser
 * sends without credentials), then the JSON-only rule for state-changing methods (415): a page on
 * another site can send a form or `text/plain` POST without a preflight, but not an
 * `application/json` one.
 */
export function guardAdmin(fetch: Fetch, access: AdminAccess, responder: Responder): Fetch {
  const hostAllowed = hostCheck(access.bindHost)
  const tokenAccepted = access.adminToken === undefined ? undefined : tokenCheck(access.adminToken)
  return (request, env) => {
    const refusal = refusalOf(request, env, hostAllowed, tokenAccepted)
    if (refusal === undefined) return fetch(request, env)
    return problemResponse(refusal, pathOf(request.url), responder.corsFor(headerOf(request, env, 'origin')))
  }
}

function refusalOf(
  request: Request,
  env: unknown,
  hostAllowed: ((hostname: string) => boolean) | undefined,
  tokenAccepted: ((authorization: string | undefined) => 'ok' | 'missing' | 'wrong') | undefined,
): RestmockError | undefined {
  if (hostAllowed !== undefined) {
    const host = headerOf(request, env, 'host') ?? hostOfUrl(request.url)
    if (!hostAllowed(hostnameOf(host))) {
      return new RestmockError(
        'forbidden',
        `the admin API answers only requests addressed to this machine (Host: localhost, a loopback address or the address the server listens on), got Host "${host}"`,
      )
    }
  }
  const method = request.method
  if (tokenAccepted !== undefined && method !== 'OPTIONS') {
    const verdict = tokenAccepted(headerOf(request, env, 'authorization'))
    if (verdict !== 'ok') {
      const challenge =
        verdict === 'wrong' ? 'Bearer realm="restmock", error="invalid_token"' : 'Bearer realm="restmock"'
      return new RestmockError(
        'unauthenticated',
        verdict === 'wrong'
          ? 'the admin token is not the one this server was started with'
          : 'the admin API needs Authorization: Bearer <token> (the server was started with --admin-token)',
        { headers: { 'www-authenticate': challenge } },
      )
    }
  }
  if (!READ_METHODS.has(method)) {
    const contentType = headerOf(request, env, 'content-type')
    const mediaType = contentType?.split(';', 1)[0]?.trim() ?? ''
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      const got = contentType === undefined ? 'no Content-Type' : `Content-Type "${contentType}"`
      return new RestmockError(
        'unsupported_media_type',
        `admin requests that change state must be sent with Content-Type: application/json, even without a body (got ${got})`,
        { headers: { 'accept-post': 'application/json' } },
      )
    }
  }
  return undefined
}

/** undefined: any Host is accepted (bound to a non-loopback address). */
function hostCheck(bindHost: string | undefined): ((hostname: string) => boolean) | undefined {
  if (bindHost !== undefined && !isLoopbackHost(hostnameOf(bindHost))) return undefined
  const bound = bindHost === undefined ? undefined : hostnameOf(bindHost)
  return (hostname) => hostname === bound || isLoopbackHost(hostname)
}

export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost') return true
  const family = isIP(hostname)
  if (family === 0) return false
  return LOOPBACK.check(hostname, family === 4 ? 'ipv4' : 'ipv6')
}

/** `Host` value -> lowercase name or address without port, brackets or a final dot. */
export function hostnameOf(host: string): string {
  let name = host.trim().toLowerCase()
  if (name.startsWith('[')) {
    const end = name.indexOf(']')
    name = end === -1 ? name.slice(1) : name.slice(1, end)
  } else if (name.indexOf(':') === name.lastIndexOf(':')) {
    // one colon at most: a name or IPv4 address with a port (more colons: an unbracketed IPv6 address)
    const colon = name.indexOf(':')
    if (colon !== -1) name = name.slice(0, colon)
  }
  return name.endsWith('.') ? name.slice(0, -1) : name
}

function hostOfUrl(url: string): string {
  const scheme = url.indexOf('://')
  if (scheme === -1) return ''
  const start = scheme + 3
  let end = start
  while (end < url.length && url[end] !== '/' && url[end] !== '?' && url[end] !== '#') end++
  return url.slice(start, end)
}

/** Compares digests, so that neither the time taken nor the lengths compared depend on the token. */
function tokenCheck(token: string): (authorization: string | undefined) => 'ok' | 'missing' | 'wrong' {
  const expected = digest(token)
  return (authorization) => {
    const match = authorization === undefined ? null : /^Bearer +(\S+) *$/i.exec(authorization)
    if (match === null) return 'missing'
    return timingSafeEqual(digest(match[1]!), expected) ? 'ok' : 'wrong'
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}
