import { ConfigError } from './errors.ts'
import type { Issue } from './manifest/model.ts'

/**
 * URL rewrite rules in json-server 0.17's routes.json format: `{"/api/*": "/$1", "/:resource/:id/show":
 * "/:resource/:id"}`. A pattern is matched against the request's path and query string as sent, without
 * regard to case, with or without a trailing slash: `*` matches anything (`$1`, `$2`... in order), `:name`
 * one path segment (`:name` in the target), `\\?` a literal `?` (a `?` that follows no parameter is
 * literal too). The target may carry a query string. Rules apply in file order, each to the URL the
 * previous ones produced, as express-urlrewrite middlewares chained in json-server do.
 */
export type RewriteRules = Readonly<Record<string, string>>

export interface RouteRewriter {
  /** the rules as given */
  readonly rules: RewriteRules
  /** the rewritten path+query of `url` (a path+query), or undefined when no rule matched */
  rewrite(url: string): string | undefined
}

interface CompiledRule {
  pattern: RegExp
  target: string
  /** capture-group number of each `:name` */
  groups: Map<string, number>
}

// path-to-regexp 1.x syntax: an escaped character, or an optional prefix then `:name(custom)` or `(group)`,
// then a modifier
const TOKEN = /(\\.)|([/.])?(?::(\w+)(?:\(((?:\\.|[^\\()])+)\))?|\(((?:\\.|[^\\()])+)\))([+*?])?/g
const TARGET_REFERENCE = /\$(\d+)|:(\w+)/g

const escapeText = (text: string): string => text.replace(/[.+*?=^!:${}()[\]|/\\]/g, '\\$&')
const escapeGroup = (group: string): string => group.replace(/[=!:$/()]/g, '\\$&')

/** Validates `rules` (from `source`, named in errors) and compiles them; throws a ConfigError naming each bad rule. */
export function compileRewrites(rules: unknown, source: string): RouteRewriter {
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
    throw new ConfigError(
      `${source} must be an object of rewrite rules such as {"/api/*": "/$1"}, got ${kindOf(rules)}`,
      [],
      source,
    )
  }
  const compiled: CompiledRule[] = []
  const issues: Issue[] = []
  for (const [from, to] of Object.entries(rules as Record<string, unknown>)) {
    const problem = ruleProblem(from, to)
    if (problem !== undefined) {
      issues.push({ path: JSON.stringify(from), message: problem })
      continue
    }
    try {
      const rule = compileRule(from, to as string)
      const missing = missingReference(rule)
      if (missing === undefined) compiled.push(rule)
      else issues.push({ path: JSON.stringify(from), message: missing })
    } catch (error) {
      issues.push({
        path: JSON.stringify(from),
        message: `is not a valid pattern (${(error as Error).message})`,
      })
    }
  }
  if (issues.length > 0) {
    const count = issues.length === 1 ? 'a bad rewrite rule' : `${issues.length} bad rewrite rules`
    throw new ConfigError(`${source} has ${count}`, issues, source)
  }
  const frozen: RewriteRules = Object.freeze({ ...(rules as Record<string, string>) })
  return { rules: frozen, rewrite: (url) => rewriteUrl(compiled, url) }
}

function ruleProblem(from: string, to: unknown): string | undefined {
  if (typeof to !== 'string') return `must map to a path (a string), got ${kindOf(to)}`
  if (!from.startsWith('/')) return 'must start with "/" (it is matched against the request path)'
  if (!to.startsWith('/')) return `must map to a path starting with "/", got ${JSON.stringify(to)}`
  return undefined
}

function compileRule(from: string, target: string): CompiledRule {
  const text = from.replace(/\*/g, '(.*)')
  const groups = new Map<string, number>()
  let route = ''
  let index = 0
  let count = 0
  for (const match of text.matchAll(TOKEN)) {
    const [whole, escaped, prefix, name, custom, group, modifier] = match
    const literal = text.slice(index, match.index)
    index = match.index + whole.length
    if (escaped !== undefined) {
      route += escapeText(literal + escaped.slice(1))
      continue
    }
    route += escapeText(literal)
    count++
    if (name !== undefined) groups.set(name, count)
    const delimiter = prefix ?? '/'
    const pattern = custom ?? group
    let capture = `(?:${pattern === undefined ? `[^${escapeText(delimiter)}]+?` : escapeGroup(pattern)})`
    const before = escapeText(prefix ?? '')
    if (modifier === '+' || modifier === '*') capture += `(?:${before}${capture})*`
    if (modifier === '?' || modifier === '*') {
      const next = text[index]
      const partial = prefix !== undefined && next !== undefined && next !== prefix
      route += partial ? `${before}(${capture})?` : `(?:${before}(${capture}))?`
    } else {
      route += `${before}(${capture})`
    }
  }
  route += escapeText(text.slice(index))
  // not strict: a trailing slash is optional; anchored at both ends
  if (route.endsWith('\\/')) route = route.slice(0, -2)
  route += '(?:\\/(?=$))?$'
  return { pattern: new RegExp(`^${route}`, 'i'), target, groups }
}

/** A `$n` or `:name` in the target that the pattern does not capture (json-server fails such requests). */
function missingReference(rule: CompiledRule): string | undefined {
  const captures = countGroups(rule.pattern)
  for (const [, number, name] of rule.target.matchAll(TARGET_REFERENCE)) {
    if (name !== undefined && !rule.groups.has(name))
      return `maps to ":${name}", which the pattern does not have`
    if (number !== undefined && Number(number) > captures)
      return `maps to "$${number}", but the pattern has ${captures === 1 ? 'one wildcard' : `${captures} wildcards`}`
  }
  return undefined
}

function countGroups(pattern: RegExp): number {
  return new RegExp(`${pattern.source}|`).exec('')!.length - 1
}

function rewriteUrl(rules: readonly CompiledRule[], url: string): string | undefined {
  let current = url
  let changed = false
  for (const rule of rules) {
    const match = rule.pattern.exec(current)
    if (match === null) continue
    current = rule.target.replace(
      TARGET_REFERENCE,
      (_, number: string | undefined, name: string | undefined) =>
        name !== undefined ? (match[rule.groups.get(name)!] ?? '') : (match[Number(number)] ?? ''),
    )
    changed = true
  }
  return changed ? current : undefined
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return typeof value === 'string'
    ? `the string ${JSON.stringify(value)}`
    : `${typeof value} ${String(value)}`
}
