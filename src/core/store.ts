import { Collection } from './collection.ts'
import type { Manifest } from './manifest/types.ts'
import type { Mutation, Rec, RecordId, StateData } from './state.ts'

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
        return { op: 'delete', resource: mutation.resource, id: mutation.record.id as RecordId }
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
