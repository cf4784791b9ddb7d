/**
 * The ids requested by the GET-by-id scenarios: Park-Miller (multiplier 16807, modulus 2^31 - 1), the same
 * sequence in JavaScript (autocannon) and in wrk's Lua (exact in doubles: products stay below 2^53).
 */
export const ID_SEED = 42

export function idSequence(count: number, seed = ID_SEED): () => number {
  let state = seed
  return () => {
    state = (state * 16807) % 2147483647
    return (state % count) + 1
  }
}

export function idSequenceLua(count: number, seed = ID_SEED): string {
  return [
    `local state = ${seed}`,
    'request = function()',
    '  state = (state * 16807) % 2147483647',
    `  return wrk.format(nil, "/posts/" .. string.format("%d", state % ${count} + 1))`,
    'end',
  ].join('\n')
}

/** 1, 2, ..., count, 1, 2, ...: every id in turn (a warm-up that reads each record once). */
export function idSweep(count: number): () => number {
  let last = 0
  return () => {
    last = (last % count) + 1
    return last
  }
}

export function idSweepLua(count: number): string {
  return [
    'local last = 0',
    'request = function()',
    `  last = last % ${count} + 1`,
    '  return wrk.format(nil, "/posts/" .. string.format("%d", last))',
    'end',
  ].join('\n')
}
