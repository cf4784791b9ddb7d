import { isMap, isSeq, LineCounter, parseDocument } from 'yaml'
import { ConfigError } from '../errors.ts'
import { jsonErrorOffset, nestingExceeds } from '../json-text.ts'

export interface ParsedText {
  value: unknown
  /** 1-based line of the node at a dotted path (resources.x.fields.y), when known */
  lineOf: (path: string) => number | undefined
}

/** JSON text above this size is parsed with JSON.parse alone (a 100k-record db.json must load fast). */
const YAML_CHECK_LIMIT = 256 * 1024

/**
 * Parse a YAML or JSON document. Both report lines for later problems (`lineOf`); syntax errors and
 * duplicate keys become a ConfigError listing each with its line. JSON is parsed strictly by JSON.parse
 * (YAML would accept trailing commas and comments); small JSON documents are also read by the YAML
 * parser to catch duplicate keys, large ones only when a line number is asked for.
 */
export const NESTED_TOO_DEEPLY = 'objects and arrays are nested too deeply to read'

/** Deepest JSON nesting handed to the YAML reader. */
const YAML_DEPTH_LIMIT = 256

export function parseYamlOrJson(text: string, fileName: string): ParsedText {
  const isJson = /\.json$/i.test(fileName)
  if (isJson && text.length > YAML_CHECK_LIMIT) {
    const value = parseJsonText(text, fileName)
    let lines: ((path: string) => number | undefined) | undefined
    const lineOf = (path: string): number | undefined => {
      lines ??= parseYaml(text, fileName, true).lineOf
      return lines(path)
    }
    return { value, lineOf }
  }
  if (!isJson) return parseYaml(text, fileName, false)
  const value = parseJsonText(text, fileName)
  // the YAML reader (kept for line numbers and duplicate keys) overflows, then runs out of memory, on
  // nesting JSON.parse reads fine: such a file goes without line numbers
  if (nestingExceeds(text, YAML_DEPTH_LIMIT)) return { value, lineOf: () => undefined }
  return parseYaml(text, fileName, true)
}

function parseYaml(text: string, fileName: string, isJson: boolean): ParsedText {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => {
      const line = lineCounter.linePos(error.pos[0]).line
      const first = error.message.split('\n')[0] ?? error.message
      const message = /call stack/i.test(first) ? NESTED_TOO_DEEPLY : first
      return { path: '', message, line }
    })
    throw new ConfigError(`${fileName} is not valid ${isJson ? 'JSON' : 'YAML'}`, issues, fileName)
  }
  const lineOf = (path: string): number | undefined => {
    const keys = path === '' ? [] : path.split('.')
    let node: unknown = doc.contents
    for (const key of keys) {
      if (isMap(node)) node = node.get(key, true)
      else if (isSeq(node)) node = node.get(Number(key), true)
      else return undefined
    }
    const range = (node as { range?: [number, number, number] } | undefined)?.range
    return range === undefined ? undefined : lineCounter.linePos(range[0]).line
  }
  return { value: doc.toJS({ maxAliasCount: 100 }), lineOf }
}

/** JSON.parse with the line of a syntax error in the ConfigError. */
export function parseJsonText(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    // V8 quotes the text around the error (across lines) or gives an offset: the line says where
    const message = isStackOverflow(error)
      ? NESTED_TOO_DEEPLY
      : (error as Error).message
          .replace(/, (\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
          .replace(/ in JSON at position \d+( \(line \d+ column \d+\))?$/, '')
    const offset = jsonErrorOffset(text)
    const issue: { path: string; message: string; line?: number } = { path: '', message }
    if (offset !== undefined) issue.line = text.slice(0, offset).split('\n').length
    throw new ConfigError(`${fileName} is not valid JSON`, [issue], fileName)
  }
}

/** JSON.parse recursing past the stack on a hugely nested file. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message)
}
