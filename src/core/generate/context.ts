import type { Faker } from '@faker-js/faker'
import { ConfigError } from '../errors.ts'
import type { Random } from '../random.ts'
import type { RecordId } from '../state.ts'

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
}

export function generationError(path: string, message: string): ConfigError {
  return new ConfigError('Cannot generate data', [{ path, message }])
}
