import { isMap, isSeq, LineCounter, parseDocument } from 'yaml'
import { ConfigError } from '../errors.ts'

export interface ParsedText {
  value: unknown
  /** 1-based line of the node at a dotted path (resources.x.fields.y), when known */
  lineOf: (path: string) => number | undefined
}

/**
 * Parse a YAML or JSON document (JSON is read by the YAML parser too, so both report lines).
 * Syntax errors and duplicate keys become a ConfigError listing each with its line.
 */
export function parseYamlOrJson(text: string, fileName: string): ParsedText {
  // YAML accepts text JSON does not (trailing commas, comments): a .json file must be strict JSON
  if (/\.json$/i.test(fileName)) parseJsonText(text, fileName)
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => {
      const line = lineCounter.linePos(error.pos[0]).line
      const message = error.message.split('\n')[0] ?? error.message
      return line === undefined ? { path: '', message } : { path: '', message, line }
    })
    throw new ConfigError(
      `${fileName} is not valid ${/\.json$/i.test(fileName) ? 'JSON' : 'YAML'}`,
      issues,
      fileName,
    )
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
    const message = (error as Error).message
    const position = /position (\d+)/.exec(message)
    const issue: { path: string; message: string; line?: number } = { path: '', message }
    if (position !== null) issue.line = text.slice(0, Number(position[1])).split('\n').length
    throw new ConfigError(`${fileName} is not valid JSON`, [issue], fileName)
  }
}
