import type { ResourceDef } from './manifest/types.ts'
import { type IdKey, idKey, type Rec, type RecordId } from './state.ts'

/** Index key of a field value; undefined for values that are never indexed (null, objects). */
function valueKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

/**
 * One collection: records by id in insertion order (a Map, so GET by id is O(1) whatever the size),
 * plus secondary indexes per field, built on first use and kept up to date (unique checks, relations).
 */
export class Collection {
  readonly resource: ResourceDef
  private readonly byId = new Map<IdKey, Rec>()
  private readonly indexes = new Map<string, Map<string, Set<IdKey>>>()
  private ordered: Rec[] | undefined
  private highestIntegerId = 0

  constructor(resource: ResourceDef) {
    this.resource = resource
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
    if (this.ordered === undefined) this.ordered = Array.from(this.byId.values())
    return this.ordered
  }

  nextIntegerId(): number {
    return this.highestIntegerId + 1
  }

  /** Insert or replace (keeps the position of an existing record). Returns the previous record. */
  put(record: Rec): Rec | undefined {
    const id = record.id as RecordId
    const key = idKey(id)
    const previous = this.byId.get(key)
    this.byId.set(key, record)
    this.reindex(key, previous, record)
    if (typeof id === 'number' && id > this.highestIntegerId) this.highestIntegerId = id
    this.ordered = undefined
    return previous
  }

  /** Remove a record; returns it with its position (so a rollback can put it back where it was). */
  remove(id: unknown): { record: Rec; position: number } | undefined {
    const key = idKey(id)
    const previous = this.byId.get(key)
    if (previous === undefined) return undefined
    const position = this.all().indexOf(previous)
    this.byId.delete(key)
    this.unindex(key, previous)
    this.ordered = undefined
    return { record: previous, position }
  }

  /** Put a removed record back at its old position (rollback only: O(n)). */
  restore(record: Rec, position: number): void {
    const records = [...this.all()]
    records.splice(position, 0, record)
    this.byId.clear()
    for (const each of records) this.byId.set(idKey(each.id), each)
    this.indexes.clear()
    this.ordered = undefined
  }

  clear(): void {
    this.byId.clear()
    this.indexes.clear()
    this.ordered = undefined
    this.highestIntegerId = 0
  }

  /** Records whose `field` equals `value` (1 and "1" match each other, as ids do in URLs). */
  findBy(field: string, value: unknown): Rec[] {
    const key = valueKey(value)
    if (key === undefined) return []
    const ids = this.index(field).get(key)
    if (ids === undefined) return []
    const found: Rec[] = []
    for (const id of ids) {
      const record = this.byId.get(id)
      if (record !== undefined) found.push(record)
    }
    return found
  }

  private index(field: string): Map<string, Set<IdKey>> {
    let index = this.indexes.get(field)
    if (index === undefined) {
      index = new Map()
      this.indexes.set(field, index)
      for (const [id, record] of this.byId) addToIndex(index, valueKey(record[field]), id)
    }
    return index
  }

  /** Update secondary indexes; an unchanged value keeps its place, so lookups stay in collection order. */
  private reindex(id: IdKey, previous: Rec | undefined, record: Rec): void {
    for (const [field, index] of this.indexes) {
      const before = previous === undefined ? undefined : valueKey(previous[field])
      const after = valueKey(record[field])
      if (previous !== undefined && before === after) continue
      if (before !== undefined) removeFromIndex(index, before, id)
      addToIndex(index, after, id)
    }
  }

  private unindex(id: IdKey, record: Rec): void {
    for (const [field, index] of this.indexes) {
      const key = valueKey(record[field])
      if (key !== undefined) removeFromIndex(index, key, id)
    }
  }
}

function addToIndex(index: Map<string, Set<IdKey>>, key: string | undefined, id: IdKey): void {
  if (key === undefined) return
  let ids = index.get(key)
  if (ids === undefined) {
    ids = new Set()
    index.set(key, ids)
  }
  ids.add(id)
}

function removeFromIndex(index: Map<string, Set<IdKey>>, key: string, id: IdKey): void {
  const ids = index.get(key)
  ids?.delete(id)
  if (ids?.size === 0) index.delete(key)
}
