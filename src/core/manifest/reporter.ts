import { didYouMean } from '../errors.ts'
import type { Issue } from './model.ts'

export type PlainObject = Record<string, unknown>

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`
  return `${typeof value} ${String(value)}`
}

export function joinPath(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`
}

/** Collects every problem in one pass so the user sees them all at once. */
export class Reporter {
  readonly issues: Issue[] = []

  add(path: string, message: string): void {
    this.issues.push({ path, message })
  }

  /** Report keys of `object` that are not in `allowed`, with a suggestion when one is close. */
  unknownKeys(object: PlainObject, allowed: readonly string[], path: string, what: string): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) {
        this.add(joinPath(path, key), `unknown ${what} key "${key}"${didYouMean(key, allowed)}`)
      }
    }
  }

  object(value: unknown, path: string): PlainObject | undefined {
    if (value === undefined) return undefined
    if (isPlainObject(value)) return value
    this.add(path, `must be an object, got ${describeValue(value)}`)
    return undefined
  }

  string(value: unknown, path: string): string | undefined {
    if (value === undefined) return undefined
    if (typeof value === 'string') return value
    this.add(path, `must be a string, got ${describeValue(value)}`)
    return undefined
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined) return undefined
    if (typeof value === 'boolean') return value
    this.add(path, `must be true or false, got ${describeValue(value)}`)
    return undefined
  }

  number(value: unknown, path: string): number | undefined {
    if (value === undefined) return undefined
    if (typeof value === 'number' && Number.isFinite(value)) return value
    this.add(path, `must be a number, got ${describeValue(value)}`)
    return undefined
  }

  nonNegativeInteger(value: unknown, path: string): number | undefined {
    if (value === undefined) return undefined
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value
    this.add(path, `must be a whole number >= 0, got ${describeValue(value)}`)
    return undefined
  }

  oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T | undefined {
    if (value === undefined) return undefined
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
    const hint = typeof value === 'string' ? didYouMean(value, allowed) : ''
    this.add(path, `must be one of ${allowed.join(', ')}, got ${describeValue(value)}${hint}`)
    return undefined
  }
}
