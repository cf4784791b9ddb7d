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

/** Index key of an id: GET /posts/1 finds a stored 1 or "1" in O(1). */
export function idKey(id: unknown): string {
  return typeof id === 'string' ? id : String(id)
}
