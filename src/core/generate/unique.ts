import type { FieldDef } from '../manifest/model.ts'
import type { Random } from '../random.ts'
import {
  type Checker,
  codePointLength,
  generationError,
  OMIT,
  truncateCodePoints,
  type ValueGenerator,
} from './primitives.ts'

/** Attempts per value for open-ended generators (names, emails, patterns) before giving up. */
const MAX_ATTEMPTS = 1000
/** After this many collisions for one value, text that allows it gets a number added (ada.lovelace7@...). */
const VARY_AFTER = 5

/** How uniqueness is judged, as the store judges it: emails and `caseInsensitive` fields ignoring case. */
export function uniqueKey(field: FieldDef, value: unknown): string {
  if (typeof value === 'string')
    return (field.caseInsensitive ?? field.format === 'email') ? value.toLowerCase() : value
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * Wraps a field generator so that no value repeats one in `taken` (initially the values of existing
 * records). Generators of finite spaces draw without repeats and throw when they run out, so they only
 * collide with existing values: the attempt limit leaves room for all of those.
 */
export function uniqueGenerator(
  generate: ValueGenerator,
  field: FieldDef,
  path: string,
  taken: Set<string>,
  check: Checker,
  random: Random,
): ValueGenerator {
  const vary = variation(field)
  const maxAttempts = MAX_ATTEMPTS + taken.size
  return () => {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      let value = generate()
      if (value === OMIT || value === null) return value
      if (vary !== undefined && attempt >= VARY_AFTER) {
        const varied = vary(value, 2 + Math.floor(random() * 9998))
        if (varied !== undefined && check(varied) === undefined) value = varied
      }
      const key = uniqueKey(field, value)
      if (!taken.has(key)) {
        taken.add(key)
        return value
      }
    }
    throw generationError(
      path,
      `unique: no unused value found after ${maxAttempts} attempts (${taken.size} values taken); lower the count or widen the field's rules`,
    )
  }
}

/** A way to make free text, emails and URLs distinct by adding a number; undefined where that would break a rule. */
function variation(field: FieldDef): ((value: unknown, n: number) => string | undefined) | undefined {
  if (field.type !== 'string' || field.pattern !== undefined || field.enum !== undefined) return undefined
  if (field.format !== undefined && field.format !== 'email' && field.format !== 'uri') return undefined
  const max = field.maxLength ?? Number.POSITIVE_INFINITY
  return (value, n) => {
    if (typeof value !== 'string') return undefined
    if (/^[^@\s]+@[^@\s]+$/.test(value)) return value.replace('@', `${n}@`)
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return `${value.replace(/\/$/, '')}/${n}`
    if (field.format !== undefined) return undefined
    const suffix = ` ${n}`
    const room = max - suffix.length
    if (room < 1) return undefined
    return codePointLength(value) > room ? `${truncateCodePoints(value, room)}${suffix}` : `${value}${suffix}`
  }
}
