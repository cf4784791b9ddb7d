import { fullFormats } from 'ajv-formats/dist/formats.js'
import type { FieldDef } from '../manifest/model.ts'
import { codePointLength } from './primitives.ts'

/**
 * The rule of `field` that `value` breaks, described for a human, or undefined when it satisfies all of
 * them. Mirrors what the Ajv schema checks (same format validators, patterns compiled with `u`), so
 * generation can retry cheaply instead of compiling a schema per value.
 */
export type Checker = (value: unknown) => string | undefined

const patternCache = new Map<string, RegExp>()

function compiledPattern(pattern: string): RegExp {
  let regex = patternCache.get(pattern)
  if (regex === undefined) {
    regex = new RegExp(pattern, 'u')
    patternCache.set(pattern, regex)
  }
  return regex
}

export function formatValidator(format: string): (value: string) => boolean {
  const definition = (fullFormats as Record<string, unknown>)[format]
  if (definition instanceof RegExp) return (value) => definition.test(value)
  if (typeof definition === 'function') return definition as (value: string) => boolean
  if (typeof definition === 'object' && definition !== null && 'validate' in definition) {
    const validate = definition.validate
    if (validate instanceof RegExp) return (value) => validate.test(value)
    if (typeof validate === 'function') return validate as (value: string) => boolean
  }
  return () => true
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b)
}

function typeMatches(field: FieldDef, value: unknown): boolean {
  switch (field.type) {
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
    case 'array':
      return Array.isArray(value)
  }
}

export function compileChecker(field: FieldDef): Checker {
  const checks: Checker[] = []
  if (field.enum !== undefined) {
    const allowed = field.enum
    checks.push((value) =>
      allowed.some((option) => sameValue(option, value))
        ? undefined
        : `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
    )
  }
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = field
  if (field.type === 'integer' || field.type === 'number') {
    checks.push((value) => {
      const n = value as number
      if (minimum !== undefined && n < minimum) return `must be >= ${minimum}`
      if (maximum !== undefined && n > maximum) return `must be <= ${maximum}`
      if (exclusiveMinimum !== undefined && n <= exclusiveMinimum) return `must be > ${exclusiveMinimum}`
      if (exclusiveMaximum !== undefined && n >= exclusiveMaximum) return `must be < ${exclusiveMaximum}`
      return undefined
    })
  }
  if (field.type === 'string') {
    const { minLength, maxLength, pattern, format } = field
    if (minLength !== undefined || maxLength !== undefined) {
      checks.push((value) => {
        const length = codePointLength(value as string)
        if (minLength !== undefined && length < minLength) return `must be at least ${minLength} characters`
        if (maxLength !== undefined && length > maxLength) return `must be at most ${maxLength} characters`
        return undefined
      })
    }
    if (pattern !== undefined) {
      const regex = compiledPattern(pattern)
      checks.push((value) => (regex.test(value as string) ? undefined : `must match pattern ${pattern}`))
    }
    if (format !== undefined) {
      const valid = formatValidator(format)
      checks.push((value) => (valid(value as string) ? undefined : `must be a valid ${format}`))
    }
  }
  if (field.type === 'object' && field.properties !== undefined) {
    const properties = Object.entries(field.properties).map(
      ([name, child]) => [name, child, compileChecker(child)] as const,
    )
    checks.push((value) => {
      const object = value as Record<string, unknown>
      for (const [name, child, check] of properties) {
        if (!(name in object)) {
          if (child.required) return `${name}: is required`
          continue
        }
        const problem = check(object[name])
        if (problem !== undefined) return `${name}: ${problem}`
      }
      return undefined
    })
  }
  if (field.type === 'array') {
    const { minItems, maxItems, items } = field
    const checkItem = items === undefined ? undefined : compileChecker(items)
    checks.push((value) => {
      const array = value as unknown[]
      if (minItems !== undefined && array.length < minItems) return `must have at least ${minItems} items`
      if (maxItems !== undefined && array.length > maxItems) return `must have at most ${maxItems} items`
      if (checkItem === undefined) return undefined
      for (let i = 0; i < array.length; i++) {
        const problem = checkItem(array[i])
        if (problem !== undefined) return `item ${i}: ${problem}`
      }
      return undefined
    })
  }
  return (value) => {
    if (value === null) return field.nullable ? undefined : 'must not be null'
    if (!typeMatches(field, value)) return `must be of type ${field.type}`
    for (const check of checks) {
      const problem = check(value)
      if (problem !== undefined) return problem
    }
    return undefined
  }
}
