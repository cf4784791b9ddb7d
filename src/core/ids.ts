import type { IdStrategy } from './manifest/types.ts'
import { type Random, randomUuid } from './random.ts'

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A new id for a collection; `exists` lets random strategies retry on the (rare) collision. */
export function generateId(
  strategy: IdStrategy,
  nextInteger: number,
  random: Random,
  exists: (id: string) => boolean,
): string | number {
  if (strategy === 'integer') return nextInteger
  for (;;) {
    const id = strategy === 'uuid' ? randomUuid(random) : randomString(random, 8)
    if (!exists(id)) return id
  }
}

function randomString(random: Random, length: number): string {
  let id = ''
  for (let i = 0; i < length; i++) id += ALPHABET[Math.floor(random() * ALPHABET.length)]
  return id
}

/** Why a client-supplied id does not fit the strategy, or undefined when it does. */
export function idProblem(strategy: IdStrategy, id: unknown, zeroConfig: boolean): string | undefined {
  if (zeroConfig) {
    if (Number.isSafeInteger(id) || (typeof id === 'string' && id !== '')) return undefined
    return 'must be a whole number (up to 2^53 - 1) or a non-empty string'
  }
  if (strategy === 'integer') return Number.isSafeInteger(id) ? undefined : 'must be an integer'
  if (strategy === 'uuid') return typeof id === 'string' && UUID.test(id) ? undefined : 'must be a UUID'
  return typeof id === 'string' && id !== '' ? undefined : 'must be a non-empty string'
}
