import type { Manifest } from '../manifest/model.ts'
import { type StateData, Store, type Undo } from '../store.ts'
import { OverlayCollection, recordBytes } from './overlay-collection.ts'
import { SeedCollection } from './seed-collection.ts'

/**
 * A copy-on-write view of a whole state: one OverlayCollection per collection of `base`, and the
 * singletons by reference until one is written. Creating one costs O(number of resources); the base
 * is never changed through it.
 */
export class OverlayStore extends Store {
  readonly #overlays: OverlayCollection[] = []
  readonly #singletonBytes = new Map<string, number>()

  constructor(manifest: Manifest, base: Store) {
    // the base store made the collections from the manifest: this view wraps them instead
    super({ ...manifest, resources: {}, relations: [] })
    for (const [name, collection] of base.collections) {
      const overlay = new OverlayCollection(collection)
      this.collections.set(name, overlay)
      this.#overlays.push(overlay)
    }
    for (const resource of Object.values(manifest.resources)) {
      if (!resource.singleton) continue
      super.apply({ op: 'singleton', resource: resource.name, value: base.singleton(resource.name) ?? {} })
    }
  }

  /** records written here so far (created, updated or deleted; cascades included), singletons counted once */
  get changed(): number {
    let changed = this.#singletonBytes.size
    for (const overlay of this.#overlays) changed += overlay.changedRecords
    return changed
  }

  /** estimated memory held by what this view changed */
  get bytes(): number {
    let bytes = 0
    for (const overlay of this.#overlays) bytes += overlay.bytes
    for (const size of this.#singletonBytes.values()) bytes += size
    return bytes
  }

  override apply(mutation: Undo): Undo {
    const inverse = super.apply(mutation)
    if (mutation.op === 'singleton') this.#singletonBytes.set(mutation.resource, recordBytes(mutation.value))
    return inverse
  }
}

/**
 * The unchanging base every session's view reads through: the seed, indexed once by id (the seed's
 * records and arrays themselves are shared, not copied).
 */
export function seedStore(manifest: Manifest, seed: StateData): Store {
  const store = new Store({ ...manifest, resources: {}, relations: [] })
  for (const resource of Object.values(manifest.resources)) {
    const value = Object.hasOwn(seed, resource.name) ? seed[resource.name] : undefined
    if (resource.singleton) {
      const record = value === undefined || Array.isArray(value) ? {} : value
      store.apply({ op: 'singleton', resource: resource.name, value: record })
    } else {
      store.collections.set(resource.name, new SeedCollection(resource, Array.isArray(value) ? value : []))
    }
  }
  return store
}
