import { crc32 } from 'node:zlib'
import { ConfigError } from '../../core/errors.ts'
import { recordText } from '../../core/records.ts'
import type { Mutation } from '../../core/store.ts'

/**
 * One journal line (without its newline): `JSON.stringify(mutation)`. Records are immutable, so encoding
 * at commit time is final; an upsert splices in the record's cached text, which its response reuses.
 */
export function encodeMutation(mutation: Mutation): string {
  if (mutation.op !== 'upsert') return JSON.stringify(mutation)
  const { resource, id, record } = mutation
  return `{"op":"upsert","resource":${JSON.stringify(resource)},"id":${JSON.stringify(id)},"record":${recordText(record)}}`
}

/**
 * One batch of journal lines, framed so that replay applies it whole or not at all: a header line
 * `{"batch":<lines>,"bytes":<body bytes>,"crc32":"<8 hex digits>"}`, then the lines, each ending in a
 * newline. A large batch reaches the disk in several writes; a crash between them leaves a body shorter
 * than its header says (or, after a power loss, one whose checksum fails), and the whole batch is dropped.
 */
export function encodeBatch(lines: readonly string[]): Buffer {
  const body = `${lines.join('\n')}\n`
  const bodyBytes = Buffer.byteLength(body)
  const head = `{"batch":${lines.length},"bytes":${bodyBytes},"crc32":"`
  const headerBytes = head.length + HEADER_TAIL_BYTES
  const out = Buffer.allocUnsafe(headerBytes + bodyBytes)
  out.write(head, 0, 'latin1')
  out.write(body, headerBytes, 'utf8')
  const checksum = crc32(out.subarray(headerBytes)).toString(16).padStart(8, '0')
  out.write(`${checksum}"}\n`, head.length, 'latin1')
  return out
}

/** 8 hex digits, `"}` and the newline */
const HEADER_TAIL_BYTES = 11
const HEADER = /^\{"batch":(\d{1,9}),"bytes":(\d{1,15}),"crc32":"([0-9a-f]{8})"\}$/
const HEADER_START = '{"batch":'

export interface ParsedJournal {
  mutations: Mutation[]
  /** Bytes up to the end of the last complete batch: what the file should be cut back to before appending. */
  validBytes: number
  /** The last batch was torn (cut short, or failing its checksum) and is ignored. */
  tornTail: boolean
}

const NEWLINE = 0x0a

/**
 * Parses a journal: batches framed by `encodeBatch`, and, from journals written before batches were
 * framed, bare lines (each its own batch). The last batch may be torn by a crash mid-append: it was never
 * acknowledged, so it is dropped whole. A bad batch or line anywhere else means the file was damaged, and
 * is reported with its line number rather than guessed around.
 */
export function parseJournal(bytes: Uint8Array, file: string): ParsedJournal {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const mutations: Mutation[] = []
  const torn = (at: number): ParsedJournal => ({ mutations, validBytes: at, tornTail: true })
  const damaged = (line: number, message: string): ConfigError =>
    new ConfigError(
      `The journal ${file} is damaged at line ${line}; restmock will not guess what it held. ` +
        'Restore it from a backup, or delete it to lose the changes it holds since the last compaction.',
      [{ path: file, message, line }],
      file,
    )
  let start = 0
  let lineNumber = 0
  while (start < buffer.length) {
    lineNumber++
    const end = buffer.indexOf(NEWLINE, start)
    if (end === -1) return torn(start)
    const text = buffer.toString('utf8', start, end)
    const isLast = end + 1 >= buffer.length
    const header = text.startsWith(HEADER_START) ? HEADER.exec(text) : null
    if (header !== null) {
      const count = Number(header[1])
      const bodyStart = end + 1
      const bodyEnd = bodyStart + Number(header[2])
      if (bodyEnd > buffer.length) return torn(start)
      const body = buffer.subarray(bodyStart, bodyEnd)
      const problem = checkBody(body, count, header[3]!)
      if (problem !== undefined) {
        if (bodyEnd === buffer.length) return torn(start)
        throw damaged(lineNumber, problem)
      }
      const batchLine = lineNumber
      let at = bodyStart
      for (let i = 0; i < count; i++) {
        lineNumber++
        const lineEnd = buffer.indexOf(NEWLINE, at)
        const parsed = parseLine(buffer.toString('utf8', at, lineEnd))
        if (typeof parsed === 'string')
          throw damaged(lineNumber, `${parsed} (in the batch at line ${batchLine})`)
        mutations.push(parsed)
        at = lineEnd + 1
      }
      start = bodyEnd
      continue
    }
    if (text.trim() !== '') {
      const parsed = parseLine(text)
      if (typeof parsed === 'string') {
        if (isLast) return torn(start)
        throw damaged(lineNumber, parsed)
      }
      mutations.push(parsed)
    }
    start = end + 1
  }
  return { mutations, validBytes: buffer.length, tornTail: false }
}

/** Why a batch body does not match its header, or undefined when it does. */
function checkBody(body: Buffer, count: number, checksum: string): string | undefined {
  if (crc32(body).toString(16).padStart(8, '0') !== checksum) {
    return `the batch of ${count} lines does not match its checksum`
  }
  let lines = 0
  for (let at = body.indexOf(NEWLINE); at !== -1; at = body.indexOf(NEWLINE, at + 1)) lines++
  if (lines !== count || body[body.length - 1] !== NEWLINE) {
    return `the batch header announces ${count} lines, its body holds ${lines}`
  }
  return undefined
}

function parseLine(text: string): Mutation | string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`
  }
  return toMutation(value)
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isId = (value: unknown): value is string | number =>
  typeof value === 'string' || typeof value === 'number'

function toMutation(value: unknown): Mutation | string {
  if (!isObject(value)) return 'not a mutation object'
  const { op } = value
  const hasResource = typeof value.resource === 'string'
  switch (op) {
    case 'upsert':
      if (hasResource && isId(value.id) && isObject(value.record)) return value as Mutation
      return 'an upsert needs "resource", "id" and an object "record"'
    case 'delete':
      if (hasResource && isId(value.id)) return value as Mutation
      return 'a delete needs "resource" and "id"'
    case 'singleton':
      if (hasResource && isObject(value.value)) return value as Mutation
      return 'a singleton change needs "resource" and an object "value"'
    case 'replace':
      if (isObject(value.state)) return value as Mutation
      return 'a replace needs an object "state"'
    default:
      return `unknown operation ${JSON.stringify(op)}`
  }
}
