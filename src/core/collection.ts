import type { ResourceDef } from './manifest/model.ts'
import { type IdKey, idKey, type Rec, type RecordId } from './store.ts'

/** Index key of a field value; undefined for values that are never indexed (null, objects). */
function valueKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

/** The ids holding one value, kept in collection order (re-sorted lazily when a change broke it). */
interface Bucket {
  ids: Set<IdKey>
  /** position of the id added last */
  last: number
  sorted: boolean
}

type FieldIndex = Map<string, Bucket>

/**
 * One collection: records by id in insertion order (a Map, so GET by id is O(1) whatever the size),
 * plus secondary indexes per field (unique checks, relations). The fields given to the constructor
 * (the `ref` fields pointing at other collections) are indexed from the start; any other field is
 * indexed on first use; every index is kept up to date by each change, so finding the k records that
 * refer to a parent costs O(k) whatever the size of the collection.
 */
export class Collection {
  readonly resource: ResourceDef
  private readonly byId = new Map<IdKey, Rec>()
  /** insertion sequence of each record: its position in the collection, compared rather than counted */
  private readonly sequence = new Map<IdKey, number>()
  private readonly indexes = new Map<string, FieldIndex>()
  private ordered: Rec[] | undefined
  private nextSequence = 0
  /** a rollback put records back out of order: the maps are re-sorted before the next read */
  private outOfOrder = false
  private highestIntegerId = 0

  constructor(resource: ResourceDef, indexedFields: Iterable<string> = []) {
    this.resource = resource
    for (const field of indexedFields) this.indexes.set(field, new Map())
  }

  get size(): number {
    return this.byId.size
  }

  get(id: unknown): Rec | undefined {
    return this.byId.get(idKey(id))
  }

  has(id: unknown): boolean {
    return this.byId.has(idKey(id))
  }

  /** Every record in insertion order. The array is shared until the next change: never mutate it. */
  all(): readonly Rec[] {
    this.restoreOrder()
    if (this.ordered === undefined) this.ordered = Array.from(this.byId.values())
    return this.ordered
  }

  nextIntegerId(): number {
    return this.highestIntegerId + 1
  }

  /** A record's insertion sequence: its index in `all()` as long as nothing was removed. */
  positionOf(id: unknown): number | undefined {
    return this.sequence.get(idKey(id))
  }

  /** Insert or replace (keeps the position of an existing record). Returns the previous record. */
  put(record: Rec): Rec | undefined {
    const id = record.id as RecordId
    const key = idKey(id)
    const previous = this.byId.get(key)
    this.byId.set(key, record)
    if (previous === undefined) this.sequence.set(key, this.nextSequence++)
    this.reindex(key, previous, record)
    if (typeof id === 'number' && id > this.highestIntegerId) this.highestIntegerId = id
    this.ordered = undefined
    return previous
  }

  /** Remove a record (O(1)); returns it with its position, so a rollback can put it back where it was. */
  remove(id: unknown): { record: Rec; position: number } | undefined {
    const key = idKey(id)
    const previous = this.byId.get(key)
    if (previous === undefined) return undefined
    const position = this.sequence.get(key)!
    this.byId.delete(key)
    this.sequence.delete(key)
    this.unindex(key, previous)
    this.ordered = undefined
    return { record: previous, position }
  }

  /**
   * Put a removed record back at the position `remove` reported (rollback only). O(1) now; the first
   * read afterwards re-sorts the collection once, however many records were put back.
   */
  restore(record: Rec, position: number): void {
    const key = idKey(record.id)
    if (this.byId.has(key)) return
    this.byId.set(key, record)
    this.sequence.set(key, position)
    this.reindex(key, undefined, record)
    if (position >= this.nextSequence) this.nextSequence = position + 1
    else this.outOfOrder = true
    this.ordered = undefined
  }

  clear(): void {
    this.byId.clear()
    this.sequence.clear()
    for (const index of this.indexes.values()) index.clear()
    this.ordered = undefined
    this.outOfOrder = false
    this.nextSequence = 0
    this.highestIntegerId = 0
  }

  /** Records whose `field` equals `value` (1 and "1" match each other, as ids do in URLs), in collection order. */
  findBy(field: string, value: unknown): Rec[] {
    const key = valueKey(value)
    if (key === undefined) return []
    const bucket = this.index(field).get(key)
    if (bucket === undefined) return []
    if (!bucket.sorted) this.sortBucket(bucket)
    const found: Rec[] = []
    for (const id of bucket.ids) {
      const record = this.byId.get(id)
      if (record !== undefined) found.push(record)
    }
    return found
  }

  /** The fields indexed so far (for consistency checks). */
  indexedFields(): string[] {
    return [...this.indexes.keys()]
  }

  private index(field: string): FieldIndex {
    let index = this.indexes.get(field)
    if (index === undefined) {
      index = new Map()
      this.indexes.set(field, index)
      this.restoreOrder()
      for (const [id, record] of this.byId) this.addToIndex(index, valueKey(record[field]), id)
    }
    return index
  }

  private addToIndex(index: FieldIndex, key: string | undefined, id: IdKey): void {
    if (key === undefined) return
    const position = this.sequence.get(id)!
    const bucket = index.get(key)
    if (bucket === undefined) {
      index.set(key, { ids: new Set([id]), last: position, sorted: true })
      return
    }
    bucket.ids.add(id)
    if (position > bucket.last) bucket.last = position
    else bucket.sorted = false
  }

  private sortBucket(bucket: Bucket): void {
    const ids = [...bucket.ids].sort((a, b) => this.sequence.get(a)! - this.sequence.get(b)!)
    bucket.ids = new Set(ids)
    bucket.last = this.sequence.get(ids.at(-1)!)!
    bucket.sorted = true
  }

  /** Update secondary indexes (an unchanged value keeps its place in its bucket). */
  private reindex(id: IdKey, previous: Rec | undefined, record: Rec): void {
    for (const [field, index] of this.indexes) {
      const before = previous === undefined ? undefined : valueKey(previous[field])
      const after = valueKey(record[field])
      if (previous !== undefined && before === after) continue
      if (before !== undefined) removeFromIndex(index, before, id)
      this.addToIndex(index, after, id)
    }
  }

  private unindex(id: IdKey, record: Rec): void {
    for (const [field, index] of this.indexes) {
      const key = valueKey(record[field])
      if (key !== undefined) removeFromIndex(index, key, id)
    }
  }

  /** After a rollback: rebuild the map in position order. */
  private restoreOrder(): void {
    if (!this.outOfOrder) return
    this.outOfOrder = false
    const entries = [...this.byId].sort((a, b) => this.sequence.get(a[0])! - this.sequence.get(b[0])!)
    this.byId.clear()
    for (const [key, record] of entries) this.byId.set(key, record)
    this.ordered = undefined
  }
}

function removeFromIndex(index: FieldIndex, key: string, id: IdKey): void {
  const bucket = index.get(key)
  bucket?.ids.delete(id)
  if (bucket?.ids.size === 0) index.delete(key)
}
