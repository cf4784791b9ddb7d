import type { FieldDef } from '../manifest/model.ts'
import { randomUuid } from '../random.ts'
import { coherentSource } from './coherence.ts'
import { formatDate, formatDateTime, randomInstant } from './dates.ts'
import { resolveFakerMethod } from './faker.ts'
import { notEnoughValuesMessage } from './feasibility.ts'
import { type Hint, inferHint, normalizeName } from './name-inference.ts'
import { gridSize, gridValue, numberGrid } from './numbers.ts'
import {
  type Checker,
  codePointLength,
  coerceToField,
  deck,
  drawWithoutRepeats,
  fieldChecker,
  fitLength,
  type GeneratorContext,
  generationError,
  NULL_RATE,
  OMIT,
  type ValueGenerator,
} from './primitives.ts'
import { manyRefGenerator, refGenerator } from './ref-values.ts'
import { compilePattern, UnsupportedPatternError } from './regex-generator.ts'

/** How often a generator may produce an invalid value before its repair, fallback or error takes over. */
const RETRIES = 10
/** After this many misses in a row, a source that rarely fits the field's rules is tried once per value. */
const GIVE_UP_AFTER = 3
/** Share of records that keep a non-string default (strings always keep theirs: the author chose it). */
const DEFAULT_RATE = 0.7

/**
 * A generator of valid values for one field. Precedence: `ref`, `faker`, `enum`, `default`, `pattern`,
 * then what the format, name and type suggest. `needed` is set for unique fields: how many distinct
 * values the resource needs in all (existing records included); finite spaces (enum, boolean, integer
 * range, ref targets) are then drawn without repeats, so a space exactly as large as the need suffices.
 */
export function compileField(
  name: string,
  field: FieldDef,
  path: string,
  context: GeneratorContext,
  needed?: number,
): ValueGenerator {
  const base = baseGenerator(name, field, path, context, needed)
  const mayBeNull =
    field.nullable &&
    field.ref === undefined &&
    needed === undefined &&
    (field.enum === undefined || field.enum.includes(null))
  if (!mayBeNull) return base
  const { random } = context
  return () => (random() < NULL_RATE ? null : base())
}

function baseGenerator(
  name: string,
  field: FieldDef,
  path: string,
  context: GeneratorContext,
  needed: number | undefined,
): ValueGenerator {
  const check = fieldChecker(field)
  if (field.ref !== undefined) return refGenerator(field, field.ref, path, context, check, needed)
  const coherent = coherentSource({
    name,
    field,
    faker: context.faker,
    scope: context.scope,
    resourceName: context.resourceName,
    now: context.now,
    nested: /\.(properties|items)(\.|$)/.test(path),
  })
  if (coherent !== undefined) {
    // a value tied to the record that breaks the field's rules gives way to the field's own generator
    const standalone = standaloneGenerator(name, field, path, context, needed, check)
    return validated(coherent, check, repairFor(field, context), () => standalone())
  }
  return standaloneGenerator(name, field, path, context, needed, check)
}

function standaloneGenerator(
  name: string,
  field: FieldDef,
  path: string,
  context: GeneratorContext,
  needed: number | undefined,
  check: Checker,
): ValueGenerator {
  if (field.faker !== undefined) return fakerGenerator(field, path, context, check)
  if (field.enum !== undefined) {
    return choiceGenerator(field.enum, path, context, needed, `the ${field.enum.length} values of its enum`)
  }
  const inferred = (): ValueGenerator => inferredGenerator(name, field, path, context, check, needed)
  if (field.default !== undefined && needed === undefined && check(field.default) === undefined) {
    const value = field.default
    const copy = typeof value === 'object' && value !== null ? () => structuredClone(value) : () => value
    if (field.type === 'string') return copy
    const other = inferred()
    const { random } = context
    return () => (random() < DEFAULT_RATE ? copy() : other())
  }
  return inferred()
}

function fakerGenerator(
  field: FieldDef,
  path: string,
  context: GeneratorContext,
  check: Checker,
): ValueGenerator {
  const spec = field.faker!
  const method = resolveFakerMethod(context.faker, spec.method)
  if (method === undefined) throw generationError(`${path}.faker`, `unknown faker method "${spec.method}"`)
  const args = spec.args
  const source = (): unknown => coerceToField(method(...args), field)
  return validated(source, check, repairFor(field, context), (value, problem) => {
    throw generationError(
      `${path}.faker`,
      `${spec.method} produced ${JSON.stringify(value)}, which breaks the field's rules (${problem}); pick a faker method that fits them`,
    )
  })
}

