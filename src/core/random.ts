/** A seedable source of uniform numbers in [0, 1): every random choice restmock makes goes through one. */
export type Random = () => number

/** sfc32: small, fast, good statistical quality; the same seed gives the same sequence on every machine. */
export function createRandom(seed: number): Random {
  let a = 0x9e3779b9
  let b = 0x243f6a88
  let c = 0xb7e15162
  let d = seed >>> 0
  const next = (): number => {
    a |= 0
    b |= 0
    c |= 0
    d |= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 15; i++) next()
  return next
}

/** Derive an independent stream for one purpose (ids, simulation, data) from a base seed. */
export function deriveSeed(seed: number, purpose: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0
  for (let i = 0; i < purpose.length; i++) {
    h ^= purpose.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1))
}

/** RFC 4122 version 4 UUID built from the given random source (deterministic under a seed). */
export function randomUuid(random: Random): string {
  let hex = ''
  for (let i = 0; i < 16; i++) {
    let byte = Math.floor(random() * 256)
    if (i === 6) byte = (byte & 0x0f) | 0x40
    if (i === 8) byte = (byte & 0x3f) | 0x80
    hex += byte.toString(16).padStart(2, '0')
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
