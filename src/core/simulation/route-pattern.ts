/**
 * Path patterns used by route policies, scripted faults and journal filters: literal segments,
 * `:name` for exactly one segment, and a final `*` for any rest (including nothing).
 */
export interface PathPattern {
  readonly source: string
  /** number of literal segments: the more, the more specific */
  readonly specificity: number
  matches(path: string): boolean
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '')
}

export function compilePathPattern(source: string): PathPattern {
  const segments = splitPath(source)
  const rest = segments.at(-1) === '*'
  const fixed = rest ? segments.slice(0, -1) : segments
  const literals = fixed.map((segment) => (segment.startsWith(':') ? undefined : decodeSafely(segment)))
  const specificity = literals.filter((literal) => literal !== undefined).length
  return {
    source,
    specificity,
    matches(path) {
      const actual = splitPath(path)
      if (rest ? actual.length < fixed.length : actual.length !== fixed.length) return false
      for (let i = 0; i < literals.length; i++) {
        const literal = literals[i]
        if (literal !== undefined && literal !== decodeSafely(actual[i]!)) return false
      }
      return true
    },
  }
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** Problem with a pattern as a user wrote it, or undefined when it is usable. */
export function checkPathPattern(source: string): string | undefined {
  if (!source.startsWith('/')) return `must start with "/", got ${JSON.stringify(source)}`
  if (/[?#]/.test(source))
    return `must be a path without query string or fragment, got ${JSON.stringify(source)}`
  const segments = splitPath(source)
  const star = segments.indexOf('*')
  if (star !== -1 && star !== segments.length - 1) return '"*" may only be the last segment'
  if (segments.some((segment) => segment === ':')) return 'a ":" parameter needs a name, such as ":id"'
  return undefined
}
