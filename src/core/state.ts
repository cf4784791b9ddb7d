/** A stored record. Records are never mutated after they are stored (copy on write). */
export type Rec = Readonly<Record<string, unknown>>

/** Record ids as stored: numbers stay numbers (json-server compatibility), others are strings. */
export type RecordId = string | number

/** The whole state in seed-data shape (json-server db.json): arrays are collections, objects singletons. */
export type StateData = Record<string, Rec[] | Rec>

/**
 * One state change. The unit that persistence commits (and that a journal stores, one JSON line each);
 * applying the mutations in order to the previous state gives the new state.
 */
export type Mutation =
  | { op: 'upsert'; resource: string; id: RecordId; record: Rec }
  | { op: 'delete'; resource: string; id: RecordId }
  | { op: 'singleton'; resource: string; value: Rec }
  | { op: 'replace'; state: StateData }

/** How an id is indexed: integers (and their canonical strings) as numbers, anything else as a string. */
export type IdKey = string | number

/**
 * Index key of an id, so GET /posts/1 finds a stored 1 or "1" in O(1). Integer keys are numbers rather
 * than strings: no key string is kept per record (about 3 MB per 100k records) and lookups hash a small
 * integer instead of a fresh string.
 */
export function idKey(id: unknown): IdKey {
  if (typeof id === 'number') return Number.isSafeInteger(id) ? id : String(id)
  const text = typeof id === 'string' ? id : String(id)
  return integerOf(text) ?? text
}

/** The safe integer a canonical integer string ("0", "42", "-7"; not "007", "-0", "1e3") spells. */
function integerOf(text: string): number | undefined {
  const length = text.length
  const negative = text.charCodeAt(0) === 45
  const start = negative ? 1 : 0
  if (length === start || length - start > 16) return undefined
  if (text.charCodeAt(start) === 48) return length === 1 ? 0 : undefined
  let value = 0
  for (let i = start; i < length; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return undefined
    value = value * 10 + digit
  }
  if (!Number.isSafeInteger(value)) return undefined
  return negative ? -value : value
}
