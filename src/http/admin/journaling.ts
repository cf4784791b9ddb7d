import type { Context, Next } from 'hono'
import type { JournalEntry, RequestJournal } from '../../core/simulation/request-journal.ts'
import { requestHeader } from '../request-header.ts'
import { nodeBindings } from '../simulation/node-bindings.ts'
import { noteOf } from '../simulation/notes.ts'

export interface JournalingOptions {
  journal: RequestJournal
  /** monotonic ms, for durations */
  now: () => number
  /** wall-clock epoch ms, for entry times */
  clock: () => number
  /** bodies larger than this are not kept */
  bodyLimit: number
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

type Step = (c: Context, next: Next) => Promise<void>

/**
 * `step` with every request it handles recorded in the journal. Written with `then` rather than
 * async/await: this wraps every request when the admin API is on, so it stays as light as it can.
 */
export function journaled(options: JournalingOptions, step: Step): Step {
  return (c, next) => {
    const start = options.now()
    const time = options.clock()
    if (WITH_BODY.has(c.req.method)) {
      const body = captureBody(c, options.bodyLimit)
      if (body !== undefined) {
        return step(c, next)
          .then(() => body)
          .then((requestBody) => record(c, options, time, start, requestBody))
      }
    }
    return step(c, next).then(() => record(c, options, time, start, undefined))
  }
}

function record(
  c: Context,
  options: JournalingOptions,
  time: number,
  start: number,
  requestBody: unknown,
): void {
  const note = noteOf(c)
  const entry: Omit<JournalEntry, 'id'> = {
    time,
    method: c.req.method,
    path: c.req.path,
    query: queryOf(c),
    headers: headersOf(c),
    status: note?.noResponse ? 0 : c.res.status,
    durationMs: Math.round((options.now() - start) * 10) / 10,
  }
  if (requestBody !== undefined) entry.requestBody = requestBody
  if (note !== undefined) entry.simulated = note.simulated
  options.journal.record(entry)
}

/** A copy of the body (the handler reads the original): parsed JSON, or the text when it is not JSON. */
function captureBody(c: Context, limit: number): Promise<unknown> | undefined {
  const length = requestHeader(c, 'content-length')
  if (length !== undefined && !(Number(length) > 0 && Number(length) <= limit)) return undefined
  const copy = c.req.raw.body === null ? null : c.req.raw.clone().body
  if (copy === null) return undefined
  return readBounded(copy, limit).then(parseBody, () => undefined)
}

/** The text of a stream, or undefined (and the stream cancelled) once it passes `limit` bytes. */
async function readBounded(stream: ReadableStream<Uint8Array>, limit: number): Promise<string | undefined> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return Buffer.concat(chunks).toString('utf8')
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return undefined
    }
    chunks.push(value)
  }
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

const NO_QUERY: Readonly<Record<string, string>> = Object.freeze({})

function queryOf(c: Context): Readonly<Record<string, string | string[]>> {
  const url = nodeBindings(c)?.incoming.url ?? c.req.url
  const mark = url.indexOf('?')
  if (mark === -1) return NO_QUERY
  const query: Record<string, string | string[]> = {}
  for (const [name, value] of new URLSearchParams(url.slice(mark + 1))) {
    const existing = query[name]
    query[name] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return query
}

/** On Node the parsed header object itself (never changed after parsing), so recording copies nothing. */
function headersOf(c: Context): Readonly<Record<string, string>> {
  const incoming = nodeBindings(c)?.incoming
  if (incoming === undefined) return Object.fromEntries(c.req.raw.headers)
  return incoming.headers as Readonly<Record<string, string>>
}
