import type { Manifest } from '../manifest/types.ts'
import { type SimulationFlags, simulationConfigFrom } from './from-manifest.ts'
import { DEFAULT_JOURNAL_CAPACITY, RequestJournal } from './request-journal.ts'
import { Simulator } from './simulator.ts'

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
