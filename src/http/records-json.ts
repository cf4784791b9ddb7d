import type { Rec } from '../core/state.ts'
import { etagOf } from './etag.ts'

/** JSON text of stored records; a stored record is frozen and never changes, so its text cannot go stale. */
const texts = new WeakMap<Rec, string>()

/**
 * `JSON.stringify(records)`, reusing the text of each stored (frozen) record across requests: a list of
 * 200 records costs a join instead of 200 serializations. Shaped records (new objects) are serialized as usual.
 */
export function recordsJson(records: readonly Rec[]): string {
  const parts = new Array<string>(records.length)
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    let text = texts.get(record)
    if (text === undefined) {
      text = JSON.stringify(record)
      if (Object.isFrozen(record)) texts.set(record, text)
    }
    parts[i] = text
  }
  return `[${parts.join(',')}]`
}

export interface Representation {
  text: string
  etag: string
}

const representations = new WeakMap<Rec, Representation>()

/** One record's JSON text and strong ETag, computed once per stored (frozen) record. */
export function recordRepresentation(record: Rec): Representation {
  let representation = representations.get(record)
  if (representation === undefined) {
    const text = texts.get(record) ?? JSON.stringify(record)
    representation = { text, etag: etagOf(text) }
    if (Object.isFrozen(record)) {
      representations.set(record, representation)
      texts.set(record, text)
    }
  }
  return representation
}
