/** Length as JSON Schema counts it (Unicode code points, like Ajv), not UTF-16 units. */
export function codePointLength(text: string): number {
  let length = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) i++
    length++
  }
  return length
}

/** The first `max` code points of `text`. */
export function truncateCodePoints(text: string, max: number): string {
  if (text.length <= max) return text
  return Array.from(text).slice(0, max).join('')
}

/**
 * `text` cut or extended to a length in [min, max]: cut at a word boundary when one is close, extended
 * with `more()` words. For free-text fields whose generator does not know the length rules.
 */
export function fitLength(text: string, min: number, max: number, more: () => string): string {
  let result = text
  while (codePointLength(result) < min) result = result === '' ? more() : `${result} ${more()}`
  if (codePointLength(result) > max) {
    result = truncateCodePoints(result, max)
    const trimmed = result.replace(/\s+\S*$/, '')
    if (codePointLength(trimmed) >= Math.max(min, 1) && codePointLength(trimmed) >= max / 2) result = trimmed
    if (codePointLength(result.trimEnd()) >= min) result = result.trimEnd()
  }
  return result
}
