import { didYouMean } from '../errors.ts'
import type { Issue } from '../manifest/model.ts'
import { joinPath, Reporter } from '../manifest/reporter.ts'
import type { RoutePolicy } from './policy.ts'
import { validateSimulation } from './validate-policy.ts'

/**
 * Path patterns used by route policies, scripted faults and journal filters: literal segments,
 * `:name` for exactly one segment, and a final `*` for any rest (including nothing).
 */
export interface PathPattern {
  readonly source: string
  /** number of literal segments: the more, the more specific */
  readonly specificity: number
  matches(path: string): boolean
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '')
}

export function compilePathPattern(source: string): PathPattern {
  const segments = splitPath(source)
  const rest = segments.at(-1) === '*'
  const fixed = rest ? segments.slice(0, -1) : segments
  const literals = fixed.map((segment) => (segment.startsWith(':') ? undefined : decodeSafely(segment)))
  const specificity = literals.filter((literal) => literal !== undefined).length
  return {
    source,
    specificity,
    matches(path) {
      const actual = splitPath(path)
      if (rest ? actual.length < fixed.length : actual.length !== fixed.length) return false
      for (let i = 0; i < literals.length; i++) {
        const literal = literals[i]
        if (literal !== undefined && literal !== decodeSafely(actual[i]!)) return false
      }
      return true
    },
  }
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** Problem with a pattern as a user wrote it, or undefined when it is usable. */
export function checkPathPattern(source: string): string | undefined {
  if (!source.startsWith('/')) return `must start with "/", got ${JSON.stringify(source)}`
  if (/[?#]/.test(source))
    return `must be a path without query string or fragment, got ${JSON.stringify(source)}`
  const segments = splitPath(source)
  const star = segments.indexOf('*')
  if (star !== -1 && star !== segments.length - 1) return '"*" may only be the last segment'
  if (segments.some((segment) => segment === ':')) return 'a ":" parameter needs a name, such as ":id"'
  return undefined
}

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

export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', '*'] as const

/**
 * Validate the manifest's `routes` map: `{ "POST /orders": <simulate policy>, "GET /orders/:id": ... }`.
 * Paths are relative to basePath. With `resourceNames`, the first path segment must name a resource.
 */
export function validateRoutes(
  raw: unknown,
  path: string,
  resourceNames?: readonly string[],
): { routes?: RoutePolicy[]; issues: Issue[] } {
  const report = new Reporter()
  const routes: RoutePolicy[] = []
  const object = raw === undefined || raw === null ? {} : report.object(raw, path)
  for (const [key, value] of Object.entries(object ?? {})) {
    const at = joinPath(path, key)
    const parsed = parseRouteKey(key, resourceNames)
    if (typeof parsed === 'string') report.add(at, parsed)
    const { policy, issues } = validateSimulation(value, at)
    report.issues.push(...issues)
    if (typeof parsed !== 'string' && policy !== undefined) routes.push({ key, ...parsed, policy })
  }
  return report.issues.length === 0 ? { routes, issues: [] } : { issues: report.issues }
}

/** `"POST /orders/:id"` -> { method, pattern }, or a message saying what is wrong with it. */
export function parseRouteKey(
  key: string,
  resourceNames?: readonly string[],
): { method: string; pattern: string } | string {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(key)
  if (match === null)
    return `route keys are "METHOD /path" (such as "POST /orders"), got ${JSON.stringify(key)}`
  const method = parseRouteMethod(match[1]!)
  if (method.problem !== undefined) return method.problem
  const pattern = match[2]!
  const problem = checkPathPattern(pattern)
  if (problem !== undefined) return `path ${problem}`
  const first = splitPath(pattern)[0]
  if (resourceNames !== undefined && first !== undefined && first !== '*' && !first.startsWith(':')) {
    if (!resourceNames.includes(first)) {
      const hint = didYouMean(first, resourceNames)
      return `unknown resource "${first}" in the path${hint} (route paths are relative to basePath)`
    }
  }
  return { method: method.method, pattern }
}

/** An upper-cased HTTP method (or `*`), or a message naming the allowed ones. */
export function parseRouteMethod(
  text: string,
): { method: string; problem?: undefined } | { method?: undefined; problem: string } {
  const method = text.toUpperCase()
  if ((ROUTE_METHODS as readonly string[]).includes(method)) return { method }
  return {
    problem: `unknown method "${text}"${didYouMean(method, ROUTE_METHODS)}; use one of ${ROUTE_METHODS.join(', ')}`,
  }
}
