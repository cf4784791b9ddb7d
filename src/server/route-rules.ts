import { resolve } from 'node:path'
import { parseJsonText } from '../core/manifest/parse-text.ts'
import { compileRewrites, type RewriteRules, type RouteRewriter } from '../core/route-rewrites.ts'
import { readSourceFile } from './load-source.ts'

/**
 * The URL rewrite rules of a mock (`routes`: a json-server routes.json path, or the rules themselves),
 * compiled; undefined when there are none. Throws a ConfigError naming the file and each bad rule.
 */
export function rewritesOf(routes: string | RewriteRules | undefined): RouteRewriter | undefined {
  if (routes === undefined) return undefined
  const rewriter =
    typeof routes === 'string'
      ? compileRewrites(parseJsonText(readSourceFile(resolve(routes), 'routes file'), routes), routes)
      : compileRewrites(routes, 'options.routes')
  return Object.keys(rewriter.rules).length === 0 ? undefined : rewriter
}
