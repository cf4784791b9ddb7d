import { type IdKey, idKey, type Mutation, type Rec, type StateData } from './state.ts'

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
export function createStateBuilder(initial: StateData): StateBuilder {
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
    for (const record of records) index.set(idKey(record.id), record)
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
