import { RestmockError } from '../core/errors.ts'

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
