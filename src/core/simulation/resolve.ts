import type { ErrorPolicy, FaultPolicy, Latency, RateLimitPolicy, SimulationPolicy } from './types.ts'

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
