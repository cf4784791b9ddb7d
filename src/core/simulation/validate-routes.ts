import { didYouMean } from '../did-you-mean.ts'
import { joinPath, Reporter } from '../manifest/reporter.ts'
import type { Issue } from '../manifest/types.ts'
import { checkPathPattern, splitPath } from './route-pattern.ts'
import type { RoutePolicy } from './types.ts'
import { validateSimulation } from './validate-policy.ts'

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
