import { ConfigError, didYouMean } from './errors.ts'
import { generateId, idProblem } from './ids.ts'
import type { Issue, Manifest, ResourceDef } from './manifest/model.ts'
import type { Random } from './random.ts'
import { orderErrors } from './record-rules.ts'
import { applyDefaults } from './records.ts'
import { compileResourceValidator } from './schema.ts'
import { type IdKey, idKey, type Rec, type StateData } from './store.ts'

export interface PrepareOptions {
  /** where the data came from, for messages ("seeds/crm.data.json") */
  source: string
  random: Random
  /** check every record against the field rules, refs and unique constraints (seed data: yes) */
  strict: boolean
}

/**
 * Turn seed or state data into a complete, normalized state: every resource present, ids assigned,
 * defaults applied. With `strict`, every record must satisfy the manifest (all problems are listed).
 */
export function prepareState(manifest: Manifest, data: unknown, options: PrepareOptions): StateData {
  const issues: Issue[] = []
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`${options.source} must be a JSON object keyed by resource name`, [
      { path: '', message: `got ${Array.isArray(data) ? 'an array' : typeof data}` },
    ])
  }
  const input = data as Record<string, unknown>
  const state: StateData = {}
  const names = Object.keys(manifest.resources)
  for (const [name, value] of Object.entries(input)) {
    if (!Object.hasOwn(manifest.resources, name)) {
      if (options.strict) {
        issues.push({ path: name, message: `is not a resource of the manifest${didYouMean(name, names)}` })
      } else if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
        state[name] = value as Rec[] | Rec
      }
    }
  }
  for (const resource of Object.values(manifest.resources)) {
    const value = Object.hasOwn(input, resource.name) ? input[resource.name] : undefined
    state[resource.name] = resource.singleton
      ? prepareSingleton(resource, value, issues)
      : prepareCollection(resource, value, manifest.zeroConfig, options, issues)
  }
  if (options.strict) checkIntegrity(manifest, state, issues)
  if (issues.length > 0) {
    throw new ConfigError(
      `${options.source} has ${issues.length === 1 ? '1 problem' : `${issues.length} problems`}:`,
      issues,
      options.source,
    )
  }
  return state
}

function prepareSingleton(resource: ResourceDef, value: unknown, issues: Issue[]): Rec {
  if (value === undefined) return applyDefaults(resource.fields, {})
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path: resource.name, message: 'is a singleton: it must be an object' })
    return {}
  }
  return value as Rec
}

function prepareCollection(
  resource: ResourceDef,
  value: unknown,
  zeroConfig: boolean,
  options: PrepareOptions,
  issues: Issue[],
): Rec[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) {
    issues.push({ path: resource.name, message: 'is a collection: it must be an array of records' })
    return []
  }
  const seen = new Set<IdKey>()
  const { idField } = resource
  let highest = 0
  for (const record of value) {
    const id = (record as Record<string, unknown> | null)?.[idField]
    if (typeof id === 'number' && id > highest) highest = id
  }
  const records: Rec[] = []
  value.forEach((record: unknown, index) => {
    const path = `${resource.name}[${index}]`
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      issues.push({ path, message: 'must be an object' })
      return
    }
    let id = (record as Record<string, unknown>)[idField]
    if (id === undefined) {
      id = generateId(resource.id, ++highest, options.random, (candidate) => seen.has(idKey(candidate)))
    } else {
      const problem = idProblem(resource.id, id, zeroConfig)
      if (problem !== undefined)
        issues.push({ path: `${path}.${idField}`, message: `${problem}, got ${JSON.stringify(id)}` })
    }
    const key = idKey(id)
    if (seen.has(key))
      issues.push({ path: `${path}.${idField}`, message: `duplicate id ${JSON.stringify(id)}` })
    seen.add(key)
    const complete = applyDefaults(resource.fields, record as Record<string, unknown>)
    // reuse the parsed object when nothing changes: seed and live state then share records (memory)
    records.push(
      complete === record && (record as Record<string, unknown>)[idField] !== undefined
        ? complete
        : { [idField]: id, ...complete },
    )
  })
  return records
}

function checkIntegrity(manifest: Manifest, state: StateData, issues: Issue[]): void {
  for (const resource of Object.values(manifest.resources)) {
    if (resource.fields === undefined && !resource.timestamps) continue
    const validate = compileResourceValidator(resource, 'stored')
    const value = state[resource.name]
    const records = resource.singleton ? [value as Rec] : (value as Rec[])
    records.forEach((record, index) => {
      const path = resource.singleton ? resource.name : `${resource.name}[${index}]`
      for (const error of [...validate(record), ...orderErrors(resource, record)]) {
        issues.push({ path: `${path}${error.pointer.replaceAll('/', '.')}`, message: error.detail })
      }
    })
    for (const [field, definition] of Object.entries(resource.fields ?? {})) {
      if (!definition.unique || resource.singleton) continue
      const owners = new Map<unknown, number>()
      const folded = definition.caseInsensitive === true
      records.forEach((record, index) => {
        const raw = record[field]
        if (raw === undefined || raw === null) return
        const value = folded && typeof raw === 'string' ? raw.toLowerCase() : raw
        const first = owners.get(value)
        if (first !== undefined) {
          issues.push({
            path: `${resource.name}[${index}].${field}`,
            message: `${JSON.stringify(raw)} is already used by ${resource.name}[${first}] (the field is unique${folded ? ', ignoring case' : ''})`,
          })
        } else owners.set(value, index)
      })
    }
  }
  for (const relation of manifest.relations) {
    if (manifest.zeroConfig) break
    const parent = state[relation.parent]
    const child = state[relation.child]
    if (!Array.isArray(parent) || child === undefined) continue
    const { idField } = manifest.resources[relation.parent]!
    const ids = new Set(parent.map((record) => idKey(record[idField])))
    const children = Array.isArray(child) ? child : [child]
    children.forEach((record, index) => {
      const path = Array.isArray(child) ? `${relation.child}[${index}]` : relation.child
      const field = record[relation.field]
      const values = relation.many === true ? (Array.isArray(field) ? field : []) : [field]
      values.forEach((value, position) => {
        if (value === undefined || value === null || typeof value === 'object' || ids.has(idKey(value)))
          return
        issues.push({
          path: `${path}.${relation.field}${relation.many === true ? `[${position}]` : ''}`,
          message: `refers to ${relation.parent} ${JSON.stringify(value)}, which does not exist`,
        })
      })
    })
  }
}

/** Collections with a `count` and no records in the seed data: they get generated records at start. */
export function collectionsToGenerate(manifest: Manifest, seed: StateData): string[] {
  return Object.values(manifest.resources)
    .filter((resource) => !resource.singleton && (resource.count ?? 0) > 0)
    .filter((resource) => {
      const records = seed[resource.name]
      return !Array.isArray(records) || records.length === 0
    })
    .map((resource) => resource.name)
}
