/** If-None-Match / If-Match list matching (weak comparison for If-None-Match, as RFC 9110 says). */
export function etagMatches(header: string, etag: string, weak: boolean): boolean {
  if (header.trim() === '*') return true
  for (const candidate of header.split(',')) {
    let tag = candidate.trim()
    if (weak && tag.startsWith('W/')) tag = tag.slice(2)
    if (tag === etag) return true
  }
  return false
}
