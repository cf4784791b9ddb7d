import type { RouteRewriter } from '../core/route-rewrites.ts'
import { isAdminPath } from './admin/admin-api.ts'
import type { PageHook } from './home-page.ts'
import type { Fetch, Responder } from './reply.ts'
import { pathOf } from './request.ts'

/** Where json-server 0.17 answers its rewrite rules when it has some (`--routes`). */
export const RULES_PATH = '/__rules'

/**
 * `next` behind the URL rewrite rules (--routes): a request whose path and query a rule matches goes on
 * as a request for the rewritten URL, with the same method, headers and body. The admin API and
 * `GET /__rules` are never rewritten. Only wrapped in when there are rules, so a mock without them pays nothing.
 */
export function rewriting(rewriter: RouteRewriter, next: Fetch): Fetch {
  return (request, env) => {
    const url = request.url
    const scheme = url.indexOf('://')
    const start = url.indexOf('/', scheme === -1 ? 0 : scheme + 3)
    if (start === -1) return next(request, env)
    const path = pathOf(url)
    if (isAdminPath(path) || isRulesPage(request, path)) return next(request, env)
    const hash = url.indexOf('#', start)
    const target = url.slice(start, hash === -1 ? url.length : hash)
    const rewritten = rewriter.rewrite(target)
    if (rewritten === undefined) return next(request, env)
    return next(withUrl(request, url.slice(0, start) + rewritten), env)
  }
}

function isRulesPage(request: Request, path: string): boolean {
  return path === RULES_PATH && (request.method === 'GET' || request.method === 'HEAD')
}

/** The same request (method, headers, body) for another URL. */
export function withUrl(request: Request, url: string): Request {
  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
  }
  if (request.body !== null) {
    init.body = request.body
    init.duplex = 'half'
  }
  return new Request(url, init)
}

/**
 * `GET /__rules`: the rewrite rules as given (json-server 0.17's answer, the routes.json object), read
 * at each request so that a routes file reloaded by --watch shows its new rules. Never rewritten itself.
 */
export function rulesPage(rewriter: RouteRewriter, responder: Responder): PageHook {
  return (request, path) => {
    if (!isRulesPage(request, path)) return undefined
    const origin = request.headers.get('origin') ?? undefined
    return responder.jsonFor(origin, 200, JSON.stringify(rewriter.rules))
  }
}
