import { RestmockError } from './errors.ts'
import type { Mutation, StateData, Store, Undo } from './store.ts'

/** What the engine needs from persistence (see src/server/persistence/persistence.ts). */
export interface Committer {
  commit(mutations: readonly Mutation[]): Promise<void>
  reset(state: StateData): Promise<void>
  /** the saved state already is `state` (its file was edited by hand): drop the rest, write nothing */
  adopt?(state: StateData): Promise<void>
}

/** For in-memory state: every commit is durable at once. */
export const IN_MEMORY: Committer = {
  commit: () => Promise.resolve(),
  reset: () => Promise.resolve(),
}

interface PendingChange {
  inverses: Undo[]
  rolledBack: boolean
  settled?: Promise<unknown>
}

/**
 * Changes applied to the store at once and confirmed by persistence later. A change that fails to
 * commit is undone with every change applied after it (they may build on it), newest first, so the
 * store never shows a change the disk does not hold once its caller has been answered.
 */
export class UnconfirmedChanges {
  private readonly pending: PendingChange[] = []
  private readonly store: () => Store
  private readonly persistence: () => Committer

  /** Both are read at each change: the engine swaps its store when the manifest is replaced. */
  constructor(store: () => Store, persistence: () => Committer) {
    this.store = store
    this.persistence = persistence
  }

  /** Apply `mutations`, then resolve to `result` once they are durable (or reject with persistence_failed). */
  async commit<T>(mutations: Mutation[], result: T): Promise<T> {
    const store = this.store()
    const change: PendingChange = { inverses: [], rolledBack: false }
    for (const mutation of mutations) change.inverses.push(store.apply(mutation))
    this.pending.push(change)
    let committed: Promise<void>
    try {
      committed = this.persistence().commit(mutations)
    } catch (error) {
      committed = Promise.reject(error)
    }
    change.settled = committed
    try {
      await committed
    } catch (error) {
      this.rollbackFrom(change)
      throw persistenceFailed(error)
    } finally {
      const index = this.pending.indexOf(change)
      if (index !== -1) this.pending.splice(index, 1)
    }
    // an earlier change failed and took this one down with it (it may have built on the failed one)
    if (change.rolledBack) throw persistenceFailed(new Error('rolled back with an earlier failed change'))
    return result
  }

  /** Resolves once no change is in flight, so a whole-state replacement is ordered after them. */
  async settle(): Promise<void> {
    while (this.pending.length > 0) await Promise.allSettled(this.pending.map((change) => change.settled))
  }

  /** Undo `change` and everything applied after it, newest first. */
  private rollbackFrom(change: PendingChange): void {
    const start = this.pending.indexOf(change)
    if (start === -1 || change.rolledBack) return
    const store = this.store()
    for (let i = this.pending.length - 1; i >= start; i--) {
      const later = this.pending[i]!
      if (later.rolledBack) continue
      for (let j = later.inverses.length - 1; j >= 0; j--) store.apply(later.inverses[j]!)
      later.rolledBack = true
    }
  }
}

/** The one error a failed save gives, whatever the cause (kept as `cause`, never shown to clients). */
export function persistenceFailed(error: unknown): RestmockError {
  if (error instanceof RestmockError && error.code === 'persistence_failed') return error
  return new RestmockError('persistence_failed', 'the change could not be saved and was rolled back', {
    cause: error,
  })
}
