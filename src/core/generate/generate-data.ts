import type { Faker } from '@faker-js/faker'
import { ConfigError, didYouMean } from '../errors.ts'
import { idSequence } from '../ids.ts'
import type { FieldDef, Issue, Manifest, ResourceDef } from '../manifest/model.ts'
import { createRandom, deriveSeed, type Random } from '../random.ts'
import type { Rec, RecordId, StateData } from '../store.ts'
import { RecordScope } from './coherence.ts'
import { recentTimestamps } from './dates.ts'
import { generationIssues } from './feasibility.ts'
import { enforceOrder, fillOrder, orderRules } from './field-order.ts'
import { planGeneration } from './generation-plan.ts'
import { fieldChecker, type GeneratorContext, OMIT, type ValueGenerator } from './primitives.ts'
import { uniqueGenerator, uniqueKey } from './unique.ts'
import { compileField } from './values.ts'

export interface GenerateOptions {
  seed: number
  /** records per collection, overriding the manifest's `count` */
  counts?: Readonly<Record<string, number>>
  /** generate only these resources (the others keep their existing data) */
  only?: readonly string[]
  /** the data so far (seed data): integer ids continue after it, unique values avoid it, refs may use it */
  existing?: StateData
  /** dates are generated relative to this instant (injected: generation never reads the clock) */
  now: Date
  onProgress?: (done: number, total: number) => void
  /** the caller already listed what generation would fail on (generationIssues): skip that step */
  foreseen?: boolean
}

type MutableRecord = Record<string, unknown>

const PROGRESS_EVERY = 1000

/**
 * The existing data plus generated records: N per selected collection with a count (from `counts` or the
 * manifest), and a record for each selected singleton with fields and no data. Resources are generated in
 * ref order; each has its own random stream derived from `seed`, so the output is byte-identical for the
 * same seed and unaffected by other resources' counts. Throws ConfigError when the manifest's rules cannot
 * be met: what can be foreseen (a unique field with too few possible values, a required ref with nothing
 * to point at...) is listed all at once before any record is made.
 */
export function generateData(manifest: Manifest, faker: Faker, options: GenerateOptions): StateData {
  const { seed, now } = options
  const selected = selectResources(manifest, options)
  const state: StateData = { ...options.existing }
  const counts = new Map<string, number>()
  for (const resource of selected) {
    if (resource.singleton) continue
    const count = options.counts?.[resource.name] ?? resource.count ?? 0
    if (count > 0) counts.set(resource.name, count)
  }
  const issues = options.foreseen === true ? [] : generationIssues(manifest, { counts, existing: state, now })
  if (issues.length > 0) throw new ConfigError('Cannot generate data', issues)
  const plan = planGeneration(manifest, [...counts.keys()])
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0)

  const idLists = new Map<string, RecordId[]>()
  const idsOf = (name: string): RecordId[] => {
    let ids = idLists.get(name)
    if (ids === undefined) {
      const { idField } = manifest.resources[name]!
      ids = existingRecords(state, name).map((record) => record[idField] as RecordId)
      idLists.set(name, ids)
    }
    return ids
  }
  const contextFor = (resourceName: string, random: Random): GeneratorContext => ({
    faker,
    random,
    now,
    resourceName,
    idsOf,
    scope: new RecordScope(faker),
  })
  faker.setDefaultRefDate(now)

  let done = 0
  const report = (): void => {
    done++
    if (done % PROGRESS_EVERY === 0 || done === total) options.onProgress?.(done, total)
  }
  const generated = new Map<string, MutableRecord[]>()
  for (const name of plan.order) {
    const resource = manifest.resources[name]!
    const count = counts.get(name)!
    const deferred = new Set(plan.deferred.filter((ref) => ref.resource === name).map((ref) => ref.field))
    const random = createRandom(deriveSeed(seed, `generate:${name}`))
    faker.seed(deriveSeed(seed, `faker:${name}`))
    const existing = existingRecords(state, name)
    const nextId = idSequence(resource.id, existing, random, resource.idField)
    const context = contextFor(name, random)
    const fields = generatedFields(resource).map(([field, def]) =>
      deferred.has(field)
        ? ([field, undefined, def] as const)
        : ([field, topLevelGenerator(field, def, resource, context, existing, count), def] as const),
    )
    const ids = idsOf(name)
    const records: MutableRecord[] = []
    for (let i = 0; i < count; i++) {
      const id = nextId()
      const record: MutableRecord = { [resource.idField]: id }
      fillRecord(record, fields, resource, context)
      records.push(record)
      ids.push(id)
      report()
    }
    generated.set(name, records)
    state[name] = [...existing, ...records]
  }

  for (const { resource: name, field } of plan.deferred) {
    const resource = manifest.resources[name]!
    const records = generated.get(name)!
    const random = createRandom(deriveSeed(seed, `deferred:${name}.${field}`))
    const existing = existingRecords(state, name).slice(0, -records.length || undefined)
    const generate = topLevelGenerator(
      field,
      resource.fields![field]!,
      resource,
      contextFor(name, random),
      existing,
      records.length,
    )
    for (const record of records) {
      const value = generate()
      if (value === OMIT) delete record[field]
      else record[field] = value
    }
  }

  for (const resource of selected) {
    if (resource.singleton) {
      if (state[resource.name] === undefined && resource.fields !== undefined) {
        const random = createRandom(deriveSeed(seed, `generate:${resource.name}`))
        faker.seed(deriveSeed(seed, `faker:${resource.name}`))
        const context = contextFor(resource.name, random)
        const fields = generatedFields(resource).map(
          ([field, def]) =>
            [field, compileField(field, def, fieldPath(resource, field), context), def] as const,
        )
        const record: MutableRecord = {}
        fillRecord(record, fields, resource, context)
        state[resource.name] = record
      }
    } else {
      state[resource.name] ??= []
    }
  }
  return state
}

