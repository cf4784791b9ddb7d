import { didYouMean } from '../errors.ts'
import type { Issue } from '../manifest/model.ts'
import { describeValue, isPlainObject, joinPath, type PlainObject, Reporter } from '../manifest/reporter.ts'
import type { ManifestCheck } from '../manifest/validate-manifest.ts'
import {
  DURATION_HINT,
  type ErrorPolicy,
  FAULT_KINDS,
  type FaultKind,
  type FaultPolicy,
  type Latency,
  parseDuration,
  type RateLimitBy,
  type RateLimitPolicy,
  type SimulationPolicy,
  type Weighted,
} from './policy.ts'
import { validateRoutes } from './routes.ts'

export const POLICY_KEYS = ['latency', 'errors', 'faults', 'rateLimit', 'timeout'] as const
const LOGNORMAL_KEYS = ['distribution', 'median', 'sigma', 'max']
const ERROR_KEYS = ['rate', 'status', 'retryAfter']
const FAULT_KEYS = ['rate', 'kind', 'chunks', 'duration']
const RATE_LIMIT_KEYS = ['limit', 'window', 'by']

export const DEFAULT_ERROR_STATUS = 500
export const DEFAULT_RETRY_AFTER_SECONDS = 1
export const DEFAULT_DRIBBLE_CHUNKS = 5
export const DEFAULT_DRIBBLE_MS = 2000
export const DEFAULT_RATE_WINDOW_MS = 60_000
const DEFAULT_LOGNORMAL_SIGMA = 0.5

/**
 * Validate one `simulate` object (global, resource or route level) as written in a manifest or sent to
 * the admin API. Every problem is reported with its dotted location under `path`; `policy` is present
 * only when there is none. `null`/`undefined` is the empty policy.
 */
export function validateSimulation(
  raw: unknown,
  path: string,
): { policy?: SimulationPolicy; issues: Issue[] } {
  const report = new Reporter()
  const policy = readPolicy(raw, path, report)
  return report.issues.length === 0 ? { policy, issues: [] } : { issues: report.issues }
}

function readPolicy(raw: unknown, path: string, report: Reporter): SimulationPolicy {
  const policy: SimulationPolicy = {}
  if (raw === undefined || raw === null) return policy
  const object = report.object(raw, path)
  if (object === undefined) return policy
  report.unknownKeys(object, POLICY_KEYS, path, 'simulate')
  const latency = readLatency(object.latency, joinPath(path, 'latency'), report)
  if (latency !== undefined) policy.latency = latency
  const errors = readErrors(object.errors, joinPath(path, 'errors'), report)
  if (errors !== undefined) policy.errors = errors
  const faults = readFaults(object.faults, joinPath(path, 'faults'), report)
  if (faults !== undefined) policy.faults = faults
  const rateLimit = readRateLimit(object.rateLimit, joinPath(path, 'rateLimit'), report)
  if (rateLimit !== undefined) policy.rateLimit = rateLimit
  const timeoutMs = readDuration(object.timeout, joinPath(path, 'timeout'), report, { positive: true })
  if (timeoutMs !== undefined) policy.timeoutMs = timeoutMs
  return policy
}

const RANGE = /^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$/
const LATENCY_HINT =
  'a number of ms, "min-max" (such as "50-300"), a duration such as "2s", or { distribution: lognormal, median, sigma, max }'

function readLatency(raw: unknown, path: string, report: Reporter): Latency | undefined {
  if (raw === undefined) return undefined
  if (raw === false) return { kind: 'fixed', ms: 0 }
  if (isPlainObject(raw)) return readLognormal(raw, path, report)
  if (typeof raw === 'string') {
    const range = RANGE.exec(raw)
    if (range !== null) {
      const min = Number(range[1])
      const max = Number(range[2])
      if (min > max) {
        report.add(path, `the range "${raw}" must have min <= max`)
        return undefined
      }
      return min === max ? { kind: 'fixed', ms: min } : { kind: 'uniform', min, max }
    }
  }
  const ms = parseDuration(raw)
  if (ms !== undefined) return { kind: 'fixed', ms }
  report.add(path, `must be ${LATENCY_HINT}, got ${describeValue(raw)}`)
  return undefined
}

