const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/

/**
 * Milliseconds from a duration: a number of ms (`800`), or a string with a unit (`"800ms"`, `"2s"`,
 * `"1m"`, `"1h"`; no unit = ms). Undefined when the value is not a duration >= 0.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = DURATION.exec(value.trim())
  if (match === null) return undefined
  return Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!
}

export const DURATION_HINT = 'a duration such as 800 (ms), "800ms", "2s" or "1m"'
