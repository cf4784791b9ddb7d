import { basename, dirname, join } from 'node:path'
import { RestmockError } from '../../core/errors.ts'
import { escapeRegExp } from '../../core/query/like.ts'
import type { Mutation, StateData } from '../../core/store.ts'
import { createStateBuilder, type StateBuilder } from '../../core/store.ts'
import { createNodeFs, type JournalHandle, type PersistenceFs } from './fs-layer.ts'
import { createGroupCommit } from './group-commit.ts'
import { encodeBatch, encodeMutation, parseJournal } from './journal-format.ts'
import type { Persistence } from './persistence.ts'
import { parseStateFile } from './state-file.ts'

export const DEFAULT_COMPACT_AFTER_BYTES: number = 8 * 1024 * 1024

export interface FilePersistenceOptions {
  /** The state file: a plain pretty JSON snapshot in seed-data shape. The journal is `<file>.journal`. */
  file: string
  /**
   * The live state, read for compaction. The engine must call `commit` in the same synchronous turn as it
   * changes its state, and the value returned must not change afterwards (records are immutable; return
   * fresh containers).
   */
  snapshot: () => StateData
  /**
   * The state file's content when the caller has just parsed it (zero-config: the db.json is both the
   * source and the state file), so a large file is not parsed twice at start.
   */
  snapshotValue?: StateData
  /** fsync every append (and compaction) before acknowledging: survives power loss, not only crashes. */
  sync?: boolean
  /** Compact in the background once the journals hold this many bytes (default 8 MiB). */
  compactAfterBytes?: number
  log?: (message: string) => void
  /** The file layer; tests inject failures through it. */
  fs?: PersistenceFs
  /** the primary key's field name of a collection, to replay the journal over the snapshot (default "id") */
  idField?: (resource: string) => string
}

export interface PersistenceStats {
  /** journal writes so far: one per batch of concurrent commits */
  appends: number
  /** compactions that wrote the snapshot */
  compactions: number
  /** bytes in the journals not yet compacted into the snapshot */
  journalBytes: number
}

export interface FilePersistence extends Persistence {
  readonly stats: Readonly<PersistenceStats>
}

interface RotatedJournal {
  path: string
  bytes: number
}

interface CompactionPlan {
  data: StateData
  files: RotatedJournal[]
  /** true once every change in `data` is durable in the journals (false: some were rolled back) */
  durable: Promise<boolean>
}

/**
 * Durable state in two files: `<file>` (snapshot) and `<file>.journal` (one mutation per line, appended
 * before a commit resolves, one write per batch). Compaction renames the journal to `<file>.journal.<n>`,
 * writes the snapshot (atomically), then deletes the renamed journals: state = snapshot + rotated
 * journals in order + journal, at every instant, so a crash at any step loses no acknowledged write.
 */
