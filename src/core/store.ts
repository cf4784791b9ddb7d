import { Collection } from './collection.ts'
import type { Manifest } from './manifest/model.ts'

/** A stored record. Records are never mutated after they are stored (copy on write). */
export type Rec = Readonly<Record<string, unknown>>

/** Record ids as stored: numbers stay numbers (json-server compatibility), others are strings. */
export type RecordId = string | number

/** The whole state in seed-data shape (json-server db.json): arrays are collections, objects singletons. */
export type StateData = Record<string, Rec[] | Rec>

/**
 * One state change. The unit that persistence commits (and that a journal stores, one JSON line each);
 * applying the mutations in order to the previous state gives the new state.
 */
export type Mutation =
  | { op: 'upsert'; resource: string; id: RecordId; record: Rec }
  | { op: 'delete'; resource: string; id: RecordId }
  | { op: 'singleton'; resource: string; value: Rec }
  | { op: 'replace'; state: StateData }

/** How an id is indexed: integers (and their canonical strings) as numbers, anything else as a string. */
export type IdKey = string | number

/**
 * Index key of an id, so GET /posts/1 finds a stored 1 or "1" in O(1). Integer keys are numbers rather
 * than strings: no key string is kept per record (about 3 MB per 100k records) and lookups hash a small
 * integer instead of a fresh string.
 */
export function idKey(id: unknown): IdKey {
  if (typeof id === 'number') return Number.isSafeInteger(id) ? id : String(id)
  const text = typeof id === 'string' ? id : String(id)
  return integerOf(text) ?? text
}

/** The safe integer a canonical integer string ("0", "42", "-7"; not "007", "-0", "1e3") spells. */
function integerOf(text: string): number | undefined {
  const length = text.length
  const negative = text.charCodeAt(0) === 45
  const start = negative ? 1 : 0
  if (length === start || length - start > 16) return undefined
  if (text.charCodeAt(start) === 48) return length === 1 ? 0 : undefined
  let value = 0
  for (let i = start; i < length; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return undefined
    value = value * 10 + digit
  }
  if (!Number.isSafeInteger(value)) return undefined
  return negative ? -value : value
}

/** A change or its undo: `restore` puts a deleted record back at its old position (as Collection.remove reported it). */
export type Undo = Mutation | { op: 'restore'; resource: string; record: Rec; position: number }

/**
 * The live state: one Collection per collection resource, one record per singleton. Changes go
 * through `apply`, which returns the inverse mutation (used to roll back when persisting fails).
 */
export class Store {
  readonly collections: Map<string, Collection> = new Map()
  private readonly singletons = new Map<string, Rec>()
  /** keys of a loaded state that the manifest does not declare: kept and written back, never served */
  private extras: Record<string, Rec[] | Rec> = {}

  constructor(manifest: Manifest) {
    // every field that refers to another collection is indexed up front: deleting a parent then costs
    // O(k) for its k dependents, and so does GET /parent/:id/child
    const refFields = new Map<string, Set<string>>()
    for (const relation of manifest.relations) {
      const fields = refFields.get(relation.child) ?? new Set()
      fields.add(relation.field)
      refFields.set(relation.child, fields)
    }
    for (const resource of Object.values(manifest.resources)) {
      if (resource.singleton) this.singletons.set(resource.name, {})
      else this.collections.set(resource.name, new Collection(resource, refFields.get(resource.name)))
    }
  }

  collection(name: string): Collection | undefined {
    return this.collections.get(name)
  }

  singleton(name: string): Rec | undefined {
    return this.singletons.get(name)
  }

  /** Replace everything with `state` (already normalized: see prepareState). */
  load(state: StateData): void {
    this.extras = {}
    for (const collection of this.collections.values()) collection.clear()
    for (const [name, value] of Object.entries(state)) {
      const collection = this.collections.get(name)
      if (collection !== undefined && Array.isArray(value)) {
        for (const record of value) collection.put(deepFreeze(record))
      } else if (this.singletons.has(name) && !Array.isArray(value)) {
        this.singletons.set(name, deepFreeze(value))
      } else {
        this.extras[name] = value
      }
    }
  }

  snapshot(): StateData {
    const state: StateData = {}
    for (const [name, collection] of this.collections) state[name] = collection.all() as Rec[]
    for (const [name, value] of this.singletons) state[name] = value
    return { ...state, ...this.extras }
  }

