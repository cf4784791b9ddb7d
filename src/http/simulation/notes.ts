import type { Context } from 'hono'

/** What simulation did to a request, for the request journal (which runs outside the middleware). */
export interface SimulationNote {
  /** such as "latency 120ms", "failure 503 (scripted)", "fault reset (request)" */
  simulated: string
  /** true when a connection fault meant no response was sent */
  noResponse: boolean
}

const notes = new WeakMap<Context, SimulationNote>()

export function setNote(c: Context, note: SimulationNote): void {
  notes.set(c, note)
}

export function noteOf(c: Context): SimulationNote | undefined {
  return notes.get(c)
}
