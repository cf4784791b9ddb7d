import type { MiddlewareHandler } from 'hono'

export const EXPOSED_HEADERS = [
  'Location',
  'ETag',
  'X-Total-Count',
  'Link',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Preference-Applied',
].join(', ')

/**
 * Permissive CORS for a development mock: the caller's origin is echoed (so credentialed requests
 * work too), and the headers clients need (pagination, Location, ETag, rate limits) are exposed.
 * Preflights are answered by the routes' OPTIONS handling, which knows the allowed methods.
 */
export function cors(): MiddlewareHandler {
  return async (c, next) => {
    await next()
    const origin = c.req.header('origin')
    const headers = c.res.headers
    if (origin === undefined) {
      headers.set('access-control-allow-origin', '*')
    } else {
      headers.set('access-control-allow-origin', origin)
      headers.set('access-control-allow-credentials', 'true')
      headers.append('vary', 'Origin')
    }
    headers.set('access-control-expose-headers', EXPOSED_HEADERS)
  }
}

/** Headers for an OPTIONS answer: `Allow`, plus the preflight grant when CORS is on. */
export function optionsHeaders(
  allow: string,
  request: Request,
  corsEnabled: boolean,
): Record<string, string> {
  const headers: Record<string, string> = { allow }
  if (corsEnabled && request.headers.get('access-control-request-method') !== null) {
    headers['access-control-allow-methods'] = allow
    headers['access-control-allow-headers'] =
      request.headers.get('access-control-request-headers') ??
      'Content-Type, Authorization, If-Match, If-None-Match, Prefer, Idempotency-Key'
    headers['access-control-max-age'] = '600'
  }
  return headers
}
