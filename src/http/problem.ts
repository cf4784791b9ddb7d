import { closestMatches, type ErrorCode, RestmockError } from '../core/errors.ts'
import type { Manifest } from '../core/manifest/model.ts'

/** The one place where error codes become HTTP statuses. */
const STATUS: Record<ErrorCode, number> = {
  malformed_json: 400,
  invalid_body: 400,
  invalid_query: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  simulated_failure: 500,
  persistence_failed: 503,
  internal: 500,
  bad_request: 400,
  headers_too_large: 431,
  request_timeout: 408,
  invalid_session: 400,
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export function statusOf(error: RestmockError): number {
  return error.status ?? STATUS[error.code]
}

export function titleOf(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error')
}

/** An RFC 9457 problem details response (always application/problem+json). */
export function problemResponse(
  error: RestmockError,
  instance: string,
  baseHeaders: Readonly<Record<string, string>> = {},
): Response {
  const status = statusOf(error)
  const body: Record<string, unknown> = {
    type: `/__restmock/problems/${error.code.replaceAll('_', '-')}`,
    title: titleOf(status),
    status,
    code: error.code,
    detail: error.message,
    instance,
  }
  if (error.errors !== undefined && error.errors.length > 0) body.errors = error.errors
  const headers = { ...baseHeaders, ...error.headers, 'content-type': 'application/problem+json' }
  return new Response(JSON.stringify(body), { status, headers })
}

/** Anything thrown becomes a problem; an unexpected error is a generic 500 (the real one is logged). */
export function toRestmockError(error: unknown, logUnexpected: (error: unknown) => void): RestmockError {
  if (error instanceof RestmockError) return error
  logUnexpected(error)
  return new RestmockError('internal', 'an unexpected error occurred; the server logged the details')
}

/**
 * For a 404 whose path names no resource but is one typo away from one (`/api/product`, or `/products`
 * when the resources live under `/api`): `no resource "product" at /api/product; did you mean
 * /api/products?`. Undefined when the path names a resource or nothing is close, so the caller keeps its
 * own detail. Runs for 404s only, never on the way to a found record.
 */
export function resourceHint(manifest: Manifest, path: string): string | undefined {
  const { basePath, resources } = manifest
  const underBase = basePath === '' || path.startsWith(`${basePath}/`)
  const rest = underBase ? path.slice(basePath.length) : path
  const [, name = '', ...more] = rest.split('/')
  if (name === '' || (underBase && Object.hasOwn(resources, name))) return undefined
  const [match] = closestMatches(name, Object.keys(resources), 1)
  if (match === undefined) return undefined
  const suggestion = [`${basePath}/${match}`, ...more].join('/')
  if (suggestion === path) return undefined
  return `no resource ${JSON.stringify(name)} at ${path}; did you mean ${suggestion}?`
}