export function createFilePersistence(options: FilePersistenceOptions): FilePersistence {
  const fs = options.fs ?? createNodeFs()
  const { file } = options
  const sync = options.sync === true
  const threshold = options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES
  const log = options.log ?? (() => {})
  const dir = dirname(file)
  const journalPath = `${file}.journal`
  const stats: PersistenceStats = { appends: 0, compactions: 0, journalBytes: 0 }

  let handle: JournalHandle | undefined
  /** bytes of the active journal that hold written lines */
  let journalSize = 0
  /** set when a failed append could not be cut back: the journal must be repaired before any other write */
  let broken = false
  /**
   * Bytes of the active journal up to its last whole batch, as `load` found them; a torn batch after them
   * is cut off just before the first write (undefined: never read, so it is set aside whole instead).
   */
  let journalValidBytes: number | undefined
  let preparedForWrites = false
  let rotated: RotatedJournal[] = []
  let nextRotation = 1
  let initialized: Promise<void> | undefined
  let closing: Promise<void> | undefined
  let maintenance: Promise<unknown> = Promise.resolve()
  let compactionRunning = false
  /** the snapshot provider reflects the saved state only after a successful load or reset: never compact before */
  let established = false
  let nextCompactionAt = threshold

  const pendingBytes = (): number => rotated.reduce((sum, journal) => sum + journal.bytes, journalSize)

  const init = (): Promise<void> => {
    initialized ??= (async () => {
      const pattern = new RegExp(`^${escapeRegExp(basename(journalPath))}\\.(\\d+)$`)
      const found: Array<{ path: string; n: number; bytes: number }> = []
      for (const name of await fs.list(dir)) {
        const match = pattern.exec(name)
        if (!match) continue
        const path = join(dir, name)
        found.push({ path, n: Number(match[1]), bytes: (await fs.size(path)) ?? 0 })
      }
      found.sort((a, b) => a.n - b.n)
      rotated = found.map(({ path, bytes }) => ({ path, bytes }))
      nextRotation = (found[found.length - 1]?.n ?? 0) + 1
      journalSize = (await fs.size(journalPath)) ?? 0
      stats.journalBytes = pendingBytes()
    })()
    return initialized
  }

  // Loading only reads. Before the first write, a batch torn by a crash at the end of the journal is cut
  // off, so that new batches follow whole ones (a torn batch followed by others would read as damage).
  const prepareForWrites = async (): Promise<void> => {
    await init()
    if (broken) {
      await fs.truncate(journalPath, journalSize)
      broken = false
    }
    if (preparedForWrites) return
    if (journalSize > 0 && journalValidBytes === undefined) {
      // never parsed (a reset without a load): set it aside whole; a torn tail is harmless at the end of a file
      await rotateJournal()
    } else if (journalValidBytes !== undefined && journalValidBytes < journalSize) {
      await fs.truncate(journalPath, journalValidBytes)
      journalSize = journalValidBytes
      stats.journalBytes = pendingBytes()
    }
    preparedForWrites = true
  }

  const append = async (bytes: Uint8Array): Promise<void> => {
    await prepareForWrites()
    if (handle === undefined) {
      handle = await fs.openJournal(journalPath)
      if (sync) await fs.syncPath(dir)
    }
    try {
      await handle.append(bytes)
      if (sync) await handle.sync()
    } catch (error) {
      try {
        await handle.truncate(journalSize)
      } catch {
        broken = true
      }
      throw error
    }
    journalSize += bytes.byteLength
    stats.appends++
    stats.journalBytes = pendingBytes()
  }

  const writeBatch = async (lines: readonly string[]): Promise<void> => {
    if (lines.length === 0) return
    try {
      await append(encodeBatch(lines))
    } catch (error) {
      // the client sees only the error code; the path and the system's message go to the operator's log
      const code = (error as NodeJS.ErrnoException).code
      log(`${journalPath}: could not save a change: ${(error as Error).message}`)
      throw new RestmockError(
        'persistence_failed',
        `The change could not be saved to the state file${code === undefined ? '' : ` (${code})`} and was rolled back`,
        { cause: error },
      )
    }
    maybeCompactInBackground()
  }

  const group = createGroupCommit(writeBatch)

  /** One at a time: compactions and resets each rename journals and write the snapshot. */
  const runMaintenance = <T>(task: () => Promise<T>): Promise<T> => {
    const result = maintenance.then(task)
    maintenance = result.catch(() => {})
    return result
  }

  const writeSnapshot = async (data: StateData): Promise<void> => {
    await fs.writeJson(file, data)
    if (sync) {
      await fs.syncPath(file)
      await fs.syncPath(dir)
    }
  }

  /** Closes the journal and renames it aside; the next append starts a new one. Only inside an exclusive step. */
  const rotateJournal = async (): Promise<void> => {
    if (journalSize === 0) return
    const open = handle
    handle = undefined
    await open?.close()
    const path = `${journalPath}.${nextRotation++}`
    await fs.rename(journalPath, path)
    rotated.push({ path, bytes: journalSize })
    journalSize = 0
  }

  // Runs alone in the write queue: no append is in flight, so the journals and memory agree exactly,
  // apart from the commits queued behind this step, which `durable` waits for.
  const planCompaction = async (): Promise<CompactionPlan | undefined> => {
    await init()
    if (!established) return undefined
    await prepareForWrites()
    if (journalSize === 0 && rotated.length === 0) return undefined
    await rotateJournal()
    return { data: options.snapshot(), files: [...rotated], durable: group.settled(group.lastSeq) }
  }

  /** Snapshot first, then delete the journals it contains: a crash in between only replays them again. */
  const finishCompaction = async (plan: CompactionPlan): Promise<void> => {
    if (!(await plan.durable)) {
      log(
        `${file}: compaction postponed (a write it included was rolled back); the journals still hold every change`,
      )
      return
    }
    await writeSnapshot(plan.data)
    for (const journal of plan.files) {
      await fs.unlink(journal.path)
      rotated = rotated.filter((other) => other !== journal)
    }
    stats.compactions++
    stats.journalBytes = pendingBytes()
  }

  const compact = async (): Promise<void> => {
    const plan = await group.exclusive(planCompaction)
    if (plan !== undefined) await finishCompaction(plan)
  }

  function maybeCompactInBackground(): void {
    if (compactionRunning || closing !== undefined || pendingBytes() < nextCompactionAt) return
    compactionRunning = true
    runMaintenance(compact)
      .then(
        () => {
          nextCompactionAt = threshold
        },
        (error: unknown) => {
          nextCompactionAt = pendingBytes() + threshold
          log(`${file}: background compaction failed, the journal keeps growing: ${(error as Error).message}`)
        },
      )
      .finally(() => {
        compactionRunning = false
      })
  }

  const load = async (): Promise<StateData | undefined> => {
    await init()
    const snapshotBytes = options.snapshotValue === undefined ? await fs.readFile(file) : undefined
    const base =
      options.snapshotValue ?? (snapshotBytes === undefined ? undefined : parseStateFile(snapshotBytes, file))
    let builder: StateBuilder | undefined
    journalValidBytes = journalSize
    for (const path of [...rotated.map((journal) => journal.path), journalPath]) {
      const content = await fs.readFile(path)
      if (content === undefined || content.byteLength === 0) continue
      const parsed = parseJournal(content, path)
      if (path === journalPath) journalValidBytes = parsed.validBytes
      if (parsed.tornTail) {
        log(`${path}: ignoring a torn last batch (a write interrupted by a crash, never acknowledged)`)
      }
      if (parsed.mutations.length === 0) continue
      builder ??= createStateBuilder(base ?? {}, options.idField)
      for (const mutation of parsed.mutations) builder.apply(mutation)
    }
    stats.journalBytes = pendingBytes()
    established = true
    return builder === undefined ? base : builder.result()
  }

  const reset = (state: StateData): Promise<void> => {
    if (closing !== undefined) return Promise.reject(closedError())
    return runMaintenance(async () => {
      const plan = await group.exclusive(
        async (): Promise<CompactionPlan | undefined> => {
          await prepareForWrites()
          established = true
          if (journalSize === 0 && rotated.length === 0) {
            // nothing journaled that the new snapshot could be confused with: write it directly
            await writeSnapshot(state)
            return undefined
          }
          // The replace line makes the reset atomic (before it lands the old state stands, after it the new
          // one) and keeps the rotated journals harmless to replay over the new snapshot.
          const replace: Mutation = { op: 'replace', state }
          await append(encodeBatch([encodeMutation(replace)]))
          await rotateJournal()
          return { data: state, files: [...rotated], durable: Promise.resolve(true) }
        },
        { barrier: true },
      )
      if (plan === undefined) return
      // the replace line has landed: the reset is durable whatever happens to the snapshot now, so a
      // failed snapshot write is a postponed compaction (the journals still hold it), not a failed reset
      await finishCompaction(plan).catch((error: unknown) => {
        log(
          `${file}: compaction after reset postponed (${(error as Error).message}); the journal holds the reset`,
        )
      })
    })
  }

  /**
   * The snapshot file was edited by hand and holds the state now: delete the journals so nothing is
   * replayed over it, and write nothing. (A crash between two deletions replays the journals left over
   * the edit, as a crash during a hand edit could lose it: the window is a few unlinks.)
   */
  const adopt = (): Promise<void> => {
    if (closing !== undefined) return Promise.reject(closedError())
    return runMaintenance(() =>
      group.exclusive(
        async () => {
          await prepareForWrites()
          established = true
          await rotateJournal()
          for (const journal of [...rotated].reverse()) {
            await fs.unlink(journal.path)
            rotated = rotated.filter((other) => other !== journal)
          }
          stats.journalBytes = pendingBytes()
        },
        { barrier: true },
      ),
    )
  }

  return {
    stats,
    load,
    adopt,
    commit(mutations) {
      if (closing !== undefined) return Promise.reject(closedError())
      return group.add(mutations.map(encodeMutation))
    },
    reset,
    flush: () => (closing === undefined ? runMaintenance(compact) : closing),
    close() {
      closing ??= (async () => {
        try {
          await runMaintenance(compact)
        } finally {
          await runMaintenance(async () => {
            const open = handle
            handle = undefined
            await open?.close()
          })
        }
      })()
      return closing
    },
  }
}

function closedError(): RestmockError {
  return new RestmockError('persistence_failed', 'The state file is closed; the server is shutting down')
}
