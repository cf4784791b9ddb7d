import { Collection, eachKey, nextWriteVersion, sameKeys } from '../collection.ts'
import { recordText } from '../records.ts'
import { type IdKey, idKey, type Rec, type RecordId } from '../store.ts'

/** Positions of the records a view adds come after every position of its base. */
const ADDED_FROM = 2 ** 40
/** What a deleted base record costs a view (its id in a map). */
const TOMBSTONE_BYTES = 48
/** What a changed record costs beside its JSON text (the object, its map slot, its cached text). */
const RECORD_OVERHEAD = 96

// Empty until a view first writes: a view that only reads allocates none of its own maps. Only ever
// read: every write site replaces them with a map of the view's own first.
const NO_CHANGES: Map<IdKey, Rec | null> = new Map()
const NO_ADDED: Map<IdKey, number> = new Map()
const NO_INDEXES: Map<string, Map<string, Set<IdKey>>> = new Map()

/** Rough memory a stored record holds: its object and its serialized text (cached for responses). */
export function recordBytes(record: Rec): number {
  return RECORD_OVERHEAD + 2 * recordText(record).length
}

/**
 * A copy-on-write view of a collection: reads fall through to `base` (which is never changed) unless
 * this view changed the record; writes are kept here, so creating a view is O(1) whatever the size of
 * the base, and it holds only the records it changed (plus an index of those, per field, built when a
 * lookup by that field first needs it). Order is the base's, with changed records in their place and
 * added ones after, as on a Collection. Every public method of Collection is overridden: the private
 * state Collection itself keeps stays empty.
 */
export class OverlayCollection extends Collection {
  readonly #base: Collection
  /** changed records by id: the new version, or null for a base record deleted here */
  #changes = NO_CHANGES
  /** ids added here (new ids, or base ids deleted and created again), with their positions */
  #added = NO_ADDED
  /** per field: value key -> ids of the records changed here that hold it */
  #indexes = NO_INDEXES
  #nextAdded = ADDED_FROM
  #addedOutOfOrder = false
  #highestOwnId = 0
  #size: number
  #ordered: Rec[] | undefined
  #bytes = 0
  /** undefined until this view first writes: the base's records, the base's version */
  #version: number | undefined

  constructor(base: Collection) {
    super(base.resource)
    this.#base = base
    this.#size = base.size
  }

  override get size(): number {
    return this.#size
  }

  override get version(): number {
    return this.#version ?? this.#base.version
  }

  /** records this view changed (created, updated or deleted) */
  get changedRecords(): number {
    return this.#changes.size
  }

  /** estimated memory the changed records hold */
  get bytes(): number {
    return this.#bytes
  }

  override get(id: unknown): Rec | undefined {
    const key = idKey(id)
    const changed = this.#changes.get(key)
    if (changed === null) return undefined
    return changed ?? this.#base.get(key)
  }

  override has(id: unknown): boolean {
    return this.get(id) !== undefined
  }

