import type { IdStrategy } from './manifest/model.ts'
import { type Random, randomUuid } from './random.ts'
import { idKey, type Rec, type RecordId } from './store.ts'

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

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const STRING_ID_LENGTH = 10

/** New ids for a collection: integers continue after the largest existing one; uuid and string ids never clash. */
export function idGenerator(strategy: IdStrategy, existing: readonly Rec[], random: Random): () => RecordId {
  if (strategy === 'integer') {
    let last = 0
    for (const record of existing) {
      if (typeof record.id === 'number' && record.id > last) last = record.id
    }
    return () => ++last
  }
  const used = new Set(existing.map((record) => idKey(record.id)))
  const make =
    strategy === 'uuid'
      ? () => randomUuid(random)
      : () => {
          let id = ''
          for (let i = 0; i < STRING_ID_LENGTH; i++)
            id += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)]
          return id
        }
  return () => {
    let id = make()
    while (used.has(idKey(id))) id = make()
    used.add(idKey(id))
    return id
  }
}
