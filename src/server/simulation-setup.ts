import type { Manifest } from '../core/manifest/types.ts'
import { createSimulationRuntime, type SimulationRuntime } from '../core/simulation/runtime.ts'
import { flagsOf, type SimulationOptions } from '../http/simulation/layer.ts'
import type { MockOptions } from './options.ts'

/**
 * The simulation runtime of one mock (policy from the manifest with --latency / --error-rate laid over
 * it, scripted faults, request journal) and the app options that mount it. The runtime is returned so
 * the mock's `reset()` can reset it along with the state, as `POST /__restmock/reset` does.
 */
export function simulationSetup(
  manifest: Manifest,
  options: MockOptions,
): { runtime: SimulationRuntime; appOptions: SimulationOptions } {
  const runtime = createSimulationRuntime(manifest, flagsOf(options))
  const appOptions: SimulationOptions = { runtime }
  if (options.prefer !== undefined) appOptions.prefer = options.prefer
  if (options.admin !== undefined) appOptions.admin = options.admin
  return { runtime, appOptions }
}
