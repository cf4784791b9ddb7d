import { readdirSync, statSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { ConfigError } from '../../core/errors.ts'
import { jsonErrorOffset } from '../../core/json-text.ts'
import { isStackOverflow, NESTED_TOO_DEEPLY } from '../../core/manifest/parse-text.ts'
import type { StateData } from '../../core/store.ts'
import type { LoadedSource } from '../load-source.ts'

/**
 * Parses the state file (seed-data shape: arrays are collections, objects singletons). A file that does
 * not parse is reported with the position of the problem; the caller must then leave it untouched.
 */
export function parseStateFile(bytes: Uint8Array, file: string): StateData {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const offset = jsonErrorOffset(text)
    throw new ConfigError(
      `The state file ${file} is not valid JSON, so restmock will not start (the file is left as it is). ` +
        'Fix it, delete it, or start again from the seed data with --reset.',
      [
        {
          path: file,
          ...describeOffset(
            text,
            offset,
            isStackOverflow(error) ? NESTED_TOO_DEEPLY : (error as Error).message,
          ),
        },
      ],
      file,
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(
      `The state file ${file} must hold a JSON object keyed by resource name (like a json-server db.json).`,
      [
        {
          path: file,
          message: `found ${Array.isArray(value) ? 'an array' : JSON.stringify(value)} at the top level`,
        },
      ],
      file,
    )
  }
  const problems = Object.entries(value as Record<string, unknown>).flatMap(([name, entry]) =>
    typeof entry === 'object' && entry !== null
      ? []
      : [{ path: `${file}: ${name}`, message: 'must be an array of records or an object (a singleton)' }],
  )
  if (problems.length > 0) {
    throw new ConfigError(`The state file ${file} is not in seed-data shape.`, problems, file)
  }
  return value as StateData
}

/** "column 5: unexpected ']'" with the line (1-based) of the first character that makes the text invalid. */
function describeOffset(
  text: string,
  offset: number | undefined,
  fallback: string,
): { message: string; line?: number } {
  if (offset === undefined) return { message: fallback }
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  const found =
    offset >= text.length ? 'the file ends too early' : `unexpected ${JSON.stringify(text[offset])}`
  return { message: `column ${offset - lineStart + 1}: ${found}`, line }
}

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
