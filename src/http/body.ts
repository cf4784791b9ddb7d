import type { Context } from 'hono'
import { RestmockError } from '../core/errors.ts'
import { decodeUtf8, parseJsonBody } from '../core/json-text.ts'
import { isObject } from '../core/records.ts'
import { rememberBody, requestHeader } from './request.ts'

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i

export const DEFAULT_BODY_LIMIT: number = 1024 * 1024

/** Read a request body that must be one JSON object (415 / 413 / 400 otherwise). */
export async function readJsonObject(c: Context, limit: number): Promise<Record<string, unknown>> {
  const request = c.req.raw
  const contentType = requestHeader(c, 'content-type')
  const mediaType = contentType?.split(';', 1)[0]?.trim() ?? ''
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    const got = contentType === undefined ? 'no Content-Type' : `Content-Type "${contentType}"`
    throw new RestmockError(
      'unsupported_media_type',
      `send the body as JSON with Content-Type: application/json (got ${got})`,
      {
        headers: {
          'accept-post': 'application/json',
          'accept-patch': 'application/merge-patch+json, application/json',
        },
      },
    )
  }
  const text = decodeUtf8(await readBodyBytes(c, limit))
  if (text.trim() === '')
    throw new RestmockError('invalid_body', 'the request body is empty; send a JSON object')
  let value: unknown
  try {
    // too deep, unparsable or with a number that overflows: refused before anything walks the value
    value = parseJsonBody(text)
    rememberBody(request, value)
  } catch (error) {
    rememberBody(request, text)
    throw error
  }
  // "__proto__" would change an object's prototype when copied by assignment: refuse it outright
  if (text.includes('"__proto__"') && hasProtoKey(value)) {
    throw new RestmockError('invalid_body', 'the key "__proto__" is not allowed in a request body')
  }
  if (!isObject(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`
    throw new RestmockError('invalid_body', `the body must be a JSON object, got ${got}`)
  }
  return value
}

const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded$/i
const MULTIPART_MEDIA_TYPE = /^multipart\/form-data$/i

/** Whether the request body is a form: `urlencoded`, `multipart`, or undefined for anything else. */
export function formKind(c: Context): 'urlencoded' | 'multipart' | undefined {
  const mediaType = requestHeader(c, 'content-type')?.split(';', 1)[0]?.trim() ?? ''
  if (FORM_MEDIA_TYPE.test(mediaType)) return 'urlencoded'
  if (MULTIPART_MEDIA_TYPE.test(mediaType)) return 'multipart'
  return undefined
}

/**
 * A form body as an object of its fields, every value text (a file field holds the file's name): 413
 * past `limit`, 400 invalid_body when a multipart body cannot be read or its text is not UTF-8.
 */
export async function readFormObject(
  c: Context,
  kind: 'urlencoded' | 'multipart',
  limit: number,
): Promise<Record<string, unknown>> {
  const bytes = await readBodyBytes(c, limit)
  const value: Record<string, unknown> = {}
  if (kind === 'urlencoded') {
    for (const [key, text] of new URLSearchParams(urlencodedText(bytes))) value[key] = text
  } else {
    const type = requestHeader(c, 'content-type') ?? ''
    const form = await new Response(bytes, { headers: { 'content-type': type } }).formData().catch(() => {
      throw new RestmockError(
        'invalid_body',
        'the multipart/form-data body cannot be read (check its boundary)',
      )
    })
    const texts: string[] = []
    for (const [key, entry] of form.entries()) {
      value[key] = typeof entry === 'string' ? entry : entry.name
      texts.push(key, typeof entry === 'string' ? entry : entry.name)
    }
    checkMultipartText(bytes, texts)
  }
  rememberBody(c.req.raw, value)
  return value
}

/** The whole body, refused past `limit` (413) and as a 400 when the client leaves mid-body. */
export async function readBodyBytes(c: Context, limit: number): Promise<Uint8Array> {
  const length = requestHeader(c, 'content-length')
  const declared = length === undefined ? Number.NaN : Number(length)
  if (declared > limit) throw tooLarge(limit)
  const request = c.req.raw
  // a body of known size (the HTTP parser enforces Content-Length) takes the server's direct fast path;
  // a chunked one is streamed so that reading stops at the limit
  return (
    Number.isFinite(declared)
      ? request.arrayBuffer().then((buffer) => new Uint8Array(buffer))
      : readBytes(request, limit)
  ).catch((error: unknown) => {
    throw error instanceof RestmockError ? error : clientGone(error)
  })
}

async function readBytes(request: Request, limit: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

/** The body stream failed: the client went away mid-body. Nobody reads the answer; the log shows a 400, not a bug. */
function clientGone(cause: unknown): RestmockError {
  return new RestmockError('bad_request', 'the client closed the connection before the whole body arrived', {
    cause,
  })
}

function tooLarge(limit: number): RestmockError {
  return new RestmockError('payload_too_large', `the body is larger than the ${formatBytes(limit)} limit`)
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (Object.hasOwn(value, '__proto__')) return true
  return Object.values(value).some(hasProtoKey)
}

const utf8 = new TextDecoder('utf-8', { fatal: true })
const REPLACEMENT = '\uFFFD'
const REPLACEMENT_BYTES = Buffer.from(REPLACEMENT, 'utf8')
const PERCENT_RUN = /(?:%[0-9a-fA-F]{2})+/g

/**
 * An application/x-www-form-urlencoded body as text: its bytes must be UTF-8, and so must the bytes it
 * percent-encodes (`%FF` would otherwise become U+FFFD without a word). 400 invalid_body otherwise.
 */
export function urlencodedText(bytes: Uint8Array): string {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    throw notUtf8()
  }
  if (text.includes('%')) {
    for (const [run] of text.matchAll(PERCENT_RUN)) {
      try {
        utf8.decode(Buffer.from(run.replaceAll('%', ''), 'hex'))
      } catch {
        throw notUtf8()
      }
    }
  }
  return text
}

/**
 * Refuses a multipart/form-data body whose text fields were not UTF-8. The form reader puts U+FFFD in
 * place of bytes that are not UTF-8, so a field holding more U+FFFD than the raw body spells out as
 * EF BF BD had invalid bytes. A file's own bytes are never checked (a file may be anything).
 */
export function checkMultipartText(bytes: Uint8Array, texts: readonly string[]): void {
  let decoded = 0
  for (const text of texts) decoded += count(text)
  if (decoded === 0) return
  let sent = 0
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let at = body.indexOf(REPLACEMENT_BYTES); at !== -1; at = body.indexOf(REPLACEMENT_BYTES, at + 3))
    sent++
  if (decoded > sent) throw notUtf8()
}

function count(text: string): number {
  let found = 0
  for (let at = text.indexOf(REPLACEMENT); at !== -1; at = text.indexOf(REPLACEMENT, at + 1)) found++
  return found
}

function notUtf8(): RestmockError {
  return new RestmockError(
    'invalid_body',
    'the form body is not valid UTF-8; send its text (also percent-encoded text) as UTF-8',
  )
}
