import { readdirSync, statSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import type { LoadedSource } from './load-source.ts'

/**
 * When the manifest or its seed data was edited after the state was last saved, the saved state no
 * longer reflects them: one line saying so (and how to start from the new seed), else undefined.
 */
export function staleStateNotice(loaded: LoadedSource, stateFile: string): string | undefined {
  const savedAt = Math.max(mtimeOf(stateFile), mtimeOf(`${stateFile}.journal`))
  if (savedAt === 0) return undefined
  const inputs = [loaded.path, ...(loaded.dataPath === undefined ? [] : [loaded.dataPath])]
  const changed = inputs.find((input) => input !== stateFile && newestMtime(input) > savedAt)
  if (changed === undefined) return undefined
  return `${displayPath(changed)} changed since the state was saved; run with --reset to start from the new seed`
}

function mtimeOf(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0
}

/** A data folder counts as changed when the folder (a file added or removed) or any file in it is newer. */
function newestMtime(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false })
  if (info === undefined) return 0
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const entry of readdirSync(path)) {
    if (entry.endsWith('.json')) newest = Math.max(newest, mtimeOf(join(path, entry)))
  }
  return newest
}

/** Relative to the working directory when inside it, as the user most likely typed it. */
function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path)
  return fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : path
}
