import { simulationNoteOf } from './request.ts'

export interface RequestLogEntry {
  method: string
  path: string
  /** 0 when a simulated connection fault left the request unanswered */
  status: number
  durationMs: number
  /** what simulation did, when it did something */
  simulated?: string
}

/** Turns a finished request into one log entry for `sink` (which must not block: the server buffers). */
export function requestLogger(
  sink: (entry: RequestLogEntry) => void,
  now: () => number,
): (request: Request, path: string, response: Response, start: number) => void {
  return (request, path, response, start) => {
    const note = simulationNoteOf(request)
    const entry: RequestLogEntry = {
      method: request.method,
      path,
      status: note?.noResponse ? 0 : response.status,
      durationMs: now() - start,
    }
    if (note !== undefined && note.simulated !== '') entry.simulated = note.simulated
    sink(entry)
  }
}
