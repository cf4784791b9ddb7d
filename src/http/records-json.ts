import { recordText } from '../core/representation.ts'
import type { Rec } from '../core/state.ts'

/**
 * `JSON.stringify(records)`, reusing the text of each stored (frozen) record across requests: a list of
 * 200 records costs a join instead of 200 serializations. Shaped records (new objects) are serialized as usual.
 */
export function recordsJson(records: readonly Rec[]): string {
  const parts = new Array<string>(records.length)
  for (let i = 0; i < records.length; i++) parts[i] = recordText(records[i]!)
  return `[${parts.join(',')}]`
}
