import type { Engine } from '../../core/engine.ts'
import type { SimulationRuntime } from '../../core/simulation/runtime.ts'
import type { Responder } from '../respond.ts'

/** What the admin API works on. */
export interface AdminContext {
  engine: Engine
  runtime: SimulationRuntime
  /** body limit for admin requests (PUT /db carries a whole state) */
  bodyLimit: number
  /** builds responses with the CORS headers */
  responder: Responder
  /** lower-case names of the request and response headers the journal shows as `[redacted]` */
  redactHeaders: ReadonlySet<string>
  /** wall-clock epoch ms */
  clock: () => number
  /** back to the start: seed state, configured simulation, no scripted faults, empty journal */
  reset(): Promise<void>
}