/** Values from a fixed list: spread evenly (a shuffled deck), or each at most once for unique fields. */
function choiceGenerator(
  values: readonly unknown[],
  path: string,
  context: GeneratorContext,
  needed: number | undefined,
  space: string,
): ValueGenerator {
  if (values.length === 0) throw generationError(path, 'has an empty enum: there is no value to generate')
  if (needed === undefined) return deck(values, context.random)
  if (needed > values.length) throw notEnoughValues(path, needed, values.length, space)
  const draw = drawWithoutRepeats(values.length, context.random)
  return () => {
    const index = draw()
    if (index === undefined) throw notEnoughValues(path, needed, values.length, space)
    return values[index]
  }
}

export function notEnoughValues(path: string, needed: number, possible: number, space: string): Error {
  return generationError(path, notEnoughValuesMessage(needed, possible, space))
}

function inferredGenerator(
  name: string,
  field: FieldDef,
  path: string,
  context: GeneratorContext,
  check: Checker,
  needed?: number,
): ValueGenerator {
  if (field.pattern !== undefined) return patternGenerator(field.pattern, path, context, check)
  const hint = inferHint(name, field, context.resourceName, context.now)
  const typed = typedGenerator(name, field, hint, path, context, check, needed)
  if (hint?.kind !== 'text') return typed
  const { faker } = context
  return validated(
    () => hint.make(faker),
    check,
    repairFor(field, context),
    () => typed(),
  )
}

function patternGenerator(
  pattern: string,
  path: string,
  context: GeneratorContext,
  check: Checker,
): ValueGenerator {
  const { random, faker } = context
  let source: () => string
  try {
    const generate = compilePattern(pattern)
    source = () => generate(random)
  } catch (error) {
    if (!(error instanceof UnsupportedPatternError)) throw error
    source = () => faker.helpers.fromRegExp(pattern)
  }
  return validated(source, check, undefined, (value, problem) => {
    throw generationError(
      `${path}.pattern`,
      `cannot generate values for pattern ${pattern} (tried ${JSON.stringify(value)}: ${problem}); give the field a faker method that produces matching values`,
    )
  })
}

function typedGenerator(
  name: string,
  field: FieldDef,
  hint: Hint | undefined,
  path: string,
  context: GeneratorContext,
  check: Checker,
  needed: number | undefined,
): ValueGenerator {
  const { faker, random, now } = context
  const impossible = (value: unknown, problem: string | undefined): never => {
    throw generationError(
      path,
      `cannot generate a value that satisfies the field's rules (tried ${JSON.stringify(value)}: ${problem})`,
    )
  }
  switch (field.type) {
    case 'string': {
      if (hint?.kind === 'date') {
        const dateOnly = field.format === 'date' || (field.format === undefined && isDateOnlyName(name))
        const format = dateOnly ? formatDate : formatDateTime
        return validated(() => format(randomInstant(hint.range, now, random)), check, undefined, impossible)
      }
      if (field.format === 'uuid') return () => randomUuid(random)
      if (field.format === 'email')
        return validated(() => faker.internet.email(), check, undefined, impossible)
      if (field.format === 'uri') return validated(() => faker.internet.url(), check, undefined, impossible)
      const min = field.minLength ?? 0
      const max = field.maxLength ?? Math.max(min, 60)
      const more = (): string => faker.lorem.word()
      const source = (): string =>
        max < 4
          ? faker.string.alpha({ length: { min, max } })
          : fitLength(faker.lorem.words({ min: 1, max: 4 }), min, max, more)
      return validated(source, check, undefined, impossible)
    }
    case 'integer':
    case 'number': {
      const grid = numberGrid(field, hint?.kind === 'number' ? hint : undefined, needed)
      if (typeof grid === 'string')
        throw generationError(path, `cannot generate a value: ${grid}; widen its bounds`)
      const size = gridSize(grid)
      if (needed === undefined) return () => gridValue(grid, Math.floor(random() * size))
      const space = `${field.type === 'integer' ? 'integers' : 'numbers'} ${gridValue(grid, 0)}..${gridValue(grid, size - 1)}`
      if (needed > size) throw notEnoughValues(path, needed, size, space)
      const draw = drawWithoutRepeats(size, random)
      return () => {
        const index = draw()
        if (index === undefined) throw notEnoughValues(path, needed, size, space)
        return gridValue(grid, index)
      }
    }
    case 'boolean': {
      if (needed !== undefined) return choiceGenerator([true, false], path, context, needed, 'true and false')
      const trueRate = hint?.kind === 'boolean' ? hint.trueRate : 0.5
      return () => random() < trueRate
    }
    case 'object':
      return objectGenerator(field, path, context)
    case 'array':
      return arrayGenerator(field, path, context)
  }
}

