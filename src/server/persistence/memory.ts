import { IN_MEMORY } from '../../core/engine.ts'
import type { Persistence } from './types.ts'

/** --in-memory and library fixtures: nothing is saved, every commit is acknowledged at once. */
export function createMemoryPersistence(): Persistence {
  return {
    ...IN_MEMORY,
    load: () => Promise.resolve(undefined),
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }
}
