import type { JournalEntry } from '../../core/request-journal.ts'
import { isTruncated, shownText } from './journal-recorder.ts'

/** Header values the journal never shows: credentials and session cookies. */
export const REDACTED_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]
export const REDACTED = '[redacted]'

/** How the request journal is shown (GET /__restmock/requests). */
export interface JournalOptions {
  /** header names the journal shows as `[redacted]` besides the credential headers (an API key header) */
  redactHeaders?: readonly string[]
}

/** Lower-case names of the headers the journal shows as `[redacted]`. */
export function redactionOf(options: JournalOptions): ReadonlySet<string> {
  return new Set([...REDACTED_HEADERS, ...(options.redactHeaders ?? [])].map((name) => name.toLowerCase()))
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i

type HeaderObject = Readonly<Record<string, string | string[] | undefined>>

/**
 * A journal entry as `GET /__restmock/requests` answers it. Everything costly happens here, when the
 * journal is read: query parsing, header redaction, cutting and parsing response bodies.
 */
export function describeEntry(entry: JournalEntry, redact: ReadonlySet<string>): Record<string, unknown> {
  const {
    id,
    time,
    method,
    path,
    queryString,
    headers,
    requestBody,
    status,
    durationMs,
    simulated,
    response,
    session,
  } = entry
  const described: Record<string, unknown> = {
    id,
    time: new Date(time).toISOString(),
    method,
    path,
    query: queryOf(queryString),
    headers: redacted(headers, redact),
  }
  if (requestBody !== undefined) described.requestBody = shownBody(requestBody, undefined)
  described.status = status
  described.durationMs = durationMs
  if (simulated !== undefined) described.simulated = simulated
  if (session !== undefined) described.session = session
  if (response !== undefined) {
    const answer: Record<string, unknown> = { status, headers: redacted(response.headers, redact) }
    if (response.body !== null)
      answer.body = shownBody(response.body, headerValue(response.headers, 'content-type'))
    described.response = answer
  }
  return described
}

/**
 * A kept body as shown: a parsed JSON value as is; text as is, or parsed when its content type is
 * JSON; a body over the limit as `{ truncated: true, bytes, text }`.
 */
function shownBody(body: unknown, contentType: string | undefined): unknown {
  if (typeof body !== 'string') return body
  const text = shownText(body)
  if (isTruncated(text)) return text
  const mediaType = contentType?.split(';', 1)[0]?.trim() ?? ''
  if (!JSON_MEDIA_TYPE.test(mediaType)) return text
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function redacted(headers: HeaderObject, redact: ReadonlySet<string>): Record<string, string | string[]> {
  // no prototype: a header named __proto__ is just a header
  const shown = Object.create(null) as Record<string, string | string[]>
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined) continue
    shown[name] = redact.has(name.toLowerCase()) ? REDACTED : value
  }
  return shown
}

function headerValue(headers: HeaderObject, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** Query parameters as an object: a repeated name maps to the list of its values. */
function queryOf(text: string): Record<string, string | string[]> {
  // no prototype: a parameter named __proto__ is just a parameter
  const query = Object.create(null) as Record<string, string | string[]>
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = query[name]
    query[name] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return query
}
