import type { FieldDef } from '../manifest/model.ts'
import { manyTargetsMessage, noTargetMessage, notEnoughValuesMessage } from './feasibility.ts'
import {
  type Checker,
  drawWithoutRepeats,
  type GeneratorContext,
  generationError,
  NULL_RATE,
  OMIT,
  type ValueGenerator,
} from './primitives.ts'

/*
 * Values of ref fields: ids of records generated (or seeded) before, one-to-many, one-to-one (unique)
 * and many-to-many.
 */

/**
 * A ref field's value: an id of an existing `target` record (null or absent when there is none and the
 * field allows it). With `needed` (a unique ref: one-to-one), each target at most once.
 */
export function refGenerator(
  field: FieldDef,
  target: string,
  path: string,
  context: GeneratorContext,
  check: Checker,
  needed: number | undefined,
): ValueGenerator {
  const { random } = context
  const toFieldType = (id: unknown): unknown => {
    const value = field.type === 'string' ? String(id) : typeof id === 'string' ? Number(id) : id
    const problem = check(value)
    if (problem !== undefined) {
      throw generationError(
        `${path}.ref`,
        `${target} id ${JSON.stringify(id)} does not fit the field: ${problem}`,
      )
    }
    return value
  }
  const nothingToPointAt = (): unknown => {
    if (field.nullable) return null
    if (!field.required) return OMIT
    throw generationError(`${path}.ref`, noTargetMessage(target, target === context.resourceName))
  }
  if (needed === undefined) {
    return () => {
      const ids = context.idsOf(target)
      if (ids.length === 0) return nothingToPointAt()
      if (field.nullable && random() < NULL_RATE) return null
      return toFieldType(ids[Math.floor(random() * ids.length)])
    }
  }
  // unique (one-to-one): the targets are drawn without repeats from the ids available at the first call
  let ids: readonly unknown[] | undefined
  let draw: (() => number | undefined) | undefined
  return () => {
    if (ids === undefined || draw === undefined) {
      ids = [...context.idsOf(target)]
      draw = drawWithoutRepeats(ids.length, random)
    }
    if (ids.length === 0) return nothingToPointAt()
    const index = draw()
    if (index === undefined) {
      if (field.nullable) return null
      throw generationError(path, notEnoughValuesMessage(needed, ids.length, `one per ${target} record`))
    }
    return toFieldType(ids[index])
  }
}

/**
 * A many-to-many array: between minItems and maxItems (at most minItems + 4) distinct ids of existing
 * `target` records, fewer when there are not that many targets (an error below minItems).
 */
export function manyRefGenerator(
  field: FieldDef,
  target: string,
  path: string,
  context: GeneratorContext,
): ValueGenerator {
  const { random } = context
  const items = field.items!
  const min = field.minItems ?? 0
  const max = Math.max(min, Math.min(field.maxItems ?? Number.POSITIVE_INFINITY, min + 4))
  return () => {
    const ids = context.idsOf(target)
    if (ids.length < min) {
      throw generationError(`${path}.minItems`, manyTargetsMessage(min, target, ids.length))
    }
    const length = min + Math.floor(random() * (Math.min(max, ids.length) - min + 1))
    // a partial Fisher-Yates shuffle over positions: distinct picks without copying the id list
    const swapped = new Map<number, number>()
    const picked: unknown[] = []
    for (let i = 0; i < length; i++) {
      const j = i + Math.floor(random() * (ids.length - i))
      const at = swapped.get(j) ?? j
      swapped.set(j, swapped.get(i) ?? i)
      const id = ids[at]!
      picked.push(items.type === 'string' ? String(id) : typeof id === 'string' ? Number(id) : id)
    }
    return picked
  }
}
