import { compilePathPattern, type PathPattern } from './route-pattern.ts'
import type { RoutePolicy } from './types.ts'

interface CompiledRoute {
  route: RoutePolicy
  pattern: PathPattern
}

/** Route policies compiled once; `find` returns the most specific match for a request. */
export class RouteTable {
  readonly routes: readonly RoutePolicy[]
  #compiled: CompiledRoute[]

  constructor(routes: readonly RoutePolicy[]) {
    this.routes = routes
    this.#compiled = routes.map((route) => ({ route, pattern: compilePathPattern(route.pattern) }))
  }

  /** An exact method beats `*`, then more literal segments win, then the one declared first. */
  find(method: string, path: string): RoutePolicy | undefined {
    let best: CompiledRoute | undefined
    for (const candidate of this.#compiled) {
      const { route, pattern } = candidate
      if ((route.method !== '*' && route.method !== method) || !pattern.matches(path)) continue
      if (best === undefined || rank(candidate) > rank(best)) best = candidate
    }
    return best?.route
  }
}

function rank({ route, pattern }: CompiledRoute): number {
  return (route.method === '*' ? 0 : 1000) + pattern.specificity
}
