/** Levenshtein distance, small inputs only (manifest keys, resource and method names). */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!
    previous[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost)
      diagonal = above
    }
  }
  return previous[b.length]!
}

/** The closest candidates to `input` (case-insensitive), or [] when none is close enough to help. */
export function closestMatches(input: string, candidates: Iterable<string>, max = 3): string[] {
  const needle = input.toLowerCase()
  const limit = Math.max(2, Math.floor(needle.length / 3))
  const scored: Array<[string, number]> = []
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate.toLowerCase())
    if (distance <= limit) scored.push([candidate, distance])
  }
  scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]))
  return scored.slice(0, max).map(([candidate]) => candidate)
}

/** ' (did you mean "x"?)' or '' */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const matches = closestMatches(input, candidates)
  if (matches.length === 0) return ''
  return ` (did you mean ${matches.map((m) => `"${m}"`).join(' or ')}?)`
}
