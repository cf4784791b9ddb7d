import { RestmockError } from '../../core/errors.ts'

/** Writes one batch of journal lines; throws (having undone any partial write) when it cannot. */
export type BatchWriter = (lines: readonly string[]) => Promise<void>

export interface GroupCommit {
  /** Queue lines; resolves once the batch holding them is written. Lines queued during a write share the next. */
  add(lines: readonly string[]): Promise<void>
  /**
   * Run `task` alone: after every step queued before it, before every step queued after it. A `barrier`
   * (a reset) starts a new history: a failure before it does not reject the batches behind it.
   */
  exclusive<T>(task: () => Promise<T>, options?: { barrier?: boolean }): Promise<T>
  /** Sequence number of the last queued step (0 when none yet). */
  readonly lastSeq: number
  /**
   * Resolves once every step up to `to` has finished: true when none of the batches among them that had not
   * finished at the time of the call failed. Call it from inside an exclusive task to cover exactly the
   * steps queued behind that task.
   */
  settled(to: number): Promise<boolean>
}

interface Waiter {
  resolve: () => void
  reject: (error: unknown) => void
}

interface BatchStep {
  kind: 'batch'
  seq: number
  lines: string[]
  waiters: Waiter[]
  started: boolean
  /** set when a step ahead of it failed: it is rejected with this instead of being written */
  doomed?: unknown
}

interface TaskStep {
  kind: 'task'
  seq: number
  barrier: boolean
  run: () => Promise<void>
  started: boolean
}

type Step = BatchStep | TaskStep

interface SettleWatch {
  to: number
  failed: boolean
  resolve: (ok: boolean) => void
}

/**
 * The write queue: consecutive commits merge into one batch (one append per batch, not per commit), and
 * steps run one at a time in arrival order. When a batch fails, it and every batch queued behind it (up to
 * the next barrier) reject, because those changes may build on the failed ones and are all rolled back.
 */
export function createGroupCommit(writeBatch: BatchWriter): GroupCommit {
  const queue: Step[] = []
  let seq = 0
  let running = false
  let scheduled = false
  const watches = new Set<SettleWatch>()
  let finishedSeq = 0

  const finish = (step: Step, failed: boolean): void => {
    finishedSeq = step.seq
    for (const watch of watches) {
      if (failed && step.seq <= watch.to) watch.failed = true
      if (finishedSeq >= watch.to) {
        watches.delete(watch)
        watch.resolve(!watch.failed)
      }
    }
  }

  // Batches behind a failed step, up to the next barrier, may build on its changes: they fail too.
  const doomQueuedBatches = (cause: unknown): void => {
    const error = new RestmockError(
      'persistence_failed',
      'An earlier write to the state could not be saved, so this change was rolled back too',
      { cause },
    )
    for (const step of queue.slice(1)) {
      if (step.kind === 'task') {
        if (step.barrier) return
      } else step.doomed ??= error
    }
  }

  const runBatch = async (step: BatchStep): Promise<boolean> => {
    try {
      if (step.doomed !== undefined) throw step.doomed
      await writeBatch(step.lines)
      for (const waiter of step.waiters) waiter.resolve()
      return true
    } catch (error) {
      for (const waiter of step.waiters) waiter.reject(error)
      doomQueuedBatches(error)
      return false
    }
  }

  const runTask = async (step: TaskStep): Promise<true> => {
    try {
      await step.run()
    } catch (error) {
      // the task reported its failure to its own caller; a failed barrier (reset) invalidates what follows
      if (step.barrier) doomQueuedBatches(error)
    }
    return true
  }

  const pump = async (): Promise<void> => {
    if (running) return
    running = true
    while (queue.length > 0) {
      const step = queue[0]!
      step.started = true
      const ok = step.kind === 'batch' ? await runBatch(step) : await runTask(step)
      queue.shift()
      finish(step, !ok)
    }
    running = false
  }

  // An idle writer starts at the end of the current event-loop turn rather than at once: the requests
  // handled in the same turn (one poll of the sockets) then share the first append too.
  const kick = (): void => {
    if (running || scheduled) return
    scheduled = true
    setImmediate(() => {
      scheduled = false
      void pump()
    })
  }

  return {
    add(lines) {
      return new Promise<void>((resolve, reject) => {
        const last = queue[queue.length - 1]
        if (last?.kind === 'batch' && !last.started) {
          for (const line of lines) last.lines.push(line)
          last.waiters.push({ resolve, reject })
        } else {
          queue.push({
            kind: 'batch',
            seq: ++seq,
            lines: [...lines],
            waiters: [{ resolve, reject }],
            started: false,
          })
          kick()
        }
      })
    },
    exclusive(task, options = {}) {
      return new Promise((resolve, reject) => {
        const run = async (): Promise<void> => {
          try {
            resolve(await task())
          } catch (error) {
            reject(error)
            throw error
          }
        }
        queue.push({ kind: 'task', seq: ++seq, barrier: options.barrier === true, run, started: false })
        kick()
      })
    },
    get lastSeq() {
      return seq
    },
    settled(to) {
      if (finishedSeq >= to) return Promise.resolve(true)
      return new Promise((resolve) => watches.add({ to, failed: false, resolve }))
    },
  }
}
