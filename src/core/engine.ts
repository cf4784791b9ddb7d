import type { Collection } from './collection.ts'
import { planDelete } from './delete-plan.ts'
import { type Committer, IN_MEMORY, persistenceFailed, UnconfirmedChanges } from './durable-commit.ts'
import { type FieldError, RestmockError } from './errors.ts'
import { generateId, idProblem } from './ids.ts'
import type { Manifest, ResourceDef } from './manifest/model.ts'
import type { Random } from './random.ts'
import { checkUnique, orderErrors, refErrors, throwIfInvalid } from './record-rules.ts'
import { applyDefaults, applyPatch, clientFields, managedFields, type PatchStyle } from './records.ts'
import { compileResourceValidator, type RecordValidator } from './schema.ts'
import type { Rec, RecordId, StateData } from './store.ts'
import { Store } from './store.ts'

export interface EngineOptions {
  manifest: Manifest
  /** the normalized seed state (prepareState) that reset returns to */
  seed: StateData
  /** the state to start from (a loaded state file); defaults to the seed */
  initial?: StateData
  persistence: Committer
  random: Random
  now: () => Date
  /** a ready store to serve instead of loading `initial` (a session's copy-on-write view) */
  store?: Store
  /** validators another engine compiled for the same manifest, reused instead of compiled again */
  validators?: ReadonlyMap<string, RecordValidator>
}

/**
 * Every CRUD operation on every resource: validation, ids, timestamps, refs, unique constraints,
 * onDelete rules, then durable commit. State changes happen synchronously in memory; the returned
 * promise settles once persistence confirms, and a failed commit rolls back every unconfirmed change.
 */
export class Engine {
  manifest: Manifest
  store: Store
  private seed: StateData
  private readonly persistence: Committer
  private readonly random: Random
  private readonly now: () => Date
  private readonly validators = new Map<string, RecordValidator>()
  private readonly changes: UnconfirmedChanges
  private readonly replacedListeners: Array<() => void> = []

  constructor(options: EngineOptions) {
    this.manifest = options.manifest
    this.seed = options.seed
    this.persistence = options.persistence
    this.changes = new UnconfirmedChanges(
      () => this.store,
      () => this.persistence,
    )
    this.random = options.random
    this.now = options.now
    if (options.store === undefined) {
      this.store = new Store(options.manifest)
      this.store.load(options.initial ?? options.seed)
    } else this.store = options.store
    if (options.validators !== undefined) {
      for (const [name, validator] of options.validators) this.validators.set(name, validator)
      return
    }
    for (const resource of Object.values(options.manifest.resources)) {
      if (resource.fields !== undefined)
        this.validators.set(resource.name, compileResourceValidator(resource, 'input'))
    }
  }

  /**
   * An in-memory engine over `store` with this one's manifest, seed, clock and compiled validators
   * (a session's: O(1) whatever the size of the data, as `store` is a view over the seed).
   */
  derive(store: Store, random: Random): Engine {
    return new Engine({
      manifest: this.manifest,
      seed: this.seed,
      persistence: IN_MEMORY,
      random,
      now: this.now,
      store,
      validators: this.validators,
    })
  }

  resource(name: string): ResourceDef | undefined {
    return Object.hasOwn(this.manifest.resources, name) ? this.manifest.resources[name] : undefined
  }

  // ---- reads -------------------------------------------------------------------------------

  list(resource: string): readonly Rec[] {
    return this.requireCollection(resource).all()
  }

  get(resource: string, id: RecordId): Rec {
    const record = this.requireCollection(resource).get(id)
    if (record === undefined) throw notFound(resource, id)
    return record
  }

  find(resource: string, id: unknown): Rec | undefined {
    return this.store.collection(resource)?.get(id)
  }

  /** Records of `child` whose `field` holds `parentId` (indexed). */
  childrenOf(child: string, field: string, parentId: unknown): Rec[] {
    return this.store.collection(child)?.findBy(field, parentId) ?? []
  }

  /** Changes whenever a write changes `resource`'s records (list ETags); undefined for an unknown collection. */
  versionOf(resource: string): number | undefined {
    return this.store.collection(resource)?.version
  }

  getSingleton(resource: string): Rec {
    return this.store.singleton(resource) ?? {}
  }

  snapshot(): StateData {
    return this.store.snapshot()
  }

  // ---- collection writes --------------------------------------------------------------------

