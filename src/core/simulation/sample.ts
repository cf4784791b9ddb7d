import type { Latency, Weighted } from './types.ts'

/**
 * A latency in whole ms from two uniform draws in [0, 1). Both draws are always taken by the caller,
 * whatever the distribution, so changing one policy never shifts the random stream of later requests.
 */
export function sampleLatency(latency: Latency | undefined, u1: number, u2: number): number {
  if (latency === undefined) return 0
  switch (latency.kind) {
    case 'fixed':
      return Math.round(latency.ms)
    case 'uniform':
      return Math.min(latency.max, Math.floor(latency.min + u1 * (latency.max - latency.min + 1)))
    case 'lognormal': {
      // Box-Muller: a standard normal from two uniforms; 1 - u1 keeps the logarithm finite
      const normal = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2)
      const ms = latency.median * Math.exp(latency.sigma * normal)
      return Math.round(latency.max === undefined ? ms : Math.min(ms, latency.max))
    }
  }
}

/** The option whose share of the total weight contains `u` (a uniform draw in [0, 1)). */
export function pickWeighted<T>(options: Weighted<T>, u: number): T {
  let total = 0
  for (const option of options) total += option.weight
  let threshold = u * total
  for (const option of options) {
    threshold -= option.weight
    if (threshold < 0) return option.value
  }
  return options.at(-1)!.value
}
