import { Collection, eachKey, nextWriteVersion } from '../collection.ts'
import type { ResourceDef } from '../manifest/model.ts'
import { deepFreeze, type IdKey, idKey, type Rec } from '../store.ts'

/** Positions holding one value: a single position as a number (the common case of unique values). */
type Positions = number | number[]

/**
 * The seed records of one collection, read-only, as compact as a lookup by id allows: the seed's own
 * array (no copy unless it repeats an id) and one map from id to position. Indexes by field are built
 * when a lookup first needs them, as positions. Sessions read through it; nothing ever writes to it.
 */
export class SeedCollection extends Collection {
  readonly #records: readonly Rec[]
  readonly #positions = new Map<IdKey, number>()
  readonly #indexes = new Map<string, Map<string, Positions>>()
  readonly #nextId: number
  readonly #version: number = nextWriteVersion()

  constructor(resource: ResourceDef, records: readonly Rec[]) {
    super(resource)
    let unique: Rec[] | undefined
    let highest = 0
    const idField = resource.idField
    for (let i = 0; i < records.length; i++) {
      const record = deepFreeze(records[i]!)
      const id = record[idField]
      const key = idKey(id)
      const at = this.#positions.get(key)
      if (at !== undefined) {
        // a repeated id replaces the first in its place, as loading a collection does
        unique ??= records.slice(0, i)
        unique[at] = record
      } else {
        this.#positions.set(key, unique?.length ?? i)
        unique?.push(record)
      }
      if (typeof id === 'number' && id > highest) highest = id
    }
    this.#records = unique ?? records
    this.#nextId = highest + 1
  }

  override get size(): number {
    return this.#records.length
  }

  override get version(): number {
    return this.#version
  }

  override get(id: unknown): Rec | undefined {
    const at = this.#positions.get(idKey(id))
    return at === undefined ? undefined : this.#records[at]
  }

  override has(id: unknown): boolean {
    return this.#positions.has(idKey(id))
  }

  override all(): readonly Rec[] {
    return this.#records
  }

  override nextIntegerId(): number {
    return this.#nextId
  }

  override positionOf(id: unknown): number | undefined {
    return this.#positions.get(idKey(id))
  }

  override findBy(field: string, value: unknown): Rec[] {
    const key = this.keys.lookup(field, value)
    if (key === undefined) return []
    const positions = this.#index(field).get(key)
    if (positions === undefined) return []
    if (typeof positions === 'number') return [this.#records[positions]!]
    return positions.map((at) => this.#records[at]!)
  }

  override indexedFields(): string[] {
    return [...this.#indexes.keys()]
  }

  override put(): Rec | undefined {
    throw readOnly()
  }

  override remove(): { record: Rec; position: number } | undefined {
    throw readOnly()
  }

  override restore(): void {
    throw readOnly()
  }

  override clear(): void {
    throw readOnly()
  }

  #index(field: string): Map<string, Positions> {
    let index = this.#indexes.get(field)
    if (index !== undefined) return index
    index = new Map()
    for (let at = 0; at < this.#records.length; at++) {
      eachKey(this.keys.of(field, this.#records[at]!), (key) => {
        const found = index.get(key)
        if (found === undefined) index.set(key, at)
        else if (typeof found === 'number') index.set(key, [found, at])
        else found.push(at)
      })
    }
    this.#indexes.set(field, index)
    return index
  }
}

function readOnly(): Error {
  return new Error('the seed of sessions is read-only')
}
