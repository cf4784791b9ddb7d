import { RestmockError } from '../../core/errors.ts'
import { invalidSession, isSessionId } from '../../core/sessions/session.ts'
import type { SessionRegistry } from '../../core/sessions/session-registry.ts'
import { ADMIN_BASE, isAdminPath } from '../admin/admin-api.ts'
import type { CorsForOrigin } from '../cors.ts'
import { problemResponse } from '../problem.ts'
import { type Fetch, rewriteLinkHeaders } from '../reply.ts'
import { headerOf, pathOf } from '../request.ts'
import { withUrl } from '../rewrite-hook.ts'
import { withSession } from './session-scope.ts'

/** The request header that names a session. */
export const SESSION_HEADER = 'x-restmock-session'
/** A path starting with this and an id works on that session: /__session/<id>/<the usual path> */
export const SESSION_PREFIX = '/__session/'

/**
 * `next` behind session selection: a request with `X-Restmock-Session: <id>` or a path starting with
 * `/__session/<id>` goes on with that session in its env (the prefix removed from its URL); any other
 * request goes on untouched, after one header read and one string comparison. A malformed id, or a
 * header and a prefix naming different sessions, is 400 invalid_session. Responses to prefixed requests
 * keep the prefix in `Location` and `Link`. The admin API is never scoped by the header: sessions have
 * their own admin endpoints under /__restmock/sessions/<id>.
 */
export function sessionEntry(registry: SessionRegistry, corsFor: CorsForOrigin, next: Fetch): Fetch {
  return (request, env) => {
    const url = request.url
    const start = pathStart(url)
    const header = headerOf(request, env, SESSION_HEADER)
    const prefixed = url.startsWith(SESSION_PREFIX, start)
    if (header === undefined && !prefixed) return next(request, env)
    if (!prefixed && url.startsWith(ADMIN_BASE, start) && isAdminPath(pathOf(url))) return next(request, env)

    let id = header
    let forwarded = request
    let prefix = ''
    if (prefixed) {
      const idStart = start + SESSION_PREFIX.length
      const idEnd = endOfSegment(url, idStart)
      const fromPath = decodedSegment(url.slice(idStart, idEnd))
      const problem =
        fromPath === undefined || !isSessionId(fromPath)
          ? invalidSession(url.slice(idStart, idEnd), 'the path prefix /__session/')
          : header !== undefined && header !== fromPath
            ? conflicting(header, fromPath)
            : undefined
      if (problem !== undefined) return refuse(problem, request, env, corsFor)
      id = fromPath
      prefix = `${SESSION_PREFIX}${fromPath}`
      const rest = url.slice(idEnd)
      forwarded = withUrl(request, `${url.slice(0, start)}${rest.startsWith('/') ? '' : '/'}${rest}`)
    } else if (!isSessionId(header)) {
      return refuse(invalidSession(header ?? '', 'the X-Restmock-Session header'), request, env, corsFor)
    }

    const session = registry.use(id!)
    const result = next(forwarded, withSession(env, session))
    const write = request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS'
    if (!write && prefix === '') return result
    const origin = url.slice(0, start)
    const finish = (response: Response): Response => {
      if (write) registry.account(session)
      if (prefix !== '') keepPrefix(response, origin, prefix)
      return response
    }
    return result instanceof Promise ? result.then(finish) : finish(result)
  }
}

function conflicting(header: string, fromPath: string): RestmockError {
  return new RestmockError(
    'invalid_session',
    `the X-Restmock-Session header names session ${JSON.stringify(header)} but the path prefix names ${JSON.stringify(fromPath)}; use one, or the same id in both`,
  )
}

function refuse(error: RestmockError, request: Request, env: unknown, corsFor: CorsForOrigin): Response {
  return problemResponse(error, pathOf(request.url), corsFor(headerOf(request, env, 'origin')))
}

/** `Location: /posts/3` -> `/__session/w1/posts/3`; each `<http://host/posts?...>` of `Link` likewise. */
function keepPrefix(response: Response, origin: string, prefix: string): void {
  rewriteLinkHeaders(response, (name, value) => {
    if (name === 'link') return value.replaceAll(`<${origin}/`, `<${origin}${prefix}/`)
    return value.startsWith('/') ? `${prefix}${value}` : value
  })
}

/** Where the path of a URL starts. */
function pathStart(url: string): number {
  const scheme = url.indexOf('://')
  const start = url.indexOf('/', scheme === -1 ? 0 : scheme + 3)
  return start === -1 ? url.length : start
}

/** End of the path segment starting at `from`: the next `/`, `?` or `#`, or the end. */
function endOfSegment(url: string, from: number): number {
  for (let i = from; i < url.length; i++) {
    const char = url.charCodeAt(i)
    if (char === 47 || char === 63 || char === 35) return i
  }
  return url.length
}

function decodedSegment(text: string): string | undefined {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}
