import { ConfigError } from '../errors.ts'
import type { Issue, Manifest } from '../manifest/types.ts'
import type { SimulationConfig, SimulationPolicy } from './types.ts'
import { validateSimulation } from './validate-policy.ts'
import { validateRoutes } from './validate-routes.ts'

/** The serve flags that set the global level: `--latency 50-300`, `--error-rate 0.05`. */
export interface SimulationFlags {
  latency?: string | number
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
