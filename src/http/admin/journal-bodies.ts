import type { TruncatedBody } from '../../core/simulation/request-journal.ts'

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
