import type { FieldDef, Issue, Manifest, ResourceDef } from '../manifest/model.ts'
import type { Rec, StateData } from '../store.ts'
import { inferHint } from './name-inference.ts'
import { gridSize, numberGrid } from './numbers.ts'
import { walkFields } from './primitives.ts'
import { uniqueKey } from './unique.ts'

export interface FeasibilityInput {
  /** records to generate per collection (only collections that get records) */
  counts: ReadonlyMap<string, number>
  /** the data generation starts from: ref targets may use it, unique values must avoid it */
  existing: StateData
  now: Date
}

/** A finite set of values a field is generated from, and how to describe it. */
interface Space {
  size: number
  description: string
}

/**
 * What generation would fail on, found before any record is made so that every such problem is listed
 * at once: a required ref with nothing to point at, a unique field whose values run out (an enum, a
 * boolean, an integer range, one record per ref target), and a number field no value fits. The messages
 * are those the generator itself throws. Open-ended sources (faker methods, patterns, free text) are
 * only found out by generating.
 */
export function generationIssues(manifest: Manifest, input: FeasibilityInput): Issue[] {
  const issues: Issue[] = []
  for (const [name, count] of input.counts) {
    const resource = manifest.resources[name]
    if (resource === undefined || resource.singleton || count <= 0) continue
    const existing = recordsOf(input.existing, name)
    walkFields(resource, (field, path, topLevelName) => {
      if (isMaintained(resource, topLevelName)) return
      const many = topLevelName === undefined ? undefined : field.items?.ref
      if (field.type === 'array' && many !== undefined && manifest.resources[many]?.singleton === false) {
        const available =
          many === name
            ? recordsOf(input.existing, name).length
            : recordsOf(input.existing, many).length + (input.counts.get(many) ?? 0)
        const min = field.minItems ?? 0
        if (available < min)
          issues.push({ path: `${path}.minItems`, message: manyTargetsMessage(min, many, available) })
      }
      if (field.ref !== undefined) {
        // a ref to an unknown resource or to a singleton is a manifest problem, reported as such
        const target = manifest.resources[field.ref]
        if (target === undefined || target.singleton) return
        const problem = refProblem(field, field.ref, resource, existing, count, topLevelName, input)
        if (problem !== undefined) issues.push(problem(path))
        return
      }
      if (field.faker !== undefined || field.enum !== undefined) {
        if (
          topLevelName !== undefined &&
          field.unique &&
          field.enum !== undefined &&
          field.faker === undefined
        ) {
          const space = {
            size: field.enum.length,
            description: `the ${field.enum.length} values of its enum`,
          }
          const problem = uniqueProblem(field, topLevelName, existing, count, space)
          if (problem !== undefined) issues.push({ path, message: problem })
        }
        return
      }
      if (field.type !== 'integer' && field.type !== 'number' && field.type !== 'boolean') return
      const unique = topLevelName !== undefined && field.unique
      const space = finiteSpace(field, topLevelName ?? 'item', name, input.now, unique ? count : undefined)
      if (typeof space === 'string') {
        issues.push({ path, message: `cannot generate a value: ${space}; widen its bounds` })
        return
      }
      if (unique && space !== undefined) {
        const problem = uniqueProblem(field, topLevelName, existing, count, space)
        if (problem !== undefined) issues.push({ path, message: problem })
      }
    })
  }
  return issues
}

/** The message of a unique field whose values run out; also what the generator throws. */
export function notEnoughValuesMessage(needed: number, possible: number, space: string): string {
  return `unique: ${needed} records need distinct values but only ${possible} are possible (${space}); lower the count, widen the field's rules, or drop \`unique\``
}

/** The message of a many-to-many array that needs more distinct targets than exist; also what the generator throws. */
export function manyTargetsMessage(min: number, target: string, available: number): string {
  return `needs ${min} distinct ${target} ids per record but there are ${available} ${target} records; give ${target} a larger count or lower minItems`
}

/** The message of a required ref with nothing to point at; also what the generator throws. */
export function noTargetMessage(target: string, self: boolean): string {
  return self
    ? `the first ${target} record has no other ${target} record to point at; make the field nullable or optional`
    : `there are no ${target} records to point at; give ${target} a count or seed records, or make the field nullable or optional`
}

/** Required refs to nothing, and unique (one-to-one) refs with fewer targets than records. */
function refProblem(
  field: FieldDef,
  target: string,
  resource: ResourceDef,
  existing: readonly Rec[],
  count: number,
  topLevelName: string | undefined,
  input: FeasibilityInput,
): ((path: string) => Issue) | undefined {
  const self = target === resource.name
  const available = self
    ? existing.length
    : recordsOf(input.existing, target).length + (input.counts.get(target) ?? 0)
  if (available === 0) {
    if (field.nullable || !field.required) return undefined
    const message = noTargetMessage(target, self)
    return (path) => ({ path: `${path}.ref`, message })
  }
  if (topLevelName === undefined || !field.unique || field.nullable) return undefined
  const message = uniqueProblem(field, topLevelName, existing, count, {
    size: available,
    description: `one per ${target} record`,
  })
  return message === undefined ? undefined : (path) => ({ path, message })
}

function uniqueProblem(
  field: FieldDef,
  name: string,
  existing: readonly Rec[],
  count: number,
  space: Space,
): string | undefined {
  const taken = new Set<string>()
  for (const record of existing) {
    const value = record[name]
    if (value !== undefined && value !== null) taken.add(uniqueKey(field, value))
  }
  const needed = taken.size + count
  return needed > space.size ? notEnoughValuesMessage(needed, space.size, space.description) : undefined
}

/**
 * The values a boolean or number field is drawn from (as the generator draws them), undefined when
 * unbounded, or why there is none at all.
 */
function finiteSpace(
  field: FieldDef,
  name: string,
  resourceName: string,
  now: Date,
  needed: number | undefined,
): Space | string | undefined {
  if (field.type === 'boolean') return { size: 2, description: 'true and false' }
  const hint = inferHint(name, field, resourceName, now)
  const grid = numberGrid(field, hint?.kind === 'number' ? hint : undefined, needed)
  if (typeof grid === 'string') return grid
  const size = gridSize(grid)
  if (!Number.isFinite(size)) return undefined
  const low = grid.low / grid.scale
  const high = grid.high / grid.scale
  return { size, description: `${field.type === 'integer' ? 'integers' : 'numbers'} ${low}..${high}` }
}

/** Fields the store fills in (timestamps) get no generated value. */
function isMaintained(resource: ResourceDef, topLevelName: string | undefined): boolean {
  return resource.timestamps && (topLevelName === 'createdAt' || topLevelName === 'updatedAt')
}

function recordsOf(state: StateData, name: string): readonly Rec[] {
  const value = state[name]
  return Array.isArray(value) ? value : []
}
