import { IN_MEMORY } from '../../core/durable-commit.ts'
import type { Mutation, StateData } from '../../core/store.ts'

/**
 * Where live state survives restarts. The engine applies a change in memory, then awaits `commit`;
 * the response is sent only after it resolves (durable acknowledgement). When `commit` rejects, the
 * engine rolls back every change that is not yet confirmed, newest first, and answers 503.
 *
 * Implementations are built with a `snapshot: () => StateData` provider for full writes and compaction.
 *
 * Constructing one and calling `load` write nothing to the disk: no file is created or opened for
 * writing, no torn journal tail is cut, nothing is compacted. Every write waits for the first `reset`,
 * `commit`, `flush` or `close`, so a caller can take the state-file lock, load, bind its port, and only
 * then let anything change; a caller that gives up after `load` drops the object without `close` and
 * leaves the files exactly as it found them.
 */
export interface Persistence {
  /** The saved state, or undefined when there is none yet. Throws ConfigError when it cannot be read. */
  load(): Promise<StateData | undefined>
  /** Resolves once the mutations are durable. Concurrent calls share writes (group commit). */
  commit(mutations: readonly Mutation[]): Promise<void>
  /** Replace everything saved with this state (reset, PUT /__restmock/db, first start). */
  reset(state: StateData): Promise<void>
  /**
   * The state file was edited by hand and already holds `state`: forget what was saved beside it without
   * writing the file back (a write-back could land over a newer edit).
   */
  adopt(state: StateData): Promise<void>
  /** Wait until everything committed so far has landed; compact when the implementation has a journal. */
  flush(): Promise<void>
  close(): Promise<void>
}

/** --in-memory and library fixtures: nothing is saved, every commit is acknowledged at once. */
export function createMemoryPersistence(): Persistence {
  return {
    ...IN_MEMORY,
    load: () => Promise.resolve(undefined),
    adopt: () => Promise.resolve(),
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }
}
