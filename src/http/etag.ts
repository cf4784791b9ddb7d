/** Strong ETag of a serialized representation (cyrb53: fast, 53-bit, pure JS). */
export function etagOf(text: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  const hash = 4294967296 * (2097151 & h2) + (h1 >>> 0)
  return `"${hash.toString(36)}-${text.length.toString(36)}"`
}

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
