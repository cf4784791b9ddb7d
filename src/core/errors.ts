import type { Issue } from './manifest/model.ts'

/** Stable error codes; http/problem.ts maps each to a status (the only place that does). */
export type ErrorCode =
  | 'malformed_json'
  | 'invalid_body'
  | 'invalid_query'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'precondition_failed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'validation_failed'
  | 'rate_limited'
  | 'simulated_failure'
  | 'persistence_failed'
  | 'internal'
  | 'bad_request'
  | 'headers_too_large'
  | 'request_timeout'
  | 'invalid_session'

export interface FieldError {
  /** RFC 6901 JSON pointer into the request body, e.g. /email */
  pointer: string
  detail: string
}

export interface RestmockErrorOptions {
  errors?: FieldError[]
  headers?: Record<string, string>
  /** explicit status for codes that span several (simulated_failure: 500/502/503/504) */
  status?: number
  cause?: unknown
}

/** An error that becomes a problem+json response. `code` is the contract; `message` is the detail. */
export class RestmockError extends Error {
  readonly code: ErrorCode
  readonly errors: FieldError[] | undefined
  readonly headers: Record<string, string> | undefined
  readonly status: number | undefined

  constructor(code: ErrorCode, detail: string, options: RestmockErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'RestmockError'
    this.code = code
    this.errors = options.errors
    this.headers = options.headers
    this.status = options.status
  }
}

/** Bad configuration (manifest, data file, state file, flags): every problem at once. */
export class ConfigError extends Error {
  readonly issues: Issue[]
  readonly source: string | undefined

  constructor(summary: string, issues: Issue[], source?: string) {
    super(summary)
    this.name = 'ConfigError'
    this.issues = issues
    this.source = source
  }

  /** Human-readable: summary, then one line per issue with its location. */
  format(): string {
    const lines = this.issues.map((issue) => {
      const where = issue.path === '' ? '' : `${issue.path}: `
      const line = issue.line === undefined ? '' : ` (line ${issue.line})`
      return `  - ${where}${issue.message}${line}`
    })
    return [this.message, ...lines].join('\n')
  }
}

/** Levenshtein distance, small inputs only (manifest keys, resource and method names). */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!
    previous[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost)
      diagonal = above
    }
  }
  return previous[b.length]!
}

/** The closest candidates to `input` (case-insensitive), or [] when none is close enough to help. */
export function closestMatches(input: string, candidates: Iterable<string>, max = 3): string[] {
  const needle = input.toLowerCase()
  const limit = Math.max(2, Math.floor(needle.length / 3))
  const scored: Array<[string, number]> = []
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate.toLowerCase())
    if (distance <= limit) scored.push([candidate, distance])
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))
  return scored.slice(0, max).map(([candidate]) => candidate)
}

/** ' (did you mean "x"?)' or '' */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const matches = closestMatches(input, candidates)
  if (matches.length === 0) return ''
  return ` (did you mean ${matches.map((m) => `"${m}"`).join(' or ')}?)`
}
