import type { IdStrategy } from './manifest/model.ts'
import { type Random, randomUuid } from './random.ts'
import { type IdKey, idKey, type Rec, type RecordId } from './store.ts'

// String ids are 8 of these (36^8, about 2.8e12 values): short in URLs, and a collision, retried, is rare.
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'
const STRING_ID_LENGTH = 8
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * A new id for a collection: `nextInteger` for integer ids, otherwise a uuid (version 4) or 8 lowercase
 * alphanumerics from `random`; `exists` lets those retry on the (rare) collision.
 */
export function generateId(
  strategy: IdStrategy,
  nextInteger: number,
  random: Random,
  exists: (id: string) => boolean,
): string | number {
  if (strategy === 'integer') return nextInteger
  for (;;) {
    const id = strategy === 'uuid' ? randomUuid(random) : randomString(random, STRING_ID_LENGTH)
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

/**
 * Ids for a batch of new records (generated data): integers continue after the largest existing one;
 * uuid and string ids come from generateId and never clash with existing or earlier ones.
 */
export function idSequence(
  strategy: IdStrategy,
  existing: readonly Rec[],
  random: Random,
  idField = 'id',
): () => RecordId {
  let last = 0
  const used = new Set<IdKey>()
  for (const record of existing) {
    const id = record[idField]
    if (typeof id === 'number' && id > last) last = id
    used.add(idKey(id))
  }
  return () => {
    const id = generateId(strategy, last + 1, random, (candidate) => used.has(idKey(candidate)))
    if (typeof id === 'number') last = id
    used.add(idKey(id))
    return id
  }
}
