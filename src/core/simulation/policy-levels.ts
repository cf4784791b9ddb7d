import { ConfigError } from '../errors.ts'
import type { Issue, Manifest } from '../manifest/model.ts'
import { DEFAULT_JOURNAL_CAPACITY, RequestJournal } from '../request-journal.ts'
import type {
  ErrorPolicy,
  FaultPolicy,
  Latency,
  RateLimitPolicy,
  SimulationConfig,
  SimulationPolicy,
  Weighted,
} from './policy.ts'
import { validateRoutes } from './routes.ts'
import { Simulator } from './simulator.ts'
import { validateSimulation } from './validate-policy.ts'

/** One level of policy with the scope it applies to: "global", "resource:orders", "route:POST /orders". */
export interface PolicyLevel {
  scope: string
  policy: SimulationPolicy
}

/** The policy that applies to one request: each key taken from the most specific level that sets it. */
export interface ResolvedPolicy {
  latency?: Latency
  errors?: ErrorPolicy
  faults?: FaultPolicy
  /** the scope names the counter: a resource-level limit counts that resource's requests only */
  rateLimit?: { policy: RateLimitPolicy; scope: string }
  timeoutMs?: number
}

/** `levels` from least to most specific (global, resource, route). */
export function resolvePolicy(levels: readonly PolicyLevel[]): ResolvedPolicy {
  const resolved: ResolvedPolicy = {}
  for (const { scope, policy } of levels) {
    if (policy.latency !== undefined) resolved.latency = policy.latency
    if (policy.errors !== undefined) resolved.errors = policy.errors
    if (policy.faults !== undefined) resolved.faults = policy.faults
    if (policy.timeoutMs !== undefined) resolved.timeoutMs = policy.timeoutMs
    if (policy.rateLimit === false) delete resolved.rateLimit
    else if (policy.rateLimit !== undefined) resolved.rateLimit = { policy: policy.rateLimit, scope }
  }
  return resolved
}

export function isEmptyPolicy(policy: SimulationPolicy): boolean {
  return (
    policy.latency === undefined &&
    policy.errors === undefined &&
    policy.faults === undefined &&
    policy.rateLimit === undefined &&
    policy.timeoutMs === undefined
  )
}

/** The serve flags that set the global level: `--latency 50-300`, `--error-rate 0.05`. */
export interface SimulationFlags {
  /** global simulated latency: ms or "min-max" (CLI --latency) */
  latency?: string | number
  /** global simulated error rate from 0 to 1 (CLI --error-rate) */
  errorRate?: number
}

/**
 * Every level of simulation a manifest declares, with the CLI flags laid over its global level.
 * Manifest problems were reported by the manifest validator already; flag problems throw a ConfigError
 * whose issues are located at the flag (`--latency: must be ...`).
 */
export function simulationConfigFrom(manifest: Manifest, flags: SimulationFlags = {}): SimulationConfig {
  const issues: Issue[] = []
  const global = collect(validateSimulation(manifest.simulate, 'simulate'), issues)
  const flagPolicy = collect(validateFlags(flags), issues)
  const resources: Record<string, SimulationPolicy> = {}
  for (const [name, resource] of Object.entries(manifest.resources)) {
    if (resource.simulate === undefined) continue
    const policy = collect(validateSimulation(resource.simulate, `resources.${name}.simulate`), issues)
    if (policy !== undefined) resources[name] = policy
  }
  const routes = validateRoutes(manifest.routes, 'routes', Object.keys(manifest.resources))
  issues.push(...routes.issues)
  if (issues.length > 0) throw new ConfigError('the simulation settings have problems', issues)
  return { global: withFlags(global ?? {}, flagPolicy ?? {}), resources, routes: routes.routes ?? [] }
}

/** `--error-rate` changes only the rate: the manifest's status weights stay. */
function withFlags(global: SimulationPolicy, flags: SimulationPolicy): SimulationPolicy {
  const merged = { ...global, ...flags }
  if (flags.errors !== undefined && global.errors !== undefined)
    merged.errors = { ...global.errors, rate: flags.errors.rate }
  return merged
}

