import type { JournalEntry, JournalResponse, RequestJournal } from '../../core/simulation/request-journal.ts'
import { incomingOf, queryStringOf, rememberedBody } from '../request-facts.ts'
import { headerOf } from '../request-header.ts'
import { sentHeaders, sentText } from '../respond.ts'
import { noteOf } from '../simulation/notes.ts'
import { JOURNAL_BODY_LIMIT, keepRequestBody, keepText, keptBytes, readKept } from './journal-bodies.ts'

export interface JournalingOptions {
  journal: RequestJournal
  /** monotonic ms, for durations */
  now: () => number
  /** wall-clock epoch ms, for entry times */
  clock: () => number
  /** bodies beyond this many bytes are kept truncated (default 64 KiB) */
  bodyLimit?: number
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

/** What an entry costs beyond its bodies and headers (the entry object, its numbers and strings). */
const ENTRY_OVERHEAD = 256
/** Response headers built by the app: a handful of short ones. */
const OWN_HEADERS_BYTES = 256

/**
 * Records finished requests in the journal. It runs outside Hono, after the response exists and before
 * it is written, and copies nothing it does not need: the request body is the one the route already
 * parsed, the request headers Node's own object, and the response body and headers the text and object
 * the response was built from. Redaction, query parsing and serialization wait until the journal is
 * read. Only a response built some other way (an error, a replay) has its body read from a clone.
 */
export function journalRecorder(options: JournalingOptions): (finished: FinishedRequest) => void {
  const { journal } = options
  const limit = options.bodyLimit ?? JOURNAL_BODY_LIMIT
  return ({ request, env, path, response, start }) => {
    const note = noteOf(request)
    const durationMs = options.now() - start
    const headers = headersOf(request, env)
    const queryString = queryStringOf(request.url)
    let bytes = ENTRY_OVERHEAD + path.length + queryString.length + requestHeadersBytes(env, headers)
    const entry: Omit<JournalEntry, 'id'> = {
      time: Math.round(options.clock() - durationMs),
      method: request.method,
      path,
      queryString,
      headers,
      status: note?.noResponse ? 0 : response.status,
      durationMs: Math.round(durationMs * 10) / 10,
    }
    const body = rememberedBody(request)
    if (body !== undefined) {
      const declared = Number(headerOf(request, env, 'content-length') ?? Number.NaN)
      const { kept, bytes: bodyBytes } = keepRequestBody(body, declared, limit)
      entry.requestBody = kept
      bytes += bodyBytes
    }
    if (note !== undefined) entry.simulated = note.simulated
    let unread: ReadableStream<Uint8Array> | undefined
    if (note?.noResponse !== true) {
      const text = sentText(response)
      const noBody = request.method === 'HEAD'
      let answer: JournalResponse
      if (text !== undefined) {
        answer = {
          headers: sentHeaders(response)!,
          body: text === null || noBody ? null : keepText(text, limit),
        }
        bytes += OWN_HEADERS_BYTES + keptBytes(answer.body)
      } else {
        const received = Object.fromEntries(response.headers)
        answer = { headers: received, body: null }
        bytes += headersBytes(received)
        const streaming = received['content-type']?.startsWith('text/event-stream') === true
        if (!noBody && !streaming) unread = bodyCopy(response)
      }
      entry.response = answer
    }
    entry.bytes = bytes
    const stored = journal.record(entry)
    if (unread !== undefined && stored.response !== undefined) {
      const answer = stored.response
      answer.pending = readKept(unread, limit).then(
        (kept) => {
          answer.body = kept
          delete answer.pending
          journal.grow(stored, keptBytes(kept))
        },
        () => {
          delete answer.pending
        },
      )
    }
  }
}

/** On Node the parsed header object itself (never changed after parsing), so recording copies nothing. */
function headersOf(request: Request, env: unknown): Readonly<Record<string, string | string[] | undefined>> {
  const incoming = incomingOf(env)
  if (incoming === undefined) return Object.fromEntries(request.headers)
  return incoming.headers
}

/** On Node the raw header list (an array, quicker to walk than the parsed object). */
function requestHeadersBytes(
  env: unknown,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): number {
  const raw = incomingOf(env)?.rawHeaders
  if (raw === undefined) return headersBytes(headers)
  let bytes = 0
  for (let i = 0; i < raw.length; i++) bytes += raw[i]!.length
  return bytes
}

function headersBytes(headers: Readonly<Record<string, string | string[] | undefined>>): number {
  let bytes = 0
  for (const name in headers) {
    const value = headers[name]
    bytes += name.length + (typeof value === 'string' ? value.length : String(value).length)
  }
  return bytes
}

/** A copy of a response body to read for the journal; undefined when there is none or it cannot be had. */
function bodyCopy(response: Response): ReadableStream<Uint8Array> | undefined {
  try {
    if (response.body === null || response.bodyUsed) return undefined
    return response.clone().body ?? undefined
  } catch {
    return undefined
  }
}