  async create(resourceName: string, body: Record<string, unknown>): Promise<Rec> {
    const { resource, collection } = this.collectionOf(resourceName)
    const input = applyDefaults(resource.fields, clientFields(resource, body))
    const errors = this.validate(resource, clientFields(resource, input))
    const { idField } = resource
    let id: RecordId
    if (body[idField] !== undefined && body[idField] !== null) {
      const problem = idProblem(resource.id, body[idField], this.manifest.zeroConfig)
      if (problem !== undefined) errors.unshift({ pointer: `/${idField}`, detail: problem })
      id = body[idField] as RecordId
    } else {
      const next = collection.nextIntegerId()
      if (resource.id === 'integer' && !Number.isSafeInteger(next)) {
        throw new RestmockError(
          'conflict',
          `${resourceName} has used every integer id up to ${next - 1}; send an id`,
        )
      }
      id = generateId(resource.id, next, this.random, (candidate) => collection.has(candidate))
    }
    throwIfInvalid(errors)
    if (collection.has(id)) {
      throw new RestmockError('conflict', `${resourceName} ${JSON.stringify(id)} already exists`, {
        errors: [{ pointer: `/${idField}`, detail: 'is already taken' }],
      })
    }
    const timestamps = this.timestamps(resource, undefined)
    const record: Rec = { [idField]: id, ...input, ...timestamps }
    throwIfInvalid(orderErrors(resource, record))
    checkUnique(collection, record, undefined)
    return this.changes.commit([{ op: 'upsert', resource: resourceName, id, record }], record)
  }

  private get patchStyle(): PatchStyle {
    return this.manifest.zeroConfig ? 'shallow' : 'merge-patch'
  }

  async replace(resourceName: string, id: RecordId, body: Record<string, unknown>): Promise<Rec> {
    const { resource, collection } = this.collectionOf(resourceName)
    const current = this.get(resourceName, id)
    const input = applyDefaults(resource.fields, clientFields(resource, body))
    throwIfInvalid(this.validate(resource, clientFields(resource, input)))
    const currentId = current[resource.idField] as RecordId
    const record: Rec = {
      [resource.idField]: currentId,
      ...input,
      ...managedFields(resource, current),
      ...this.timestamps(resource, current),
    }
    throwIfInvalid(orderErrors(resource, record))
    checkUnique(collection, record, current)
    return this.changes.commit([{ op: 'upsert', resource: resourceName, id: currentId, record }], record)
  }

  /** `style` defaults to json-server's shallow merge in zero-config mode, RFC 7396 with a manifest. */
  async patch(
    resourceName: string,
    id: RecordId,
    patch: Record<string, unknown>,
    style: PatchStyle = this.patchStyle,
  ): Promise<Rec> {
    const { resource, collection } = this.collectionOf(resourceName)
    const current = this.get(resourceName, id)
    const merged = applyPatch(style, current, clientFields(resource, patch))
    throwIfInvalid(this.validate(resource, clientFields(resource, merged)))
    const currentId = current[resource.idField] as RecordId
    const record: Rec = { ...merged, [resource.idField]: currentId, ...this.timestamps(resource, current) }
    throwIfInvalid(orderErrors(resource, record))
    checkUnique(collection, record, current)
    return this.changes.commit([{ op: 'upsert', resource: resourceName, id: currentId, record }], record)
  }

  /** Deletes the record and applies the onDelete rule of every relation pointing at it. */
  async remove(resourceName: string, id: RecordId): Promise<Rec> {
    const current = this.get(resourceName, id)
    return this.changes.commit(planDelete(this.manifest, this.store, resourceName, current), current)
  }

  // ---- singleton writes ---------------------------------------------------------------------

  async replaceSingleton(resourceName: string, body: Record<string, unknown>): Promise<Rec> {
    const resource = this.singletonOf(resourceName)
    const current = this.getSingleton(resourceName)
    const input = applyDefaults(resource.fields, clientFields(resource, body))
    throwIfInvalid(this.validate(resource, clientFields(resource, input)))
    const value: Rec = {
      ...input,
      ...managedFields(resource, current),
      ...this.timestamps(resource, current),
    }
    throwIfInvalid(orderErrors(resource, value))
    return this.changes.commit([{ op: 'singleton', resource: resourceName, value }], value)
  }

  async patchSingleton(
    resourceName: string,
    patch: Record<string, unknown>,
    style: PatchStyle = this.patchStyle,
  ): Promise<Rec> {
    const resource = this.singletonOf(resourceName)
    const current = this.getSingleton(resourceName)
    const merged = applyPatch(style, current, clientFields(resource, patch))
    throwIfInvalid(this.validate(resource, clientFields(resource, merged)))
    const value: Rec = { ...merged, ...this.timestamps(resource, current) }
    throwIfInvalid(orderErrors(resource, value))
    return this.changes.commit([{ op: 'singleton', resource: resourceName, value }], value)
  }

