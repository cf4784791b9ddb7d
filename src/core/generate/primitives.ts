import type { Faker } from '@faker-js/faker'
import { ConfigError } from '../errors.ts'
import type { FieldDef, ResourceDef } from '../manifest/model.ts'
import type { Random } from '../random.ts'
import { compileValidator, fieldSchema, type RecordValidator } from '../schema.ts'
import type { RecordId } from '../store.ts'
import type { RecordScope } from './coherence.ts'
import { formatDate, formatDateTime } from './dates.ts'

/** Share of nulls in nullable fields: enough to exercise empty states in a UI. */
export const NULL_RATE = 0.1

/** Returned by a field generator when the field is left out of the record (an optional ref with no target). */
export const OMIT: unique symbol = Symbol('omit')

export type ValueGenerator = () => unknown

/** What field generators of one resource share. */
export interface GeneratorContext {
  faker: Faker
  /** this resource's own stream: adding a resource or changing a count elsewhere leaves it unchanged */
  random: Random
  now: Date
  resourceName: string
  /** ids a ref to `resource` may point at right now (existing and already generated records) */
  idsOf: (resource: string) => readonly RecordId[]
  /** the record being generated: its person and place, and its fields so far */
  scope: RecordScope
}

export function generationError(path: string, message: string): ConfigError {
  return new ConfigError('Cannot generate data', [{ path, message }])
}

/** The rule of a field that a value breaks, described for a human, or undefined when the value fits. */
export type Checker = (value: unknown) => string | undefined

/**
 * Judges values by the field's JSON Schema, compiled as for validating records (same Ajv, same formats).
 * Compiled on first use: many generators (enums, numbers, uuids) never need to check a value.
 */
export function fieldChecker(field: FieldDef): Checker {
  let validate: RecordValidator | undefined
  return (value) => {
    validate ??= compileValidator(fieldSchema(field, { forInput: false }))
    const problem = validate(value)[0]
    if (problem === undefined) return undefined
    return problem.pointer === '' ? problem.detail : `${problem.pointer.slice(1)}: ${problem.detail}`
  }
}

/**
 * faker methods return what suits them (finance.amount a string, date.past a Date, number.bigInt a
 * bigint): convert to the field's type where the meaning is unambiguous; the checker judges the rest.
 */
export function coerceToField(value: unknown, field: FieldDef): unknown {
  if (value instanceof Date) {
    if (field.type === 'string')
      return field.format === 'date' ? formatDate(value.getTime()) : formatDateTime(value.getTime())
    if (field.type === 'integer' || field.type === 'number') return value.getTime()
    return value
  }
  switch (field.type) {
    case 'string':
      return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
        ? String(value)
        : value
    case 'integer':
    case 'number':
      if (typeof value === 'bigint') return Number(value)
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
        return Number(value)
      return value
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value
    default:
      return value
  }
}

/** Length as JSON Schema counts it (Unicode code points, like Ajv), not UTF-16 units. */
export function codePointLength(text: string): number {
  let length = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) i++
    length++
  }
  return length
}

/** The first `max` code points of `text`. */
export function truncateCodePoints(text: string, max: number): string {
  if (text.length <= max) return text
  return Array.from(text).slice(0, max).join('')
}

/**
 * `text` cut or extended to a length in [min, max]: cut at a word boundary when one is close, extended
 * with `more()` words. For free-text fields whose generator does not know the length rules.
 */
export function fitLength(text: string, min: number, max: number, more: () => string): string {
  let result = text
  while (codePointLength(result) < min) result = result === '' ? more() : `${result} ${more()}`
  if (codePointLength(result) > max) {
    result = truncateCodePoints(result, max)
    const trimmed = result.replace(/\s+\S*$/, '')
    if (codePointLength(trimmed) >= Math.max(min, 1) && codePointLength(trimmed) >= max / 2) result = trimmed
    if (codePointLength(result.trimEnd()) >= min) result = result.trimEnd()
  }
  return result
}

/** Picks from a list so that every value shows up: a shuffled deck, reshuffled when it runs out. */
export function deck<T>(values: readonly T[], random: Random): () => T {
  const cards = [...values]
  let next = cards.length
  return () => {
    if (next === cards.length) {
      shuffle(cards, random)
      next = 0
    }
    return cards[next++]!
  }
}

function shuffle<T>(items: T[], random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const swap = items[i]!
    items[i] = items[j]!
    items[j] = swap
  }
}

/**
 * Draws the integers 0..size-1 in random order without repeats (a lazy Fisher-Yates over a sparse map,
 * so a range of a billion costs nothing up front); undefined once all are drawn.
 */
export function drawWithoutRepeats(size: number, random: Random): () => number | undefined {
  const moved = new Map<number, number>()
  let drawn = 0
  return () => {
    if (drawn >= size) return undefined
    const j = drawn + Math.floor(random() * (size - drawn))
    const picked = moved.get(j) ?? j
    moved.set(j, moved.get(drawn) ?? drawn)
    moved.delete(drawn)
    drawn++
    return picked
  }
}

/**
 * Calls `visit` for every field of `resource`, nested properties and items included, with its manifest
 * path and, for top-level fields only, its name.
 */
export function walkFields(
  resource: ResourceDef,
  visit: (field: FieldDef, path: string, topLevelName: string | undefined) => void,
): void {
  const walk = (field: FieldDef, path: string, topLevelName: string | undefined): void => {
    visit(field, path, topLevelName)
    if (field.properties !== undefined) {
      for (const [name, child] of Object.entries(field.properties))
        walk(child, `${path}.properties.${name}`, undefined)
    }
    if (field.items !== undefined) walk(field.items, `${path}.items`, undefined)
  }
  for (const [name, field] of Object.entries(resource.fields ?? {})) {
    walk(field, `resources.${resource.name}.fields.${name}`, name)
  }
}
