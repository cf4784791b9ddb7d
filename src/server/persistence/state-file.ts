import { ConfigError } from '../../core/errors.ts'
import { jsonErrorOffset } from '../../core/json-text.ts'
import { isStackOverflow, NESTED_TOO_DEEPLY } from '../../core/manifest/parse-text.ts'
import type { StateData } from '../../core/store.ts'

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
