import { recordText } from '../core/record-text.ts'
import type { Rec } from '../core/state.ts'
import { etagOf } from './etag.ts'

/**
 * `JSON.stringify(records)`, reusing the text of each stored (frozen) record across requests: a list of
 * 200 records costs a join instead of 200 serializations. Shaped records (new objects) are serialized as usual.
 */
export function recordsJson(records: readonly Rec[]): string {
  const parts = new Array<string>(records.length)
  for (let i = 0; i < records.length; i++) parts[i] = recordText(records[i]!)
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
    const text = recordText(record)
    representation = { text, etag: etagOf(text) }
    if (Object.isFrozen(record)) representations.set(record, representation)
  }
  return representation
}
