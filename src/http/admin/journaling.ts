import type { JournalEntry, RequestJournal } from '../../core/simulation/request-journal.ts'
import { incomingOf, queryStringOf, rememberedBody } from '../request-facts.ts'
import { noteOf } from '../simulation/notes.ts'

export interface JournalingOptions {
  journal: RequestJournal
  /** monotonic ms, for durations */
  now: () => number
  /** wall-clock epoch ms, for entry times */
  clock: () => number
}

/** One finished request, as the app's dispatcher saw it. */
export interface FinishedRequest {
  request: Request
  env: unknown
  path: string
  response: Response
  /** monotonic ms when it arrived */
  start: number
}

/**
 * Records finished requests in the journal. It runs outside Hono, after the response exists, and copies
 * nothing it does not need: the body is the one the route already parsed, the headers Node's own object.
 */
export function journalRecorder(options: JournalingOptions): (finished: FinishedRequest) => void {
  return ({ request, env, path, response, start }) => {
    const note = noteOf(request)
    const durationMs = options.now() - start
    const entry: Omit<JournalEntry, 'id'> = {
      time: Math.round(options.clock() - durationMs),
      method: request.method,
      path,
      queryString: queryStringOf(request.url),
      headers: headersOf(request, env),
      status: note?.noResponse ? 0 : response.status,
      durationMs: Math.round(durationMs * 10) / 10,
    }
    const body = rememberedBody(request)
    if (body !== undefined) entry.requestBody = body
    if (note !== undefined) entry.simulated = note.simulated
    options.journal.record(entry)
  }
}

/** On Node the parsed header object itself (never changed after parsing), so recording copies nothing. */
function headersOf(request: Request, env: unknown): Readonly<Record<string, string>> {
  const incoming = incomingOf(env)
  if (incoming === undefined) return Object.fromEntries(request.headers)
  return incoming.headers as Readonly<Record<string, string>>
}
