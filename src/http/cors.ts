import type { Context } from 'hono'
import { requestHeader } from './request.ts'

export const EXPOSED_HEADERS: string = [
  'Location',
  'ETag',
  'X-Total-Count',
  'Link',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit-Policy',
  'Preference-Applied',
  'Idempotent-Replayed',
].join(', ')

/**
 * A request without `Origin` is not a cross-origin browser request (browsers send it on every one), so
 * nothing needs exposing; `Vary` keeps a cache from handing this answer to one that is.
 */
const ANY_ORIGIN: Readonly<Record<string, string>> = Object.freeze({
  'access-control-allow-origin': '*',
  vary: 'Origin',
})
const NONE: Readonly<Record<string, string>> = Object.freeze({})

export type CorsHeaders = (c: Context) => Readonly<Record<string, string>>
/** The CORS headers for a request's `Origin` header (undefined: none). */
export type CorsForOrigin = (origin: string | undefined) => Readonly<Record<string, string>>

/**
 * Permissive CORS for a development mock: the caller's origin is echoed (so credentialed requests work
 * too) and the headers clients need are exposed. The headers go into each response's plain header
 * object rather than being patched onto finished responses, which keeps the fast response path.
 */
export function corsForOrigin(enabled: boolean): CorsForOrigin {
  if (!enabled) return () => NONE
  return (origin) => {
    if (origin === undefined) return ANY_ORIGIN
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': EXPOSED_HEADERS,
      vary: 'Origin',
    }
  }
}

/**
 * CORS for the admin API, which can read and change everything: no grant at all, unless one origin is
 * allowed (`--admin-origin`); then only a request from exactly that origin gets one, without
 * credentials (an admin token travels in `Authorization`, not in a cookie).
 */
export function adminCorsForOrigin(allowedOrigin: string | undefined): CorsForOrigin {
  if (allowedOrigin === undefined) return () => NONE
  const granted = Object.freeze({
    'access-control-allow-origin': allowedOrigin,
    'access-control-expose-headers': EXPOSED_HEADERS,
    vary: 'Origin',
  })
  const refused = Object.freeze({ vary: 'Origin' })
  return (origin) => (origin === allowedOrigin ? granted : refused)
}

/** Headers for an OPTIONS answer: `Allow`, plus the preflight grant when `grant` is true. */
export function optionsHeaders(allow: string, c: Context, grant: boolean): Record<string, string> {
  const headers: Record<string, string> = { allow }
  if (grant && requestHeader(c, 'access-control-request-method') !== undefined) {
    headers['access-control-allow-methods'] = allow
    headers['access-control-allow-headers'] =
      requestHeader(c, 'access-control-request-headers') ??
      'Content-Type, Authorization, If-Match, If-None-Match, Prefer, Idempotency-Key, X-Restmock-Session'
    headers['access-control-max-age'] = '600'
  }
  return headers
}
