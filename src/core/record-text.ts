import type { Rec } from './state.ts'

const texts = new WeakMap<Rec, string>()

/**
 * `JSON.stringify(record)`, computed once per stored record: a stored record is frozen and never changes,
 * so its text cannot go stale. The journal line of a write and the response to it share one serialization,
 * and reads reuse it. Records that are not frozen (shaped for one response) are serialized every time.
 */
export function recordText(record: Rec): string {
  let text = texts.get(record)
  if (text === undefined) {
    text = JSON.stringify(record)
    if (Object.isFrozen(record)) texts.set(record, text)
  }
  return text
}