function selectResources(manifest: Manifest, options: GenerateOptions): ResourceDef[] {
  const names = Object.keys(manifest.resources)
  const issues: Issue[] = []
  for (const name of options.only ?? []) {
    if (manifest.resources[name] === undefined) {
      issues.push({ path: 'only', message: `unknown resource "${name}"${didYouMean(name, names)}` })
    }
  }
  for (const [name, count] of Object.entries(options.counts ?? {})) {
    const resource = manifest.resources[name]
    if (resource === undefined) {
      issues.push({ path: `counts.${name}`, message: `unknown resource "${name}"${didYouMean(name, names)}` })
    } else if (!Number.isSafeInteger(count) || count < 0) {
      issues.push({ path: `counts.${name}`, message: `must be a whole number >= 0, got ${count}` })
    }
  }
  if (issues.length > 0) throw new ConfigError('Cannot generate data', issues)
  const only = options.only === undefined ? undefined : new Set(options.only)
  return Object.values(manifest.resources).filter((resource) => only === undefined || only.has(resource.name))
}

function existingRecords(state: StateData, name: string): readonly Rec[] {
  const value = state[name]
  return Array.isArray(value) ? value : []
}

function fieldPath(resource: ResourceDef, field: string): string {
  return `resources.${resource.name}.fields.${field}`
}

/** Declared fields that get generated values: not the id, not the timestamps the store maintains. */
function generatedFields(resource: ResourceDef): Array<[string, FieldDef]> {
  return Object.entries(resource.fields ?? {}).filter(
    ([name]) =>
      name !== resource.idField && !(resource.timestamps && (name === 'createdAt' || name === 'updatedAt')),
  )
}

function topLevelGenerator(
  name: string,
  def: FieldDef,
  resource: ResourceDef,
  context: GeneratorContext,
  existing: readonly Rec[],
  count: number,
): ValueGenerator {
  const path = fieldPath(resource, name)
  if (!def.unique) return compileField(name, def, path, context)
  const taken = new Set<string>()
  for (const record of existing) {
    const value = record[name]
    if (value !== undefined && value !== null) taken.add(uniqueKey(def, value))
  }
  const generate = compileField(name, def, path, context, taken.size + count)
  return uniqueGenerator(generate, def, path, taken, fieldChecker(def), context.random)
}

type FieldSlot = readonly [string, ValueGenerator | undefined, FieldDef]

/** How one resource's records are filled: field order, ordering rules, and what they need. */
interface FillPlan {
  order: FieldSlot[]
  /** the fill order differs from the declared order: keys are placed first to keep the declared order */
  reordered: boolean
  rules: ReturnType<typeof orderRules>
  generators: Map<string, ValueGenerator>
  checkers: Map<string, ReturnType<typeof fieldChecker>>
}

const plans = new WeakMap<readonly FieldSlot[], FillPlan>()

function fillPlan(fields: readonly FieldSlot[], resource: ResourceDef): FillPlan {
  let plan = plans.get(fields)
  if (plan !== undefined) return plan
  const order = fillOrder(fields)
  const generators = new Map<string, ValueGenerator>()
  const checkers = new Map<string, ReturnType<typeof fieldChecker>>()
  for (const [name, generate, def] of fields) {
    if (generate === undefined) continue
    generators.set(name, generate)
    checkers.set(name, fieldChecker(def))
  }
  plan = {
    order,
    reordered: order.some((slot, index) => slot !== fields[index]),
    rules: orderRules(resource, new Set(generators.keys())),
    generators,
    checkers,
  }
  plans.set(fields, plan)
  return plan
}

/**
 * Sets each field (a deferred ref gets a placeholder to keep the field order) in dependency order (derived
 * fields after their sources), then the timestamps, then makes the ordering rules hold.
 */
function fillRecord(
  record: MutableRecord,
  fields: readonly FieldSlot[],
  resource: ResourceDef,
  context: GeneratorContext,
): void {
  const plan = fillPlan(fields, resource)
  context.scope.begin(record)
  if (plan.reordered) for (const [name] of fields) record[name] = null
  for (const [name, generate] of plan.order) {
    if (generate === undefined) {
      record[name] = null
      continue
    }
    const value = generate()
    if (value !== OMIT) record[name] = value
    else delete record[name]
  }
  if (resource.timestamps) {
    const { createdAt, updatedAt } = recentTimestamps(context.now, context.random)
    record.createdAt = createdAt
    record.updatedAt = updatedAt
  } else if (
    typeof record.createdAt === 'string' &&
    typeof record.updatedAt === 'string' &&
    record.createdAt.length === record.updatedAt.length &&
    record.createdAt > record.updatedAt
  ) {
    const createdAt = record.updatedAt
    record.updatedAt = record.createdAt
    record.createdAt = createdAt
  }
  if (plan.rules.length > 0)
    enforceOrder(record, plan.rules, plan.generators, plan.checkers, (field) => fieldPath(resource, field))
}
