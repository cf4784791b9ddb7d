import type { Rec } from './state.ts'

/** A record's JSON text and strong ETag. */
export interface Representation {
  text: string
  etag: string
}

const representations = new WeakMap<Rec, Representation>()

/**
 * The JSON text and ETag of a record, computed once per stored record: a stored record is frozen and
 * never changes, so neither can go stale. The journal line of a write, the response to it and every
 * later read share one serialization (one cache lookup, one miss per record). A record that is not
 * frozen (shaped for one response) is serialized every time.
 */
export function representationOf(record: Rec): Representation {
  let representation = representations.get(record)
  if (representation === undefined) {
    const text = JSON.stringify(record)
    representation = { text, etag: etagOf(text) }
    if (Object.isFrozen(record)) representations.set(record, representation)
  }
  return representation
}

/** `JSON.stringify(record)`, through the cache for stored records. */
export function recordText(record: Rec): string {
  return Object.isFrozen(record) ? representationOf(record).text : JSON.stringify(record)
}

/**
 * Strong ETag of a serialized representation: cyrb53 (fast, 53-bit, pure JS), written as two base-36
 * integers (converting the 53-bit number as a whole takes longer than hashing the text). The
 * multipliers are written as int32 so that Math.imul never sees a double.
 */
export function etagOf(text: string): string {
  let h1 = 0xdeadbeef | 0
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, -1640531535) // 2654435761
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), -2048144789) ^ Math.imul(h2 ^ (h2 >>> 13), -1028477387) // 2246822507, 3266489909
  h2 = Math.imul(h2 ^ (h2 >>> 16), -2048144789) ^ Math.imul(h1 ^ (h1 >>> 13), -1028477387)
  const high = (2097151 & h2).toString(36)
  const low = (h1 >>> 0).toString(36).padStart(7, '0')
  return `"${high}${low}-${text.length.toString(36)}"`
}
