import type { StateData } from '../../core/store.ts'

export interface SliceOptions {
  /** gives the event loop a turn (requests are served in it) */
  yieldTurn: () => Promise<void>
  /** monotonic milliseconds */
  now: () => number
  /** serialize for about this long before yielding */
  budgetMs: number
}

/** Records serialized per native JSON.stringify call (the budget is checked between chunks). */
const CHUNK = 256

/**
 * Exactly `JSON.stringify(data, null, 2)` (what lowdb's JSONFile writes), built a chunk of records at a
 * time and yielding to the event loop every `budgetMs`: a 100k-record snapshot takes a few hundred
 * milliseconds to serialize, which would otherwise stall every request for that long. Records are
 * immutable and the collection arrays are never changed in place, so the state cannot move underneath.
 */
export async function prettyStateJson(data: StateData, options: SliceOptions): Promise<string> {
  const names = Object.keys(data)
  if (names.length === 0) return '{}'
  const parts: string[] = ['{\n']
  let sliceStart = options.now()
  for (let n = 0; n < names.length; n++) {
    const name = names[n]!
    const value = data[name]
    parts.push(`  ${JSON.stringify(name)}: `)
    if (Array.isArray(value) && value.length > 0) {
      parts.push('[\n    ')
      for (let from = 0; from < value.length; from += CHUNK) {
        if (from > 0) parts.push(',\n    ')
        parts.push(recordsAtDepthTwo(value.slice(from, from + CHUNK)))
        if (options.now() - sliceStart >= options.budgetMs) {
          await options.yieldTurn()
          sliceStart = options.now()
        }
      }
      parts.push('\n  ]')
    } else parts.push(valueAtDepthOne(value))
    parts.push(n < names.length - 1 ? ',\n' : '\n')
  }
  parts.push('}')
  return parts.join('')
}

// Stringifying inside a wrapper of the right depth gives the indentation the value has in the document;
// the wrapper's own text is then cut off (a fixed number of characters on each side).

/** `[[a, b]]` -> "[\n  [\n    a,\n    b\n  ]\n]": the records with their separators, as at depth 2. */
function recordsAtDepthTwo(records: readonly unknown[]): string {
  return JSON.stringify([records], null, 2).slice('[\n  [\n    '.length, -'\n  ]\n]'.length)
}

/** `[v]` -> "[\n  v\n]": the value as at depth 1. */
function valueAtDepthOne(value: unknown): string {
  return JSON.stringify([value], null, 2).slice('[\n  '.length, -'\n]'.length)
}
