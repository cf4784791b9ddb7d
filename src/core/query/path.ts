import type { Rec } from '../state.ts'

/** Reads one (possibly dotted) field of a record; own properties only, so `__proto__` is just a name. */
export type Getter = (record: Rec) => unknown

/** "author.name" -> ["author", "name"]; "tags[0]" -> ["tags", "0"] (lodash-style, as json-server 0.17). */
export function splitPath(path: string): string[] {
  return path.replace(/\[(\d+)\]/g, '.$1').split('.')
}

function ownValue(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined
  return (value as Record<string, unknown>)[key]
}

export function compileGetter(segments: readonly string[]): Getter {
  if (segments.length === 1) {
    const key = segments[0]!
    // a plain data key can be read directly: records are JSON objects, so only prototype names need the guard
    if (!(key in Object.prototype)) return (record) => record[key]
    return (record) => ownValue(record, key)
  }
  return (record) => {
    let value: unknown = record
    for (const key of segments) {
      value = ownValue(value, key)
      if (value === undefined) return undefined
    }
    return value
  }
}

/** True when at least one record has a value (null included) at the path. */
export function anyRecordHas(records: readonly Rec[], get: Getter): boolean {
  for (const record of records) if (get(record) !== undefined) return true
  return false
}
