import { inRanges, mergeRanges, toPairs } from './char-ranges.ts'

/**
 * Case-insensitive closure of character ranges with the JavaScript `i` flag (non-unicode mode) semantics:
 * two code units match when their canonical forms (upper case, never mapping non-ASCII to ASCII) are equal.
 */

function canonicalize(code: number): number {
  const upper = String.fromCharCode(code).toUpperCase()
  if (upper.length !== 1) return code
  const result = upper.charCodeAt(0)
  return code >= 128 && result < 128 ? code : result
}

let nonAsciiGroups: number[][] | undefined

/** Groups of non-ASCII code units sharing a canonical form (built once, on first need: ~65k look-ups). */
function foldGroups(): number[][] {
  if (nonAsciiGroups !== undefined) return nonAsciiGroups
  const byCanonical = new Map<number, number[]>()
  for (let code = 128; code <= 0xffff; code++) {
    const canonical = canonicalize(code)
    const group = byCanonical.get(canonical)
    if (group === undefined) byCanonical.set(canonical, [code])
    else group.push(code)
  }
  nonAsciiGroups = []
  for (const group of byCanonical.values()) {
    if (group.length > 1) nonAsciiGroups.push(group)
  }
  return nonAsciiGroups
}

/** Sorted, merged ranges plus every code unit that matches one of them case-insensitively. */
export function caseClosure(ranges: readonly number[]): number[] {
  const extra: number[] = []
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = ranges[i]!
    const hi = Math.min(ranges[i + 1]!, 127)
    for (let code = lo; code <= hi; code++) {
      if (code >= 0x41 && code <= 0x5a) extra.push(code + 32)
      else if (code >= 0x61 && code <= 0x7a) extra.push(code - 32)
    }
  }
  if (ranges.length > 0 && ranges[ranges.length - 1]! >= 128) {
    for (const group of foldGroups()) {
      if (group.some((code) => inRanges(ranges, code))) extra.push(...group)
    }
  }
  if (extra.length === 0) return [...ranges]
  const pairs = toPairs(ranges)
  for (const code of extra) pairs.push([code, code])
  return mergeRanges(pairs)
}
