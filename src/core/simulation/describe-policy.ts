import type { Latency, SimulationConfig, SimulationPolicy, Weighted } from './types.ts'

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
