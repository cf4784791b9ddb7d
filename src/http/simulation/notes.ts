import type { Context } from 'hono'

/** What simulation did to a request, for the request journal and log (which run outside the middleware). */
export interface SimulationNote {
  /** such as "latency 120ms", "failure 503 (scripted)", "fault reset (request)" */
  simulated: string
  /** true when a connection fault meant no response was sent */
  noResponse: boolean
}

const notes = new WeakMap<Request, SimulationNote>()

export function setNote(c: Context, note: SimulationNote): void {
  notes.set(c.req.raw, note)
}

export function noteOf(request: Request): SimulationNote | undefined {
  return notes.get(request)
}
