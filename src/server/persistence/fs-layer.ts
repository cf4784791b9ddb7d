import { constants } from 'node:fs'
import { type FileHandle, open, readdir, readFile, rename, stat, truncate, unlink } from 'node:fs/promises'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { TextFile } from 'lowdb/node'
import type { StateData } from '../../core/store.ts'
import { prettyStateJson } from './pretty-json.ts'

/** Snapshot serialization yields to requests after this long. */
const SNAPSHOT_SLICE_MS = 8

/** An open journal: appends land at the end of the file. */
export interface JournalHandle {
  append(bytes: Uint8Array): Promise<void>
  sync(): Promise<void>
  truncate(length: number): Promise<void>
  close(): Promise<void>
}

/** The file operations persistence needs; tests inject failures through it. */
export interface PersistenceFs {
  openJournal(path: string): Promise<JournalHandle>
  /** undefined when the file does not exist */
  readFile(path: string): Promise<Uint8Array | undefined>
  /** undefined when the file does not exist */
  size(path: string): Promise<number | undefined>
  truncate(path: string, length: number): Promise<void>
  rename(from: string, to: string): Promise<void>
  /** A missing file is not an error. */
  unlink(path: string): Promise<void>
  /** Names in a directory (empty when it does not exist). */
  list(dir: string): Promise<string[]>
  /**
   * Pretty JSON, byte for byte what lowdb's JSONFile writes, through JSONFile's own writer (lowdb's
   * TextFile: temp file + rename, so readers never see a half-written file). It is serialized in slices
   * between which requests are served.
   */
  writeJson(path: string, data: StateData): Promise<void>
  /** fsync a file or a directory (a directory makes renames and new files durable). */
  syncPath(path: string): Promise<void>
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT'

function journalHandle(handle: FileHandle): JournalHandle {
  return {
    append: async (bytes) => {
      await handle.appendFile(bytes)
    },
    sync: () => handle.sync(),
    truncate: (length) => handle.truncate(length),
    close: () => handle.close(),
  }
}

export function createNodeFs(): PersistenceFs {
  // one TextFile per path: lowdb's writer orders the writes to a file (the last one called wins)
  const textFiles = new Map<string, TextFile>()
  return {
    openJournal: async (path) => journalHandle(await open(path, 'a')),
    readFile: async (path) => {
      try {
        return await readFile(path)
      } catch (error) {
        if (isMissing(error)) return undefined
        throw error
      }
    },
    size: async (path) => {
      try {
        return (await stat(path)).size
      } catch (error) {
        if (isMissing(error)) return undefined
        throw error
      }
    },
    truncate: (path, length) => truncate(path, length),
    rename: (from, to) => rename(from, to),
    unlink: async (path) => {
      try {
        await unlink(path)
      } catch (error) {
        if (!isMissing(error)) throw error
      }
    },
    list: async (dir) => {
      try {
        return await readdir(dir)
      } catch (error) {
        if (isMissing(error)) return []
        throw error
      }
    },
    writeJson: async (path, data) => {
      const text = await prettyStateJson(data, {
        yieldTurn: () => nextTurn(),
        now: () => performance.now(),
        budgetMs: SNAPSHOT_SLICE_MS,
      })
      let file = textFiles.get(path)
      if (file === undefined) {
        file = new TextFile(path)
        textFiles.set(path, file)
      }
      await file.write(text)
    },
    syncPath: async (path) => {
      let handle: FileHandle
      try {
        handle = await open(path, constants.O_RDONLY)
      } catch (error) {
        if (isMissing(error)) return
        throw error
      }
      try {
        await handle.sync()
      } catch (error) {
        // some platforms cannot fsync a directory; the file's own fsync still happened
        if (
          (error as NodeJS.ErrnoException).code !== 'EISDIR' &&
          (error as NodeJS.ErrnoException).code !== 'EPERM'
        )
          throw error
      } finally {
        await handle.close()
      }
    },
  }
}
