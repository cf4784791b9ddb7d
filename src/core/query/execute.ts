import type { Rec } from '../store.ts'
import { anyRecordHas } from './compare.ts'
import type { EmbedSpec, ExpandSpec } from './embed.ts'
import type { Filter } from './filter.ts'
import { type Window, windowBounds } from './paging.ts'
import { cachedSelection, shapeIsIdentity, shapeRecord } from './shape.ts'
import { type SortKey, sortWindow } from './sort.ts'

/** Reads other collections for `_embed` / `_expand`. The Engine implements it (find, childrenOf: indexed). */
export interface RelationReader {
  /** the record of `resource` with this id, compared loosely (1 finds a stored 1 or "1") */
  find(resource: string, id: unknown): Rec | undefined
  /** the records of `child` whose `field` equals `parentId`, compared loosely, in collection order */
  childrenOf(child: string, field: string, parentId: unknown): readonly Rec[]
}

/** How to shape each returned record: projection, then related records. */
export interface ItemQuery {
  /** `_fields`: keep only these top-level fields (and id); undefined keeps everything */
  readonly fields: readonly string[] | undefined
  readonly embed: readonly EmbedSpec[]
  readonly expand: readonly ExpandSpec[]
  /** the resource's primary key field (kept by `_fields`, matched by `_embed`); default "id" */
  readonly idField?: string
}

/** A parsed GET /name query, compiled once per request; execute it with executeListQuery. */
export interface ListQuery {
  /** every filter must match (AND) */
  readonly filters: readonly Filter[]
  /** `q` full-text and `_where` predicate(s): applied as they are, even to fields no record has */
  readonly search: ReadonlyArray<(record: Rec) => boolean>
  readonly sort: readonly SortKey[]
  readonly window: Window | undefined
  readonly shape: ItemQuery
  /** zero-config mode: a filter on a field that no record has is ignored (json-server 0.17) */
  readonly ignoreAbsentFields: boolean
  /** identifies the filters, `q` and sort: equal keys select the same records in the same order ('' = all) */
  readonly selectionKey: string
}

export interface PageInfo {
  page: number
  perPage: number
  /** the last page number (1 when the list is empty) */
  last: number
}

export interface ListResult {
  /** the returned records: stored records when unchanged, new objects when shaped; never mutate them */
  items: readonly Rec[]
  /** matching records before paging -> X-Total-Count */
  total: number
  /** set when `_page` (or `_per_page`) was used -> Link header */
  page?: PageInfo
  /** `_page` with `_per_page`: answer json-server 1.0's `{ first, prev, next, last, pages, items, data }` */
  envelope?: true
}

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
  if (window.envelope !== true)
    return { items, total, page: { page: window.page, perPage: window.perPage, last } }
  // json-server 1.0 answers a page past the end with the last page
  if (window.page > last)
    return executeListQuery(records, { ...query, window: { ...window, page: last } }, relations, options)
  return { items, total, page: { page: window.page, perPage: window.perPage, last }, envelope: true }
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