function readLognormal(raw: PlainObject, path: string, report: Reporter): Latency | undefined {
  report.unknownKeys(raw, LOGNORMAL_KEYS, path, 'latency')
  const before = report.issues.length
  if (raw.distribution === undefined) report.add(joinPath(path, 'distribution'), 'is required (lognormal)')
  else report.oneOf(raw.distribution, ['lognormal'], joinPath(path, 'distribution'))
  const median = readDuration(raw.median, joinPath(path, 'median'), report, {
    positive: true,
    required: true,
  })
  const sigma = report.number(raw.sigma, joinPath(path, 'sigma')) ?? DEFAULT_LOGNORMAL_SIGMA
  if (sigma < 0) report.add(joinPath(path, 'sigma'), `must be >= 0, got ${sigma}`)
  const max = readDuration(raw.max, joinPath(path, 'max'), report, { positive: true })
  if (max !== undefined && median !== undefined && max < median) {
    report.add(joinPath(path, 'max'), `must be >= median (${median}), got ${max}`)
  }
  if (report.issues.length > before || median === undefined) return undefined
  return max === undefined ? { kind: 'lognormal', median, sigma } : { kind: 'lognormal', median, sigma, max }
}

function readErrors(raw: unknown, path: string, report: Reporter): ErrorPolicy | undefined {
  if (raw === undefined) return undefined
  const defaults = {
    status: [{ value: DEFAULT_ERROR_STATUS, weight: 1 }],
    retryAfter: DEFAULT_RETRY_AFTER_SECONDS,
  }
  if (raw === false) return { rate: 0, ...defaults }
  if (typeof raw === 'number') {
    const rate = readRate(raw, joinPath(path, 'rate'), report)
    return rate === undefined ? undefined : { rate, ...defaults }
  }
  const object = report.object(raw, path)
  if (object === undefined) return undefined
  report.unknownKeys(object, ERROR_KEYS, path, 'errors')
  const before = report.issues.length
  const rate = readRate(object.rate, joinPath(path, 'rate'), report, true)
  const status =
    object.status === undefined
      ? defaults.status
      : readWeighted(object.status, joinPath(path, 'status'), report, readStatus)
  const retryAfterMs = readDuration(object.retryAfter, joinPath(path, 'retryAfter'), report, {
    seconds: true,
  })
  if (report.issues.length > before || rate === undefined || status === undefined) return undefined
  const retryAfter = retryAfterMs === undefined ? defaults.retryAfter : Math.ceil(retryAfterMs / 1000)
  return { rate, status, retryAfter }
}

function readFaults(raw: unknown, path: string, report: Reporter): FaultPolicy | undefined {
  if (raw === undefined) return undefined
  const defaults = { chunks: DEFAULT_DRIBBLE_CHUNKS, durationMs: DEFAULT_DRIBBLE_MS }
  if (raw === false) return { rate: 0, kind: [{ value: 'reset', weight: 1 }], ...defaults }
  const object = report.object(raw, path)
  if (object === undefined) return undefined
  report.unknownKeys(object, FAULT_KEYS, path, 'faults')
  const before = report.issues.length
  const rate = readRate(object.rate, joinPath(path, 'rate'), report, true)
  let kind: Weighted<FaultKind> | undefined
  if (object.kind === undefined)
    report.add(joinPath(path, 'kind'), `is required: one or more of ${FAULT_KINDS.join(', ')}`)
  else kind = readWeighted(object.kind, joinPath(path, 'kind'), report, readFaultKind)
  const chunks = readCount(object.chunks, joinPath(path, 'chunks'), report) ?? defaults.chunks
  const durationMs = readDuration(object.duration, joinPath(path, 'duration'), report) ?? defaults.durationMs
  if (report.issues.length > before || rate === undefined || kind === undefined) return undefined
  return { rate, kind, chunks, durationMs }
}

function readRateLimit(raw: unknown, path: string, report: Reporter): RateLimitPolicy | false | undefined {
  if (raw === undefined || raw === false) return raw
  const object = report.object(raw, path)
  if (object === undefined) return undefined
  report.unknownKeys(object, RATE_LIMIT_KEYS, path, 'rateLimit')
  const before = report.issues.length
  const limit = readCount(object.limit, joinPath(path, 'limit'), report)
  if (object.limit === undefined)
    report.add(joinPath(path, 'limit'), 'is required: requests allowed per window')
  const windowMs =
    readDuration(object.window, joinPath(path, 'window'), report, { positive: true }) ??
    DEFAULT_RATE_WINDOW_MS
  const by =
    object.by === undefined
      ? { kind: 'ip' as const }
      : readRateLimitBy(object.by, joinPath(path, 'by'), report)
  if (report.issues.length > before || limit === undefined || by === undefined) return undefined
  return { limit, windowMs, by }
}

const BY_HINT = 'ip, api-key or header:<name>'

