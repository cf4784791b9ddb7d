import { ConfigError } from '../../core/errors.ts'
import { recordText } from '../../core/representation.ts'
import type { Mutation } from '../../core/state.ts'

/**
 * One journal line (without its newline): `JSON.stringify(mutation)`. Records are immutable, so encoding
 * at commit time is final; an upsert splices in the record's cached text, which its response reuses.
 */
export function encodeMutation(mutation: Mutation): string {
  if (mutation.op !== 'upsert') return JSON.stringify(mutation)
  const { resource, id, record } = mutation
  return `{"op":"upsert","resource":${JSON.stringify(resource)},"id":${JSON.stringify(id)},"record":${recordText(record)}}`
}

export interface ParsedJournal {
  mutations: Mutation[]
  /** Bytes up to the end of the last complete, valid line: what the file should be cut back to. */
  validBytes: number
  /** The last line was torn (no newline, or not valid) and is ignored. */
  tornTail: boolean
}

const NEWLINE = 0x0a

/**
 * Parses a journal: one JSON mutation per line. The last line may be torn by a crash mid-append (no
 * newline, or not parsable): it was never acknowledged, so it is dropped. A bad line anywhere else means
 * the file was damaged, and is reported with its line number rather than guessed around.
 */
export function parseJournal(bytes: Uint8Array, file: string): ParsedJournal {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const mutations: Mutation[] = []
  let start = 0
  let lineNumber = 0
  while (start < buffer.length) {
    lineNumber++
    const end = buffer.indexOf(NEWLINE, start)
    const terminated = end !== -1
    const lineEnd = terminated ? end : buffer.length
    const isLast = !terminated || end + 1 >= buffer.length
    const text = buffer.toString('utf8', start, lineEnd)
    if (!terminated) return { mutations, validBytes: start, tornTail: true }
    if (text.trim() !== '') {
      const parsed = parseLine(text)
      if (typeof parsed === 'string') {
        if (isLast) return { mutations, validBytes: start, tornTail: true }
        throw new ConfigError(
          `The journal ${file} is damaged at line ${lineNumber}; restmock will not guess what it held. ` +
            'Restore it from a backup, or delete it to lose the changes it holds since the last compaction.',
          [{ path: file, message: parsed, line: lineNumber }],
          file,
        )
      }
      mutations.push(parsed)
    }
    start = lineEnd + 1
  }
  return { mutations, validBytes: buffer.length, tornTail: false }
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
