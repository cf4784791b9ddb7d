import type { Rec } from '../store.ts'
import { compareCodePoints, compileGetter, type Getter, splitPath } from './compare.ts'
import type { FieldCatalog } from './field-catalog.ts'
import { invalidQuery } from './parse-query.ts'

export interface SortKey {
  field: string
  get: Getter
  descending: boolean
}

/**
 * `_sort=a,-b` (a leading "-" sorts descending) with an optional `_order=asc,desc` giving each field's
 * direction in turn. Repeated `_sort` / `_order` parameters continue the list.
 */
export function parseSort(
  sorts: readonly string[],
  orders: readonly string[],
  catalog: FieldCatalog,
): SortKey[] {
  const fields = splitList(sorts)
  const directions = splitList(orders).map((word) => word.toLowerCase())
  if (catalog.strict) {
    const bad = directions.find((word) => word !== 'asc' && word !== 'desc')
    if (bad !== undefined)
      throw invalidQuery('_order', orders.join(','), `"${bad}" is not a direction; allowed: asc, desc`)
    if (directions.length > fields.length) {
      throw invalidQuery(
        '_order',
        orders.join(','),
        `${directions.length} directions for ${fields.length} _sort fields`,
      )
    }
  }
  return fields.map((entry, index) => {
    const descending = entry.startsWith('-') || directions[index] === 'desc'
    const field = entry.startsWith('-') ? entry.slice(1) : entry
    const segments = splitPath(field)
    const resolved = catalog.resolve(segments)
    if (!resolved.ok) throw invalidQuery('_sort', sorts.join(','), resolved.problem)
    return { field, get: compileGetter(segments), descending }
  })
}

export function splitList(values: readonly string[]): string[] {
  const items: string[] = []
  for (const value of values) {
    for (const item of value.split(',')) {
      const trimmed = item.trim()
      if (trimmed !== '') items.push(trimmed)
    }
  }
  return items
}

/** Kinds sort in this order; values of one kind sort naturally; missing and null values always sort last. */
function kindRank(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return 0
    case 'string':
      return 1
    case 'boolean':
      return 2
    default:
      return 3
  }
}

function compareValues(a: unknown, b: unknown, descending: boolean): number {
  const aMissing = a === undefined || a === null
  const bMissing = b === undefined || b === null
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1
  let order: number
  if (typeof a === 'number' && typeof b === 'number') order = a - b
  else if (typeof a === 'string' && typeof b === 'string') order = compareCodePoints(a, b)
  else if (typeof a === 'boolean' && typeof b === 'boolean') order = Number(a) - Number(b)
  else order = kindRank(a) - kindRank(b)
  return descending ? -order : order
}

/**
 * The records in [start, end) of the stable sort by `keys`, without sorting everything when the window
 * is small: a bounded insertion buffer keeps only the first `end` records.
 */
export function sortWindow(
  records: readonly Rec[],
  keys: readonly SortKey[],
  start: number,
  end: number,
): Rec[] {
  const count = records.length
  const columns = keys.map((key) => {
    const column = new Array<unknown>(count)
    for (let i = 0; i < count; i++) column[i] = key.get(records[i]!)
    return column
  })
  const directions = keys.map((key) => key.descending)
  // ties fall back to the original position, which makes the order total and the sort stable
  const compare = (a: number, b: number): number => {
    for (let k = 0; k < columns.length; k++) {
      const order = compareValues(columns[k]![a], columns[k]![b], directions[k]!)
      if (order !== 0) return order
    }
    return a - b
  }
  const stop = Math.min(end, count)
  if (start >= stop) return []
  const positions = stop * 8 < count ? smallest(count, stop, compare) : fullSort(count, compare)
  const window: Rec[] = []
  for (let i = start; i < stop; i++) window.push(records[positions[i]!]!)
  return window
}

function fullSort(count: number, compare: (a: number, b: number) => number): number[] {
  const positions = new Array<number>(count)
  for (let i = 0; i < count; i++) positions[i] = i
  return positions.sort(compare)
}

/** The `limit` smallest positions in order: O(n log limit) comparisons when most records lose to the buffer. */
function smallest(count: number, limit: number, compare: (a: number, b: number) => number): number[] {
  const buffer: number[] = []
  for (let i = 0; i < count; i++) {
    if (buffer.length === limit && compare(i, buffer[limit - 1]!) >= 0) continue
    let low = 0
    let high = buffer.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compare(buffer[middle]!, i) < 0) low = middle + 1
      else high = middle
    }
    buffer.splice(low, 0, i)
    if (buffer.length > limit) buffer.pop()
  }
  return buffer
}
