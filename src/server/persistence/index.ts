export {
  createFilePersistence,
  DEFAULT_COMPACT_AFTER_BYTES,
  type FilePersistence,
  type FilePersistenceOptions,
  type PersistenceStats,
} from './file.ts'
export { createNodeFs, type JournalHandle, type PersistenceFs } from './fs-layer.ts'
export { acquireStateLock, isProcessAlive, type StateLock, type StateLockOptions } from './lock.ts'
export { createMemoryPersistence } from './memory.ts'
export type { Persistence } from './types.ts'
