import type { Persistence } from './types.ts'

const done: Promise<void> = Promise.resolve()

/** --in-memory and library fixtures: nothing is saved, every commit is acknowledged at once. */
export function createMemoryPersistence(): Persistence {
  return {
    load: () => Promise.resolve(undefined),
    commit: () => done,
    reset: () => done,
    flush: () => done,
    close: () => done,
  }
}
