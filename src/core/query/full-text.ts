import type { Rec } from '../state.ts'
import { literalMatcher } from './escape-regexp.ts'

const NUMBER_CHARS = /^[-+.0-9eE]+$/

/**
 * `q=text`: case-insensitive substring over every value of a record, nested objects and arrays included
 * (keys are not searched). A tight recursive scan: no serialization, no per-record allocation for strings.
 */
export function compileSearch(text: string): (record: Rec) => boolean {
  const pattern = literalMatcher(text, 'contains')
  const needle = text.toLowerCase()
  // numbers and booleans are turned into text only when the needle could occur in them
  const numbers = NUMBER_CHARS.test(text)
  const booleans = 'true'.includes(needle) || 'false'.includes(needle)

  const scan = (value: unknown): boolean => {
    switch (typeof value) {
      case 'string':
        return pattern.test(value)
      case 'number':
        return numbers && String(value).toLowerCase().includes(needle)
      case 'boolean':
        return booleans && String(value).includes(needle)
      case 'object':
        if (value === null) return false
        if (Array.isArray(value)) {
          for (const element of value) if (scan(element)) return true
          return false
        }
        for (const key in value) if (scan((value as Record<string, unknown>)[key])) return true
        return false
      default:
        return false
    }
  }
  return scan
}
