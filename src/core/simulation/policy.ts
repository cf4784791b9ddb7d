/** The normalized simulation policy: what `simulate` (manifest, CLI flags, admin API) means once validated. */

export const FAULT_KINDS = ['reset', 'timeout', 'empty', 'malformed', 'dribble'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

export type Latency =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'lognormal'; median: number; sigma: number; max?: number }

/** A weighted choice: each option is picked with probability weight / sum of weights. */
export type Weighted<T> = ReadonlyArray<{ value: T; weight: number }>

export interface ErrorPolicy {
  /** probability in [0, 1] that a request fails */
  rate: number
  status: Weighted<number>
  /** seconds announced in Retry-After on simulated 503 and 429 answers */
  retryAfter: number
}

export interface FaultPolicy {
  /** probability in [0, 1] that a request hits a connection fault */
  rate: number
  kind: Weighted<FaultKind>
  /** dribble: the body is sent in this many chunks... */
  chunks: number
  /** ...spread evenly over this many milliseconds */
  durationMs: number
}

export type RateLimitBy = { kind: 'ip' } | { kind: 'api-key' } | { kind: 'header'; name: string }

export interface RateLimitPolicy {
  limit: number
  windowMs: number
  by: RateLimitBy
}

/**
 * One level of policy (global, resource or route). An absent key inherits from the less specific level;
 * `rateLimit: false` switches an inherited limit off (latency 0 and rate 0 do the same for the others).
 */
export interface SimulationPolicy {
  latency?: Latency
  errors?: ErrorPolicy
  faults?: FaultPolicy
  rateLimit?: RateLimitPolicy | false
  /** how long the `timeout` fault holds a request before answering 504; absent = until the client gives up */
  timeoutMs?: number
}

/** A route-level policy: `"POST /orders/:id"` relative to basePath, `*` as method matches every method. */
export interface RoutePolicy {
  key: string
  method: string
  pattern: string
  policy: SimulationPolicy
}

/** Every configured level, as the server starts with it or as the admin API changes it. */
export interface SimulationConfig {
  global: SimulationPolicy
  resources: Readonly<Record<string, SimulationPolicy>>
  routes: readonly RoutePolicy[]
}

/** What one request asked for with `Prefer` or the `_status` / `_delay` / `_fault` query parameters. */
export interface RequestOverrides {
  status?: number
  delayMs?: number
  fault?: FaultKind
}

export type FaultPlan =
  | { kind: 'reset' | 'empty' | 'malformed' }
  | { kind: 'timeout'; timeoutMs?: number }
  | { kind: 'dribble'; chunks: number; durationMs: number }

/** Why a request was simulated the way it was (journaled, and useful when a test wonders why). */
export type DecisionSource = 'rate-limit' | 'scripted' | 'request' | 'policy'

export interface SimulatedFailure {
  status: number
  code: 'simulated_failure' | 'rate_limited'
  detail: string
  headers: Readonly<Record<string, string>>
  source: DecisionSource
}

export interface SimulationDecision {
  latencyMs: number
  /** RateLimit-* headers that belong on this response whatever its status (under a rate limit policy) */
  headers?: Readonly<Record<string, string>>
  failure?: SimulatedFailure
  fault?: FaultPlan & { source: DecisionSource }
  /** id of the scripted fault that shaped this decision, if any */
  scriptedFaultId?: number
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/

/**
 * Milliseconds from a duration: a number of ms (`800`), or a string with a unit (`"800ms"`, `"2s"`,
 * `"1m"`, `"1h"`; no unit = ms). Undefined when the value is not a duration >= 0.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = DURATION.exec(value.trim())
  if (match === null) return undefined
  return Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!
}

export const DURATION_HINT = 'a duration such as 800 (ms), "800ms", "2s" or "1m"'
