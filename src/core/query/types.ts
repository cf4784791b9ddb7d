import type { Rec } from '../state.ts'
import type { Filter } from './filter.ts'
import type { Window } from './paging.ts'
import type { EmbedSpec, ExpandSpec } from './relation-names.ts'
import type { SortKey } from './sort.ts'

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
}

/** A parsed GET /name query, compiled once per request; execute it with executeListQuery. */
export interface ListQuery {
  /** every filter must match (AND) */
  readonly filters: readonly Filter[]
  /** `q` full-text predicate(s) */
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
}
