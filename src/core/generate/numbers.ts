import type { FieldDef } from '../manifest/model.ts'

/**
 * Numbers are drawn as whole multiples of 10^-decimals between `low` and `high` (inclusive, in those
 * units), which makes exclusive bounds, integer ranges and uniqueness exact.
 */
export interface NumberGrid {
  low: number
  high: number
  scale: number
}

export interface NumberPreference {
  min: number
  max: number
  decimals: number
}

const DEFAULT_PREFERENCE: NumberPreference = { min: 1, max: 1000, decimals: 2 }

/** Bounds of the field in grid units: ±Infinity when open. */
function fieldBounds(field: FieldDef, scale: number): [number, number] {
  let low = Number.NEGATIVE_INFINITY
  let high = Number.POSITIVE_INFINITY
  if (field.minimum !== undefined) low = Math.ceil(field.minimum * scale)
  if (field.exclusiveMinimum !== undefined)
    low = Math.max(low, Math.floor(field.exclusiveMinimum * scale) + 1)
  if (field.maximum !== undefined) high = Math.floor(field.maximum * scale)
  if (field.exclusiveMaximum !== undefined)
    high = Math.min(high, Math.ceil(field.exclusiveMaximum * scale) - 1)
  return [low, high]
}

/**
 * The grid to draw from: the preferred range (from the field's name, or 1..1000) within the field's
 * bounds; the field's bounds alone when the two do not overlap; widened on an open side when a unique
 * field needs more values. A string when the bounds leave no value at all.
 */
export function numberGrid(
  field: FieldDef,
  preference: NumberPreference | undefined,
  needed = 0,
): NumberGrid | string {
  const prefer = preference ?? DEFAULT_PREFERENCE
  const integer = field.type === 'integer'
  let decimals = integer ? 0 : prefer.decimals
  let scale = 10 ** decimals
  let [low, high] = fieldBounds(field, scale)
  // a narrow decimal range (0.001 < x < 0.002) needs a finer grid
  while (!integer && low > high && decimals < 12) {
    decimals += 2
    scale = 10 ** decimals
    ;[low, high] = fieldBounds(field, scale)
  }
  if (low > high) return integer ? 'no integer lies within its bounds' : 'no number lies within its bounds'
  const preferLow = Math.ceil(prefer.min * scale)
  const preferHigh = Math.floor(prefer.max * scale)
  const width = Math.max(preferHigh - preferLow, needed * 2)
  let from = Math.max(low, preferLow)
  let to = Math.min(high, preferHigh)
  if (from > to) {
    from = Number.isFinite(low) ? low : high - width
    to = Number.isFinite(high) ? high : low + width
  }
  if (to - from + 1 < needed) {
    if (!Number.isFinite(high)) to = from + width
    else if (!Number.isFinite(low)) from = to - width
    else {
      from = low
      to = high
    }
  }
  return { low: from, high: to, scale }
}

export function gridSize(grid: NumberGrid): number {
  return grid.high - grid.low + 1
}

export function gridValue(grid: NumberGrid, index: number): number {
  return (grid.low + index) / grid.scale
}
