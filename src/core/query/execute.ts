import type { Rec } from '../state.ts'
import type { Filter } from './filter.ts'
import { windowBounds } from './paging.ts'
import { anyRecordHas } from './path.ts'
import { cachedSelection } from './selection-cache.ts'
import { shapeIsIdentity, shapeRecord } from './shape.ts'
import { sortWindow } from './sort.ts'
import type { ItemQuery, ListQuery, ListResult, RelationReader } from './types.ts'

type Predicate = (record: Rec) => boolean

export interface ExecuteOptions {
  /**
   * The records are a stored collection version that is never mutated (the store's `all()` array): the
   * filtered and sorted selection may be cached with it, so paging through a large filtered or sorted list
   * does the work once. Leave false for arrays built per request (nested routes).
   */
  stableRecords?: boolean
}

/** Below this size recomputing is as cheap as caching. */
const CACHE_MIN_RECORDS = 256

/**
 * Runs a parsed list query: filter and `q`, then sort, then the page or slice, then `_fields` and relations.
 * Nothing is allocated per record when nothing filters, and nothing is sorted or copied without `_sort`:
 * only the returned window is materialized. Never mutates the records.
 */
export function executeListQuery(
  records: readonly Rec[],
  query: ListQuery,
  relations: RelationReader,
  options: ExecuteOptions = {},
): ListResult {
  const { start, end } = windowBounds(query.window)
  let items: readonly Rec[]
  let total: number
  if (query.selectionKey === '') {
    total = records.length
    items = start === 0 && end >= total ? records : records.slice(start, end)
  } else if (options.stableRecords === true && records.length >= CACHE_MIN_RECORDS) {
    const selected = cachedSelection(records, query.selectionKey, () => select(records, query))
    total = selected.length
    items = selected.slice(start, end)
  } else {
    const selected = selectWindow(records, query, start, end)
    items = selected.items
    total = selected.total
  }
  if (!shapeIsIdentity(query.shape))
    items = items.map((record) => shapeRecord(record, query.shape, relations))
  const window = query.window
  if (window?.kind !== 'page') return { items, total }
  const last = Math.max(1, Math.ceil(total / window.perPage))
  return { items, total, page: { page: window.page, perPage: window.perPage, last } }
}

/** GET /name/:id with `_embed`, `_expand`, `_fields`: the stored record itself when nothing changes it. */
export function shapeItem(record: Rec, query: ItemQuery, relations: RelationReader): Rec {
  return shapeRecord(record, query, relations)
}

/** Every selected record, in order. */
function select(records: readonly Rec[], query: ListQuery): readonly Rec[] {
  const predicate = combine(records, query)
  const matching = predicate === undefined ? records : records.filter(predicate)
  return query.sort.length === 0 ? matching : sortWindow(matching, query.sort, 0, matching.length)
}

/** Only the [start, end) window of the selection is materialized. */
function selectWindow(
  records: readonly Rec[],
  query: ListQuery,
  start: number,
  end: number,
): { items: readonly Rec[]; total: number } {
  const predicate = combine(records, query)
  if (query.sort.length > 0) {
    const matching = predicate === undefined ? records : records.filter(predicate)
    return { items: sortWindow(matching, query.sort, start, end), total: matching.length }
  }
  if (predicate === undefined) return { items: records.slice(start, end), total: records.length }
  const window: Rec[] = []
  let total = 0
  for (const record of records) {
    if (!predicate(record)) continue
    if (total >= start && total < end) window.push(record)
    total++
  }
  return { items: window, total }
}

/** One predicate for every filter and `q` term, or undefined when nothing filters. */
function combine(records: readonly Rec[], query: ListQuery): Predicate | undefined {
  const filters: readonly Filter[] = query.ignoreAbsentFields
    ? query.filters.filter((filter) => anyRecordHas(records, filter.get))
    : query.filters
  const tests: Predicate[] = [...filters.map((filter) => filter.test), ...query.search]
  if (tests.length === 0) return undefined
  if (tests.length === 1) return tests[0]
  return (record) => {
    for (const test of tests) if (!test(record)) return false
    return true
  }
}