  // ---- whole state --------------------------------------------------------------------------

  /** Back to the seed state (POST /__restmock/reset, --reset). */
  reset(): Promise<void> {
    return this.replaceAll(this.seed)
  }

  /** Replace the whole state with an already normalized one (PUT /__restmock/db). */
  replaceAll(state: StateData): Promise<void> {
    return this.replaceWith(state, (persistence) => persistence.reset(state))
  }

  /** Take the state its file now holds (edited by hand), without writing the file back. */
  adoptState(state: StateData): Promise<void> {
    return this.replaceWith(state, (persistence) =>
      persistence.adopt === undefined ? persistence.reset(state) : persistence.adopt(state),
    )
  }

  private async replaceWith(
    state: StateData,
    save: (persistence: Committer) => Promise<void>,
  ): Promise<void> {
    await this.changes.settle()
    const inverse = this.store.apply({ op: 'replace', state })
    try {
      await save(this.persistence)
    } catch (error) {
      this.store.apply(inverse)
      throw persistenceFailed(error)
    }
    for (const listener of this.replacedListeners) listener()
  }

  /**
   * Call `listener` whenever the whole state is replaced (reset, PUT /__restmock/db), until `signal`
   * aborts (an app serving this engine was replaced by another: its listeners go with it).
   */
  onReplaced(listener: () => void, signal?: AbortSignal): void {
    if (signal?.aborted === true) return
    this.replacedListeners.push(listener)
    signal?.addEventListener(
      'abort',
      () => {
        const index = this.replacedListeners.indexOf(listener)
        if (index !== -1) this.replacedListeners.splice(index, 1)
      },
      { once: true },
    )
  }

  /** The state a reset returns to. */
  seedState(): StateData {
    return this.seed
  }

  /** Make `state` the new reset target (zero-config mode when the seed file is the state file). */
  setSeed(state: StateData): void {
    this.seed = state
  }

  /**
   * Serve `manifest` from now on, keeping the state: `prepare` turns the current state (taken once no
   * commit is in flight) into one normalized for the new manifest (new fields get their defaults);
   * records of resources it no longer declares stay in the state, unserved, until a reset.
   */
  async replaceManifest(
    manifest: Manifest,
    seed: StateData,
    prepare: (state: StateData) => StateData,
  ): Promise<void> {
    // the swap below is synchronous, so no change can land in the old store after its snapshot
    await this.changes.settle()
    const state = prepare(this.store.snapshot())
    const store = new Store(manifest)
    store.load(state)
    const validators = new Map<string, RecordValidator>()
    for (const resource of Object.values(manifest.resources)) {
      if (resource.fields !== undefined)
        validators.set(resource.name, compileResourceValidator(resource, 'input'))
    }
    this.manifest = manifest
    this.store = store
    this.seed = seed
    this.validators.clear()
    for (const [name, validator] of validators) this.validators.set(name, validator)
  }

  // ---- internals ----------------------------------------------------------------------------

  private validate(resource: ResourceDef, input: Record<string, unknown>): FieldError[] {
    const errors = this.validators.get(resource.name)?.(input) ?? []
    if (!this.manifest.zeroConfig) errors.push(...refErrors(this.manifest, this.store, resource, input))
    return errors
  }

  private timestamps(resource: ResourceDef, current: Rec | undefined): Record<string, string> {
    if (!resource.timestamps) return {}
    const now = this.now().toISOString()
    const createdAt = typeof current?.createdAt === 'string' ? current.createdAt : now
    return { createdAt, updatedAt: now }
  }

  private requireCollection(name: string): Collection {
    const collection = this.store.collection(name)
    if (collection === undefined)
      throw new RestmockError('not_found', `there is no collection named "${name}"`)
    return collection
  }

  private collectionOf(name: string): { resource: ResourceDef; collection: Collection } {
    const collection = this.requireCollection(name)
    return { resource: collection.resource, collection }
  }

  private singletonOf(name: string): ResourceDef {
    const resource = this.resource(name)
    if (resource === undefined || !resource.singleton) {
      throw new RestmockError('not_found', `there is no singleton named "${name}"`)
    }
    return resource
  }
}

function notFound(resource: string, id: RecordId): RestmockError {
  return new RestmockError('not_found', `${resource} ${JSON.stringify(id)} does not exist`)
}