  /** Apply one change; returns what undoes it. */
  apply(mutation: Undo): Undo {
    switch (mutation.op) {
      case 'upsert': {
        const collection = this.requireCollection(mutation.resource)
        const previous = collection.put(deepFreeze(mutation.record))
        return previous === undefined
          ? { op: 'delete', resource: mutation.resource, id: mutation.id }
          : { op: 'upsert', resource: mutation.resource, id: mutation.id, record: previous }
      }
      case 'delete': {
        const collection = this.requireCollection(mutation.resource)
        const removed = collection.remove(mutation.id)
        return removed === undefined
          ? { op: 'delete', resource: mutation.resource, id: mutation.id }
          : { op: 'restore', resource: mutation.resource, record: removed.record, position: removed.position }
      }
      case 'restore': {
        this.requireCollection(mutation.resource).restore(mutation.record, mutation.position)
        const { idField } = this.requireCollection(mutation.resource).resource
        return { op: 'delete', resource: mutation.resource, id: mutation.record[idField] as RecordId }
      }
      case 'singleton': {
        const previous = this.singletons.get(mutation.resource) ?? {}
        this.singletons.set(mutation.resource, deepFreeze(mutation.value))
        return { op: 'singleton', resource: mutation.resource, value: previous }
      }
      case 'replace': {
        const previous = this.snapshot()
        this.load(mutation.state)
        return { op: 'replace', state: previous }
      }
    }
  }

  private requireCollection(name: string): Collection {
    const collection = this.collections.get(name)
    if (collection === undefined) throw new Error(`no collection named ${name}`)
    return collection
  }
}

/** Stored records are immutable: a response can never be changed by a later request. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

/** A state being rebuilt from mutations (journal replay): O(1) per upsert or delete whatever the size. */
export interface StateBuilder {
  apply(mutation: Mutation): void
  result(): StateData
}

type Entry = { kind: 'collection'; records: Rec[] | Map<IdKey, Rec> } | { kind: 'singleton'; value: Rec }

/**
 * Applies mutations with the store's ordering rules: an upsert of an existing id keeps the record's
 * position, an upsert of a new id appends, a delete removes. Applying a sequence of mutations to a
 * state that already contains their effects gives the same records again (each mutation sets a
 * value), which is what makes replaying a journal over a newer snapshot harmless.
 */
export function createStateBuilder(
  initial: StateData,
  idFieldOf: (resource: string) => string = () => 'id',
): StateBuilder {
  const entries = new Map<string, Entry>()
  const load = (state: StateData): void => {
    entries.clear()
    for (const [name, value] of Object.entries(state)) {
      entries.set(
        name,
        Array.isArray(value)
          ? { kind: 'collection', records: value }
          : { kind: 'singleton', value: value as Rec },
      )
    }
  }
  load(initial)

  // Collections are indexed only when a mutation touches them: untouched ones are returned as they came.
  const indexOf = (resource: string): Map<IdKey, Rec> => {
    const entry = entries.get(resource)
    const records = entry?.kind === 'collection' ? entry.records : []
    if (records instanceof Map) return records
    const index = new Map<IdKey, Rec>()
    const idField = idFieldOf(resource)
    for (const record of records) index.set(idKey(record[idField]), record)
    entries.set(resource, { kind: 'collection', records: index })
    return index
  }

  return {
    apply(mutation) {
      switch (mutation.op) {
        case 'upsert':
          indexOf(mutation.resource).set(idKey(mutation.id), mutation.record)
          break
        case 'delete':
          if (entries.get(mutation.resource)?.kind === 'collection')
            indexOf(mutation.resource).delete(idKey(mutation.id))
          break
        case 'singleton':
          entries.set(mutation.resource, { kind: 'singleton', value: mutation.value })
          break
        case 'replace':
          load(mutation.state)
          break
      }
    },
    result() {
      const state: StateData = {}
      for (const [name, entry] of entries) {
        if (entry.kind === 'singleton') state[name] = entry.value
        else state[name] = entry.records instanceof Map ? [...entry.records.values()] : entry.records
      }
      return state
    },
  }
}

/** The state after applying `mutations` in order to `state` (which is not modified). */
export function applyMutations(state: StateData, mutations: Iterable<Mutation>): StateData {
  const builder = createStateBuilder(state)
  for (const mutation of mutations) builder.apply(mutation)
  return builder.result()
}
