/** Sets of UTF-16 code units as sorted, non-overlapping inclusive ranges in a flat array: [lo, hi, lo, hi, ...]. */

export function inRanges(ranges: readonly number[], code: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (code < ranges[i]!) return false
    if (code <= ranges[i + 1]!) return true
  }
  return false
}

/** Sorts and merges [lo, hi] pairs that overlap or touch. */
export function mergeRanges(pairs: Array<[number, number]>): number[] {
  pairs.sort((a, b) => a[0] - b[0])
  const merged: number[] = []
  for (const [lo, hi] of pairs) {
    const last = merged.length - 1
    if (last > 0 && lo <= merged[last]! + 1) merged[last] = Math.max(merged[last]!, hi)
    else merged.push(lo, hi)
  }
  return merged
}

export function toPairs(ranges: readonly number[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = []
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i]!, ranges[i + 1]!])
  return pairs
}

export function complement(ranges: readonly number[]): number[] {
  const result: number[] = []
  let next = 0
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = ranges[i]!
    if (lo > next) result.push(next, lo - 1)
    next = ranges[i + 1]! + 1
  }
  if (next <= 0xffff) result.push(next, 0xffff)
  return result
}