function readRateLimitBy(raw: unknown, path: string, report: Reporter): RateLimitBy | undefined {
  if (raw === 'ip' || raw === 'api-key') return { kind: raw }
  if (typeof raw === 'string' && raw.startsWith('header:')) {
    const name = raw.slice('header:'.length).trim()
    if (/^[!#$%&'*+.^`|~\w-]+$/.test(name)) return { kind: 'header', name: name.toLowerCase() }
    report.add(path, `"${raw}" must name a header, such as header:x-client-id`)
    return undefined
  }
  const hint = typeof raw === 'string' ? didYouMean(raw, ['ip', 'api-key', 'header:']) : ''
  report.add(path, `must be ${BY_HINT}, got ${describeValue(raw)}${hint}`)
  return undefined
}

type ReadValue<T> = (raw: unknown, path: string, report: Reporter) => T | undefined

/** `value`, `[value, ...]` (equal weights) or `{ value: weight, ... }`. */
function readWeighted<T>(
  raw: unknown,
  path: string,
  report: Reporter,
  read: ReadValue<T>,
): Weighted<T> | undefined {
  const before = report.issues.length
  const options: Array<{ value: T; weight: number }> = []
  if (Array.isArray(raw)) {
    if (raw.length === 0) report.add(path, 'must list at least one value')
    raw.forEach((item, index) => {
      const value = read(item, joinPath(path, index), report)
      if (value !== undefined) options.push({ value, weight: 1 })
    })
  } else if (isPlainObject(raw)) {
    const entries = Object.entries(raw)
    if (entries.length === 0) report.add(path, 'must list at least one value')
    for (const [key, weight] of entries) {
      const at = joinPath(path, key)
      const value = read(/^\d+$/.test(key) ? Number(key) : key, at, report)
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
        report.add(at, `weight must be a number > 0, got ${describeValue(weight)}`)
      } else if (value !== undefined) options.push({ value, weight })
    }
  } else {
    const value = read(raw, path, report)
    if (value !== undefined) options.push({ value, weight: 1 })
  }
  return report.issues.length > before ? undefined : options
}

function readStatus(raw: unknown, path: string, report: Reporter): number | undefined {
  const status = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw
  if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599) return status
  report.add(path, `must be an HTTP error status between 400 and 599, got ${describeValue(raw)}`)
  return undefined
}

function readFaultKind(raw: unknown, path: string, report: Reporter): FaultKind | undefined {
  return report.oneOf(raw, FAULT_KINDS, path)
}

function readRate(raw: unknown, path: string, report: Reporter, required = false): number | undefined {
  if (raw === undefined) {
    if (required) report.add(path, 'is required: a probability between 0 and 1, such as 0.05')
    return undefined
  }
  if (typeof raw === 'number' && raw >= 0 && raw <= 1) return raw
  report.add(path, `must be a probability between 0 and 1 (such as 0.05), got ${describeValue(raw)}`)
  return undefined
}

function readCount(raw: unknown, path: string, report: Reporter): number | undefined {
  if (raw === undefined) return undefined
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1) return raw
  report.add(path, `must be a whole number >= 1, got ${describeValue(raw)}`)
  return undefined
}

interface DurationRules {
  positive?: boolean
  required?: boolean
  /** a bare number means seconds (Retry-After), not ms */
  seconds?: boolean
}

function readDuration(
  raw: unknown,
  path: string,
  report: Reporter,
  rules: DurationRules = {},
): number | undefined {
  if (raw === undefined) {
    if (rules.required) report.add(path, `is required: ${DURATION_HINT}`)
    return undefined
  }
  const ms = rules.seconds && typeof raw === 'number' ? parseDuration(raw * 1000) : parseDuration(raw)
  if (ms !== undefined && (!rules.positive || ms > 0)) return ms
  const hint = rules.seconds ? 'a number of seconds or a duration such as "30s"' : DURATION_HINT
  report.add(
    path,
    `must be ${rules.positive ? 'a positive duration: ' : ''}${hint}, got ${describeValue(raw)}`,
  )
  return undefined
}

/**
 * The manifest validator's hook for simulation: checks `simulate` at the top level and in every resource,
 * and the `routes` map (whose paths must name a resource), each problem at its dotted location.
 */
export const simulationCheck: ManifestCheck = (manifest) => {
  const issues: Issue[] = [...validateSimulation(manifest.simulate, 'simulate').issues]
  for (const [name, resource] of Object.entries(manifest.resources)) {
    if (resource.simulate !== undefined) {
      issues.push(...validateSimulation(resource.simulate, `resources.${name}.simulate`).issues)
    }
  }
  issues.push(...validateRoutes(manifest.routes, 'routes', Object.keys(manifest.resources)).issues)
  return issues
}
