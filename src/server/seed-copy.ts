import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import { ConfigError } from '../core/errors.ts'
import type { Manifest } from '../core/manifest/model.ts'
import { parseJsonText } from '../core/manifest/parse-text.ts'
import { inferManifest } from '../core/manifest/zero-config.ts'
import { isDataModule, type LoadedSource, readSourceFile } from './load-source.ts'

/**
 * A zero-config db.json is both the seed and the state file, so the first start keeps the user's
 * original as `.restmock/<name>.seed.json` beside it: `--reset` and `POST /__restmock/reset` go back to
 * it, and later starts seed from it while their state is what the db.json says.
 */
export interface SeedCopy {
  /** absolute path of `.restmock/<name>.seed.json` */
  path: string
  /** the db.json it copies */
  source: string
  /** the copy's data when it already exists; undefined until the first start makes it */
  data?: unknown
}

/** Where the seed copy of a db.json is kept. */
export function seedCopyPath(dbFile: string): string {
  return join(dirname(dbFile), '.restmock', `${basename(dbFile, extname(dbFile))}.seed.json`)
}

/**
 * The seed copy of a zero-config db.json that is its own state file (read, not written), or undefined
 * when the seed is a file restmock never writes: a manifest, a --data file, a db.js module, another --db.
 */
export function findSeedCopy(loaded: LoadedSource, stateFile: string): SeedCopy | undefined {
  if (loaded.kind !== 'db' || loaded.dataPath !== undefined || stateFile !== loaded.path) return undefined
  if (isDataModule(loaded.path)) return undefined
  const path = seedCopyPath(loaded.path)
  if (!existsSync(path)) return { path, source: loaded.path }
  return { path, source: loaded.path, data: parseJsonText(readSourceFile(path, 'seed copy'), path) }
}

/**
 * The manifest for seeding from an existing copy: inferred from the copy and the db.json together, so a
 * resource only one of them has (added by hand, or emptied away) is still served; the db.json's shape
 * wins where both have it.
 */
export function seedCopyManifest(loaded: LoadedSource, copy: SeedCopy, idField?: string): Manifest {
  const { data } = copy
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return inferManifest(data, copy.path, idField)
  return inferManifest({ ...data, ...(loaded.data as object) }, loaded.path, idField)
}

/**
 * Write the seed copy: the db.json's bytes as they are on disk, to a temporary file renamed into place,
 * so the copy is whole or absent. Called only with the state file's lock held and before restmock
 * writes the db.json itself. An existing copy is never replaced: it is the user's original.
 * Returns whether it was made now.
 */
export function keepSeedCopy(copy: SeedCopy): boolean {
  if (existsSync(copy.path)) return false
  const temporary = join(dirname(copy.path), `.${basename(copy.path)}.${process.pid}.tmp`)
  try {
    mkdirSync(dirname(copy.path), { recursive: true })
    copyFileSync(copy.source, temporary)
    renameSync(temporary, copy.path)
  } catch (error) {
    removeQuietly(temporary)
    throw new ConfigError(
      `cannot keep the original ${basename(copy.source)} as the seed in ${copy.path} (${copyFailure(error, dirname(copy.path))}); make that folder writable, or use --in-memory`,
      [],
    )
  }
  return true
}

function copyFailure(error: unknown, folder: string): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `${folder} is not writable`
  if (code === 'EEXIST' || code === 'ENOTDIR') return `${folder} is not a folder`
  if (code === 'ENOSPC') return 'the disk is full'
  return (error as Error).message
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true })
  } catch {
    // nothing was written there
  }
}