  override all(): readonly Rec[] {
    if (this.#changes.size === 0) return this.#base.all()
    if (this.#ordered !== undefined) return this.#ordered
    const slots: Array<Rec | null> = this.#base.all().slice()
    let removed = false
    for (const [key, record] of this.#changes) {
      const position = this.#base.positionOf(key)
      if (position === undefined) continue
      // a base record deleted and created again moves to the end, like any new record
      const here = this.#added.has(key) ? null : record
      slots[position] = here
      if (here === null) removed = true
    }
    const records = (removed ? slots.filter((record) => record !== null) : slots) as Rec[]
    for (const key of this.#addedIds()) records.push(this.#changes.get(key)!)
    this.#ordered = records
    return records
  }

  override nextIntegerId(): number {
    return Math.max(this.#base.nextIntegerId(), this.#highestOwnId + 1)
  }

  override positionOf(id: unknown): number | undefined {
    const key = idKey(id)
    if (!this.has(key)) return undefined
    return this.#added.get(key) ?? this.#base.positionOf(key)
  }

  override put(record: Rec): Rec | undefined {
    const id = record[this.resource.idField] as RecordId
    const key = idKey(id)
    const previous = this.get(key)
    const own = this.#changes.get(key)
    this.#writable()
    if (previous === undefined) {
      this.#size++
      this.#added.set(key, this.#nextAdded++)
    }
    this.#changes.set(key, record)
    this.#reindex(key, own ?? undefined, record)
    this.#bytes += recordBytes(record) - ownBytes(own)
    if (typeof id === 'number' && id > this.#highestOwnId) this.#highestOwnId = id
    this.#ordered = undefined
    this.#version = nextWriteVersion()
    return previous
  }

  override remove(id: unknown): { record: Rec; position: number } | undefined {
    const key = idKey(id)
    const previous = this.get(key)
    if (previous === undefined) return undefined
    const position = this.#added.get(key) ?? this.#base.positionOf(key)!
    const own = this.#changes.get(key)
    this.#writable()
    if (own !== undefined && own !== null) this.#unindex(key, own)
    this.#bytes -= ownBytes(own)
    this.#added.delete(key)
    if (this.#base.has(key)) {
      this.#changes.set(key, null)
      this.#bytes += TOMBSTONE_BYTES
    } else this.#changes.delete(key)
    this.#size--
    this.#ordered = undefined
    this.#version = nextWriteVersion()
    return { record: previous, position }
  }

  override restore(record: Rec, position: number): void {
    const key = idKey(record[this.resource.idField])
    if (this.has(key)) return
    const own = this.#changes.get(key)
    this.#writable()
    this.#bytes -= ownBytes(own)
    if (position < ADDED_FROM && this.#base.get(key) === record) {
      // the base record itself, back in its place: nothing of it needs keeping here
      this.#changes.delete(key)
    } else {
      this.#changes.set(key, record)
      this.#reindex(key, undefined, record)
      this.#bytes += recordBytes(record)
      if (position >= ADDED_FROM) {
        this.#added.set(key, position)
        if (position >= this.#nextAdded) this.#nextAdded = position + 1
        else this.#addedOutOfOrder = true
      }
    }
    this.#size++
    this.#ordered = undefined
    this.#version = nextWriteVersion()
  }

  override clear(): void {
    for (const record of [...this.all()]) this.remove(record[this.resource.idField])
  }

  override findBy(field: string, value: unknown): Rec[] {
    const fromBase = this.#base.findBy(field, value)
    if (this.#changes.size === 0) return fromBase
    const key = this.keys.lookup(field, value)
    if (key === undefined) return []
    const found: Array<{ position: number; record: Rec }> = []
    for (const record of fromBase) {
      const id = idKey(record[this.resource.idField])
      if (!this.#changes.has(id)) found.push({ position: this.#base.positionOf(id)!, record })
    }
    const own = this.#index(field).get(key)
    if (own === undefined && found.length === fromBase.length) return fromBase
    for (const id of own ?? []) {
      found.push({
        position: this.#added.get(id) ?? this.#base.positionOf(id)!,
        record: this.#changes.get(id)!,
      })
    }
    found.sort((a, b) => a.position - b.position)
    return found.map((each) => each.record)
  }

  override indexedFields(): string[] {
    return [...new Set([...this.#base.indexedFields(), ...this.#indexes.keys()])]
  }

  #writable(): void {
    if (this.#changes === NO_CHANGES) this.#changes = new Map()
    if (this.#added === NO_ADDED) this.#added = new Map()
  }

  /** ids added here, in position order */
  #addedIds(): Iterable<IdKey> {
    if (!this.#addedOutOfOrder) return this.#added.keys()
    const sorted = [...this.#added].sort((a, b) => a[1] - b[1])
    this.#added.clear()
    for (const [key, position] of sorted) this.#added.set(key, position)
    this.#addedOutOfOrder = false
    return this.#added.keys()
  }

  #index(field: string): Map<string, Set<IdKey>> {
    const existing = this.#indexes.get(field)
    if (existing !== undefined) return existing
    const index = new Map<string, Set<IdKey>>()
    if (this.#indexes === NO_INDEXES) this.#indexes = new Map()
    this.#indexes.set(field, index)
    for (const [id, record] of this.#changes) {
      if (record !== null) eachKey(this.keys.of(field, record), (key) => addTo(index, key, id))
    }
    return index
  }

  #reindex(id: IdKey, previous: Rec | undefined, record: Rec): void {
    for (const [field, index] of this.#indexes) {
      const before = previous === undefined ? undefined : this.keys.of(field, previous)
      const after = this.keys.of(field, record)
      if (previous !== undefined && sameKeys(before, after)) continue
      eachKey(before, (key) => removeFrom(index, key, id))
      eachKey(after, (key) => addTo(index, key, id))
    }
  }

  #unindex(id: IdKey, record: Rec): void {
    for (const [field, index] of this.#indexes)
      eachKey(this.keys.of(field, record), (key) => removeFrom(index, key, id))
  }
}

function ownBytes(own: Rec | null | undefined): number {
  if (own === undefined) return 0
  return own === null ? TOMBSTONE_BYTES : recordBytes(own)
}

function addTo(index: Map<string, Set<IdKey>>, key: string, id: IdKey): void {
  const ids = index.get(key)
  if (ids === undefined) index.set(key, new Set([id]))
  else ids.add(id)
}

function removeFrom(index: Map<string, Set<IdKey>>, key: string, id: IdKey): void {
  const ids = index.get(key)
  ids?.delete(id)
  if (ids?.size === 0) index.delete(key)
}
