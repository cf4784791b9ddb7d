import type { ResourceDef } from './manifest/model.ts'
import { type IdKey, idKey, type Rec, type RecordId } from './store.ts'

/** Index key of a field value; undefined for values that are never indexed (null, objects). */
function valueKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

/**
 * How a resource's fields are indexed: a value by its key (1 and "1" meet), a many-to-many array by
 * each of its elements, a case-insensitive unique field by its lower-cased value. Shared by every kind
 * of collection, so that a lookup means the same whatever holds the records.
 */
export class IndexKeys {
  /** many-to-many fields (arrays of ids): indexed by each element */
  private readonly manyFields = new Set<string>()
  /** case-insensitive unique fields: indexed by the lower-cased value */
  private readonly foldedFields = new Set<string>()

  constructor(resource: ResourceDef) {
    for (const [name, field] of Object.entries(resource.fields ?? {})) {
      if (field.type === 'array' && field.items?.ref !== undefined) this.manyFields.add(name)
      if (field.unique && field.caseInsensitive === true && field.ref === undefined)
        this.foldedFields.add(name)
    }
  }

  /** The key a lookup of `value` in `field` uses. */
  lookup(field: string, value: unknown): string | undefined {
    const key = valueKey(value)
    return key !== undefined && this.foldedFields.has(field) ? key.toLowerCase() : key
  }

  /** Index keys of a record's field: one for most fields, one per element of a many-to-many array. */
  of(field: string, record: Rec): string | string[] | undefined {
    const value = record[field]
    if (this.manyFields.has(field) && Array.isArray(value)) {
      const keys: string[] = []
      for (const element of value) {
        const key = valueKey(element)
        if (key !== undefined && !keys.includes(key)) keys.push(key)
      }
      return keys
    }
    return this.lookup(field, value)
  }
}

export function sameKeys(a: string | string[] | undefined, b: string | string[] | undefined): boolean {
  if (typeof a !== 'object' || typeof b !== 'object') return a === b
  return a.length === b.length && a.every((key, i) => key === b[i])
}

/** Each key of `keys` (one, several or none). */
export function eachKey(keys: string | string[] | undefined, visit: (key: string) => void): void {
  if (typeof keys === 'object') for (const key of keys) visit(key)
  else if (keys !== undefined) visit(keys)
}

/** The ids holding one value, kept in collection order (re-sorted lazily when a change broke it). */
interface Bucket {
  ids: Set<IdKey>
  /** position of the id added last */
  last: number
  sorted: boolean
}

type FieldIndex = Map<string, Bucket>

/** Write versions come from one sequence: no two states of any collection in this process share one. */
let lastVersion = 0

/** A write version no collection state in this process had before. */
export function nextWriteVersion(): number {
  return ++lastVersion
}

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
  private writeVersion = 0
  protected readonly keys: IndexKeys

  constructor(resource: ResourceDef, indexedFields: Iterable<string> = []) {
    this.resource = resource
    this.keys = new IndexKeys(resource)
    for (const field of indexedFields) this.indexes.set(field, new Map())
  }

  /** Changes with every write (put, remove, restore, clear): equal versions mean the same records. */
  get version(): number {
    return this.writeVersion
  }

  private touch(): void {
    this.writeVersion = nextWriteVersion()
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
    const id = record[this.resource.idField] as RecordId
    const key = idKey(id)
    const previous = this.byId.get(key)
    this.byId.set(key, record)
    if (previous === undefined) this.sequence.set(key, this.nextSequence++)
    this.reindex(key, previous, record)
    if (typeof id === 'number' && id > this.highestIntegerId) this.highestIntegerId = id
    this.ordered = undefined
    this.touch()
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
    this.touch()
    return { record: previous, position }
  }

  /**
   * Put a removed record back at the position `remove` reported (rollback only). O(1) now; the first
   * read afterwards re-sorts the collection once, however many records were put back.
   */
  restore(record: Rec, position: number): void {
    const key = idKey(record[this.resource.idField])
    if (this.byId.has(key)) return
    this.byId.set(key, record)
    this.sequence.set(key, position)
    this.reindex(key, undefined, record)
    if (position >= this.nextSequence) this.nextSequence = position + 1
    else this.outOfOrder = true
    this.ordered = undefined
    this.touch()
  }

  clear(): void {
    this.byId.clear()
    this.sequence.clear()
    for (const index of this.indexes.values()) index.clear()
    this.ordered = undefined
    this.outOfOrder = false
    this.nextSequence = 0
    this.highestIntegerId = 0
    this.touch()
  }

  /**
   * Records whose `field` equals `value` (1 and "1" match each other, as ids do in URLs), in collection order.
   * A many-to-many field matches when its array holds the value; a case-insensitive unique field matches
   * ignoring case.
   */
  findBy(field: string, value: unknown): Rec[] {
    const key = this.keys.lookup(field, value)
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
      for (const [id, record] of this.byId) this.addKeys(index, this.keys.of(field, record), id)
    }
    return index
  }

  private addKeys(index: FieldIndex, keys: string | string[] | undefined, id: IdKey): void {
    eachKey(keys, (key) => this.addToIndex(index, key, id))
  }

  private addToIndex(index: FieldIndex, key: string, id: IdKey): void {
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
      const before = previous === undefined ? undefined : this.keys.of(field, previous)
      const after = this.keys.of(field, record)
      if (previous !== undefined && sameKeys(before, after)) continue
      removeKeys(index, before, id)
      this.addKeys(index, after, id)
    }
  }

  private unindex(id: IdKey, record: Rec): void {
    for (const [field, index] of this.indexes) removeKeys(index, this.keys.of(field, record), id)
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

function removeKeys(index: FieldIndex, keys: string | string[] | undefined, id: IdKey): void {
  eachKey(keys, (key) => removeFromIndex(index, key, id))
}

function removeFromIndex(index: FieldIndex, key: string, id: IdKey): void {
  const bucket = index.get(key)
  bucket?.ids.delete(id)
  if (bucket?.ids.size === 0) index.delete(key)
}
