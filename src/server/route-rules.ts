import { resolve } from 'node:path'
import { parseJsonText } from '../core/manifest/parse-text.ts'
import { compileRewrites, type RewriteRules, type RouteRewriter } from '../core/route-rewrites.ts'
import { readSourceFile } from './load-source.ts'

/**
 * The URL rewrite rules of a mock (`routes`: a json-server routes.json path, or the rules themselves),
 * compiled; undefined when none are given (an empty set of rules still answers `GET /__rules`, as
 * json-server does). Throws a ConfigError naming the file and each bad rule.
 */
export function rewritesOf(routes: string | RewriteRules | undefined): RouteRewriter | undefined {
  if (routes === undefined) return undefined
  return typeof routes === 'string' ? rewritesFromFile(routes) : compileRewrites(routes, 'options.routes')
}

function rewritesFromFile(path: string): RouteRewriter {
  return compileRewrites(parseJsonText(readSourceFile(resolve(path), 'routes file'), path), path)
}

/** A routes file that --watch reloads: `rewriter` always applies the rules last read without a problem. */
export interface LiveRewrites {
  /** absolute path of the routes file */
  path: string
  rewriter: RouteRewriter
  /** read the file again; throws a ConfigError (the previous rules stay) when it has a problem */
  reload(): void
}

export function liveRewrites(path: string): LiveRewrites {
  let current = rewritesFromFile(path)
  return {
    path: resolve(path),
    rewriter: {
      get rules() {
        return current.rules
      },
      rewrite: (url) => current.rewrite(url),
    },
    reload() {
      current = rewritesFromFile(path)
    },
  }
}
