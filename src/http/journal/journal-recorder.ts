import type {
  JournalEntry,
  JournalResponse,
  RequestJournal,
  TruncatedBody,
} from '../../core/request-journal.ts'
import { sentHeaders, sentText } from '../reply.ts'
import { headerOf, incomingOf, queryStringOf, rememberedBody, simulationNoteOf } from '../request.ts'
import { sessionOf } from '../sessions/session-scope.ts'

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
    const note = simulationNoteOf(request)
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
    const session = sessionOf(env)
    if (session !== undefined) entry.session = session.id
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

/** Bodies longer than this (UTF-8 bytes) are kept as a truncated prefix. */
export const JOURNAL_BODY_LIMIT: number = 64 * 1024

/** What a body costs the journal's byte limit, roughly. */
export function keptBytes(kept: unknown): number {
  if (kept === undefined || kept === null) return 0
  if (typeof kept === 'string') return kept.length
  if (isTruncated(kept)) return kept.text.length
  return 0
}

/**
 * Text to keep for a body: the text itself (its reference, no copy) unless it is certainly longer than
 * the limit; then its first `limit` bytes, copied so the whole text can be collected. Text that is at
 * most `limit` characters but more bytes is cut when the journal is read (see `shownText`).
 */
export function keepText(text: string, limit: number = JOURNAL_BODY_LIMIT): string | TruncatedBody {
  return text.length > limit ? truncate(text, limit) : text
}

/** The same at read time, exact: the text, or a prefix when its UTF-8 form is longer than the limit. */
export function shownText(text: string, limit: number = JOURNAL_BODY_LIMIT): string | TruncatedBody {
  if (text.length * 3 <= limit || Buffer.byteLength(text) <= limit) return text
  return truncate(text, limit)
}

/**
 * A parsed request body to keep. `declared` is the request's Content-Length when it had one; without
 * it (chunked, or an in-process request) the body is measured by serializing it.
 */
export function keepRequestBody(
  value: unknown,
  declared: number,
  limit: number = JOURNAL_BODY_LIMIT,
): { kept: unknown; bytes: number } {
  if (typeof value === 'string') {
    const kept = keepText(value, limit)
    return { kept, bytes: keptBytes(kept) }
  }
  if (Number.isFinite(declared) && declared <= limit) return { kept: value, bytes: declared }
  const text = JSON.stringify(value) ?? ''
  if (Buffer.byteLength(text) <= limit) return { kept: value, bytes: text.length }
  const kept = truncate(text, limit)
  return { kept, bytes: kept.text.length }
}

/** Reads a response body (a clone) to the end, keeping at most `limit` bytes of it. */
export async function readKept(
  body: ReadableStream<Uint8Array>,
  limit: number = JOURNAL_BODY_LIMIT,
): Promise<string | TruncatedBody> {
  const reader = body.getReader()
  const kept: Uint8Array[] = []
  let keptSize = 0
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (keptSize <= limit) {
      kept.push(value)
      keptSize += value.byteLength
    }
  }
  const bytes = Buffer.concat(kept)
  if (total <= limit) return bytes.toString('utf8')
  return { truncated: true, bytes: total, text: bytes.toString('utf8', 0, utf8Boundary(bytes, limit)) }
}

export function isTruncated(value: unknown): value is TruncatedBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as TruncatedBody).truncated === true &&
    typeof (value as TruncatedBody).text === 'string'
  )
}

function truncate(text: string, limit: number): TruncatedBody {
  // at most `limit` characters can fit in `limit` bytes; encoding only those keeps this O(limit)
  const head = Buffer.from(text.length > limit ? text.slice(0, limit) : text, 'utf8')
  return {
    truncated: true,
    bytes: Buffer.byteLength(text),
    text: head.toString('utf8', 0, utf8Boundary(head, limit)),
  }
}

/** The largest end <= limit that does not split a UTF-8 sequence. */
function utf8Boundary(bytes: Uint8Array, limit: number): number {
  if (bytes.length <= limit) return bytes.length
  let end = limit
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return end
}

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
