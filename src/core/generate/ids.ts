import type { IdStrategy } from '../manifest/types.ts'
import { type Random, randomUuid } from '../random.ts'
import { idKey, type Rec, type RecordId } from '../state.ts'

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