/** Date names that mean a calendar day (birthday, dueDate, hiredOn) rather than an instant (createdAt). */
function isDateOnlyName(name: string): boolean {
  return /(^|_)(date|day|birthday|dob|on)$/.test(normalizeName(name))
}

function objectGenerator(field: FieldDef, path: string, context: GeneratorContext): ValueGenerator {
  const properties = Object.entries(field.properties ?? {}).map(
    ([name, child]) => [name, compileField(name, child, `${path}.properties.${name}`, context)] as const,
  )
  return () => {
    const object: Record<string, unknown> = {}
    for (const [name, generate] of properties) {
      const value = generate()
      if (value !== OMIT) object[name] = value
    }
    return object
  }
}

function arrayGenerator(field: FieldDef, path: string, context: GeneratorContext): ValueGenerator {
  if (field.items?.ref !== undefined) return manyRefGenerator(field, field.items.ref, path, context)
  const { random, faker } = context
  const min = field.minItems ?? 0
  const max = Math.max(min, Math.min(field.maxItems ?? Number.POSITIVE_INFINITY, min + 4))
  const item =
    field.items === undefined
      ? () => faker.lorem.word()
      : compileField('item', field.items, `${path}.items`, context)
  return () => {
    const length = min + Math.floor(random() * (max - min + 1))
    const array: unknown[] = []
    for (let i = 0; i < length; i++) {
      const value = item()
      if (value !== OMIT) array.push(value)
    }
    return array
  }
}

/** Cheap fixes for values that are nearly right: text too long or short, numbers out of range, too many items. */
function repairFor(field: FieldDef, context: GeneratorContext): ((value: unknown) => unknown) | undefined {
  if (field.enum !== undefined) return undefined
  if (field.type === 'string' && field.pattern === undefined && field.format === undefined) {
    const min = field.minLength ?? 0
    const max = field.maxLength ?? Number.POSITIVE_INFINITY
    return (value) =>
      typeof value === 'string' && (codePointLength(value) > max || codePointLength(value) < min)
        ? fitLength(value, min, max, () => context.faker.lorem.word())
        : value
  }
  if (field.type === 'integer' || field.type === 'number') {
    // wrapped into a closed range rather than clamped, so out-of-range values do not pile up on a bound,
    // on a grid as fine as the value's own decimals (finance.amount's 2)
    return (value) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) return value
      const decimals = field.type === 'integer' ? 0 : Math.min(6, (String(value).split('.')[1] ?? '').length)
      const grid = numberGrid(field, {
        min: Number.NEGATIVE_INFINITY,
        max: Number.POSITIVE_INFINITY,
        decimals,
      })
      if (typeof grid === 'string') return value
      const units = Math.round(value * grid.scale)
      const width = grid.high - grid.low + 1
      const inRange = Number.isFinite(width)
        ? grid.low + ((((units - grid.low) % width) + width) % width)
        : Math.min(grid.high, Math.max(grid.low, units))
      return inRange / grid.scale
    }
  }
  if (field.type === 'array' && field.maxItems !== undefined) {
    const maxItems = field.maxItems
    return (value) => (Array.isArray(value) ? value.slice(0, maxItems) : value)
  }
  return undefined
}

/**
 * Retries `source` until a value passes `check`, then tries `repair` on the last value, then hands over to
 * `fallback` (which may throw a clear error). A source that keeps missing gets one try per value from then on.
 */
function validated(
  source: () => unknown,
  check: Checker,
  repair: ((value: unknown) => unknown) | undefined,
  fallback: (value: unknown, problem: string | undefined) => unknown,
): ValueGenerator {
  let missesInARow = 0
  return () => {
    const tries = missesInARow >= GIVE_UP_AFTER ? 1 : RETRIES
    let value: unknown
    let problem: string | undefined
    for (let i = 0; i < tries; i++) {
      value = source()
      problem = check(value)
      if (problem === undefined) {
        missesInARow = 0
        return value
      }
    }
    missesInARow++
    if (repair !== undefined) {
      const repaired = repair(value)
      if (check(repaired) === undefined) return repaired
    }
    return fallback(value, problem)
  }
}
