import type { RouteRewriter } from '../core/route-rewrites.ts'
import type { PageHook } from './home-page.ts'
import type { Responder } from './reply.ts'

/** Where json-server 0.17 answers its rewrite rules when it has some (`--routes`). */
export const RULES_PATH = '/__rules'

/**
 * `GET /__rules`: the rewrite rules as given (json-server 0.17's answer, the routes.json object), read
 * at each request so that a routes file reloaded by --watch shows its new rules. Never rewritten itself.
 */
export function rulesPage(rewriter: RouteRewriter, responder: Responder): PageHook {
  return (request, path) => {
    if (path !== RULES_PATH || (request.method !== 'GET' && request.method !== 'HEAD')) return undefined
    const origin = request.headers.get('origin') ?? undefined
    return responder.jsonFor(origin, 200, JSON.stringify(rewriter.rules))
  }
}