function validateFlags(flags: SimulationFlags): { policy?: SimulationPolicy; issues: Issue[] } {
  const issues: Issue[] = []
  const policy: SimulationPolicy = {}
  if (flags.latency !== undefined) {
    const latency = validateSimulation({ latency: flags.latency }, '')
    for (const issue of latency.issues) issues.push({ ...issue, path: '--latency' })
    if (latency.policy?.latency !== undefined) policy.latency = latency.policy.latency
  }
  if (flags.errorRate !== undefined) {
    const errors = validateSimulation({ errors: { rate: flags.errorRate } }, '')
    for (const issue of errors.issues) issues.push({ ...issue, path: '--error-rate' })
    if (errors.policy?.errors !== undefined) policy.errors = errors.policy.errors
  }
  return issues.length === 0 ? { policy, issues } : { issues }
}

function collect(
  result: { policy?: SimulationPolicy; issues: Issue[] },
  issues: Issue[],
): SimulationPolicy | undefined {
  issues.push(...result.issues)
  return result.policy
}

/**
 * A policy in the shape `simulate` is written in (manifest, `PUT /__restmock/simulation`): what the admin
 * API answers with, so a GET can be edited and PUT back. Durations come out as ms numbers.
 */
export function describePolicy(policy: SimulationPolicy): Record<string, unknown> {
  const raw: Record<string, unknown> = {}
  if (policy.latency !== undefined) raw.latency = describeLatency(policy.latency)
  if (policy.errors !== undefined) {
    const { rate, status, retryAfter } = policy.errors
    raw.errors = { rate, status: describeWeighted(status), retryAfter }
  }
  if (policy.faults !== undefined) {
    const { rate, kind, chunks, durationMs } = policy.faults
    raw.faults = { rate, kind: describeWeighted(kind), chunks, duration: durationMs }
  }
  if (policy.rateLimit !== undefined) {
    const limit = policy.rateLimit
    raw.rateLimit =
      limit === false
        ? false
        : {
            limit: limit.limit,
            window: limit.windowMs,
            by: limit.by.kind === 'header' ? `header:${limit.by.name}` : limit.by.kind,
          }
  }
  if (policy.timeoutMs !== undefined) raw.timeout = policy.timeoutMs
  return raw
}

/** Every level: `{ simulate, resources: { name: simulate }, routes: { "POST /orders": simulate } }`. */
export function describeConfig(config: SimulationConfig): Record<string, unknown> {
  const resources: Record<string, unknown> = {}
  for (const [name, policy] of Object.entries(config.resources)) resources[name] = describePolicy(policy)
  const routes: Record<string, unknown> = {}
  for (const route of config.routes) routes[route.key] = describePolicy(route.policy)
  return { simulate: describePolicy(config.global), resources, routes }
}

function describeLatency(latency: Latency): unknown {
  switch (latency.kind) {
    case 'fixed':
      return latency.ms
    case 'uniform':
      return `${latency.min}-${latency.max}`
    case 'lognormal': {
      const { median, sigma, max } = latency
      return max === undefined
        ? { distribution: 'lognormal', median, sigma }
        : { distribution: 'lognormal', median, sigma, max }
    }
  }
}

/** A single option as itself, equal weights as a list, others as `{ value: weight }`. */
function describeWeighted<T extends string | number>(options: Weighted<T>): unknown {
  if (options.length === 1) return options[0]!.value
  if (options.every((option) => option.weight === 1)) return options.map((option) => option.value)
  const weights: Record<string, number> = {}
  for (const { value, weight } of options) weights[String(value)] = (weights[String(value)] ?? 0) + weight
  return weights
}

export interface SimulationRuntimeOptions extends SimulationFlags {
  /** base random seed; default the manifest's (the server puts the effective seed there) */
  seed?: number
  /** request journal size (default 1000) */
  journalCapacity?: number
}

/** Everything simulation keeps per server: the simulator and the request journal, reset together. */
export interface SimulationRuntime {
  readonly simulator: Simulator
  readonly journal: RequestJournal
  /** back to the configured policy, no scripted faults, fresh counters, random stream and journal */
  reset(): void
}

/** Throws a ConfigError when the manifest's simulation settings or the flags are invalid. */
export function createSimulationRuntime(
  manifest: Manifest,
  options: SimulationRuntimeOptions = {},
): SimulationRuntime {
  const simulator = new Simulator({
    seed: options.seed ?? manifest.seed ?? 0,
    config: simulationConfigFrom(manifest, options),
    resources: Object.keys(manifest.resources),
  })
  const journal = new RequestJournal(options.journalCapacity ?? DEFAULT_JOURNAL_CAPACITY)
  return {
    simulator,
    journal,
    reset() {
      simulator.reset()
      journal.clear()
    },
  }
}
