import { RestmockError } from './errors.ts'
import type { Manifest, Relation } from './manifest/model.ts'
import type { Store } from './store.ts'
import { idKey, type Mutation, type Rec, type RecordId } from './store.ts'

interface Doomed {
  resource: string
  record: Rec
}

/**
 * The mutations that delete `record` and apply the `onDelete` rule of every relation pointing at it,
 * in one atomic batch: first every record the cascades reach, then `restrict` (blocks the delete when a
 * record outside that set still refers to one inside it) and `set-null` (clears each such field, several
 * fields of one record in one update; a many-to-many array loses the deleted ids instead, whether the rule is
 * cascade or set-null). Dependents are found through the store's ref indexes, so the cost
 * is O(k) in the records touched, whatever the size of the collections, and an iterative walk, so a long
 * chain of cascades cannot overflow the stack. Throws RestmockError('conflict') when restricted.
 */
export function planDelete(manifest: Manifest, store: Store, resource: string, record: Rec): Mutation[] {
  const byParent = new Map<string, Relation[]>()
  for (const relation of manifest.relations) {
    const list = byParent.get(relation.parent) ?? []
    list.push(relation)
    byParent.set(relation.parent, list)
  }

  const doomed: Doomed[] = [{ resource, record }]
  const idOf = (name: string, each: Rec): RecordId => each[manifest.resources[name]!.idField] as RecordId
  const deleted = new Set<string>([visitKey(resource, idOf(resource, record))])
  for (let i = 0; i < doomed.length; i++) {
    const parent = doomed[i]!
    for (const relation of byParent.get(parent.resource) ?? []) {
      if (relation.onDelete !== 'cascade' || relation.many === true || isSingleton(manifest, relation.child))
        continue
      for (const child of dependents(manifest, store, relation, parent.record)) {
        const key = visitKey(relation.child, idOf(relation.child, child))
        if (deleted.has(key)) continue
        deleted.add(key)
        doomed.push({ resource: relation.child, record: child })
      }
    }
  }

  const mutations: Mutation[] = doomed.map((each) => ({
    op: 'delete',
    resource: each.resource,
    id: idOf(each.resource, each.record),
  }))
  const updates = new Map<string, Mutation & { op: 'upsert' | 'singleton' }>()
  for (const parent of doomed) {
    for (const relation of byParent.get(parent.resource) ?? []) {
      if (isSingleton(manifest, relation.child)) {
        clearSingleton(manifest, store, relation, parent.record, updates)
        continue
      }
      if (relation.onDelete === 'cascade' && relation.many !== true) continue
      const survivors = dependents(manifest, store, relation, parent.record).filter(
        (child) => !deleted.has(visitKey(relation.child, idOf(relation.child, child))),
      )
      if (survivors.length === 0) continue
      if (relation.onDelete === 'restrict')
        throw restricted(relation, idOf(parent.resource, parent.record), survivors.length)
      for (const child of survivors) {
        const key = visitKey(relation.child, idOf(relation.child, child))
        const planned = updates.get(key)
        const base = planned?.op === 'upsert' ? planned.record : child
        updates.set(key, {
          op: 'upsert',
          resource: relation.child,
          id: idOf(relation.child, child),
          record: {
            ...base,
            [relation.field]: cleared(
              relation,
              base[relation.field],
              parentIdOf(manifest, relation, parent.record),
            ),
          },
        })
      }
    }
  }
  mutations.push(...updates.values())
  return mutations
}

/** A singleton that refers to a deleted record: restrict blocks, cascade and set-null clear the field. */
function clearSingleton(
  manifest: Manifest,
  store: Store,
  relation: Relation,
  parent: Rec,
  updates: Map<string, Mutation & { op: 'upsert' | 'singleton' }>,
): void {
  const key = `${relation.child}\u0000`
  const planned = updates.get(key)
  const value = planned?.op === 'singleton' ? planned.value : (store.singleton(relation.child) ?? {})
  const current = value[relation.field]
  const parentId = parentIdOf(manifest, relation, parent)
  if (current === undefined || current === null) return
  const refers =
    relation.many === true
      ? Array.isArray(current) && current.some((id) => idKey(id) === idKey(parentId))
      : idKey(current) === idKey(parentId)
  if (!refers) return
  if (relation.onDelete === 'restrict') throw restricted(relation, parentId, 1)
  const next = cleared(relation, current, parentId)
  updates.set(key, { op: 'singleton', resource: relation.child, value: { ...value, [relation.field]: next } })
}

/** What a field referring to a deleted parent becomes: null, or for many-to-many the array without its id. */
function cleared(relation: Relation, current: unknown, parentId: unknown): unknown {
  if (relation.many !== true) return null
  if (!Array.isArray(current)) return current
  const gone = idKey(parentId)
  return current.filter((id) => id === null || typeof id === 'object' || idKey(id) !== gone)
}

function dependents(manifest: Manifest, store: Store, relation: Relation, parent: Rec): Rec[] {
  return (
    store.collection(relation.child)?.findBy(relation.field, parentIdOf(manifest, relation, parent)) ?? []
  )
}

function parentIdOf(manifest: Manifest, relation: Relation, parent: Rec): unknown {
  return parent[manifest.resources[relation.parent]!.idField]
}

function isSingleton(manifest: Manifest, name: string): boolean {
  return manifest.resources[name]?.singleton === true
}

function visitKey(resource: string, id: unknown): string {
  return `${resource}\u0000${idKey(id)}`
}

function restricted(relation: Relation, parentId: unknown, count: number): RestmockError {
  const noun = count === 1 ? 'record' : 'records'
  return new RestmockError(
    'conflict',
    `cannot delete ${relation.parent} ${JSON.stringify(parentId)}: ${count} ${relation.child} ${noun} refer to it (${relation.child}.${relation.field}, onDelete: restrict)`,
  )
}
