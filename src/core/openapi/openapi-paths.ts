import { isPlainObject, type PlainObject } from '../manifest/reporter.ts'
import type { DocumentRefs } from './document-refs.ts'

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

/** One operation of the document, with its path-level parameters merged in. */
export interface DocumentOperation {
  method: string
  /** the document's path template, such as /pet/{petId} */
  path: string
  /** JSON pointer of the operation, for messages */
  pointer: string
  operation: PlainObject
  /** path-level and operation-level parameters (the operation's win), refs followed */
  parameters: PlainObject[]
}

/** The segments of a path template; `{name}` segments are parameters. */
export function segmentsOf(path: string): { literal?: string; param?: string }[] {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const match = /^\{([^{}]+)\}$/.exec(segment)
      return match === null ? { literal: segment } : { param: match[1]! }
    })
}

/** Every operation of the document in document order. */
export function documentOperations(document: PlainObject, refs: DocumentRefs): DocumentOperation[] {
  const operations: DocumentOperation[] = []
  const paths = isPlainObject(document.paths) ? document.paths : {}
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = refs.follow(rawItem).node
    if (!isPlainObject(item)) continue
    const shared = parametersOf(item.parameters, refs)
    for (const method of METHODS) {
      const operation = refs.follow(item[method]).node
      if (!isPlainObject(operation)) continue
      const own = parametersOf(operation.parameters, refs)
      const key = (parameter: PlainObject) => `${String(parameter.in)}:${String(parameter.name)}`
      const ownKeys = new Set(own.map(key))
      operations.push({
        method: method.toUpperCase(),
        path,
        pointer: `#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/${method}`,
        operation,
        parameters: [...shared.filter((parameter) => !ownKeys.has(key(parameter))), ...own],
      })
    }
  }
  return operations
}

function parametersOf(raw: unknown, refs: DocumentRefs): PlainObject[] {
  if (!Array.isArray(raw)) return []
  return raw.map((parameter) => refs.follow(parameter).node).filter(isPlainObject)
}

/** The JSON media type of a content map (application/json, application/*+json, or * / *). */
export function jsonMedia(content: unknown): { type: string; media: PlainObject } | undefined {
  if (!isPlainObject(content)) return undefined
  const entries = Object.entries(content).filter(([, media]) => isPlainObject(media)) as [
    string,
    PlainObject,
  ][]
  const found =
    entries.find(([type]) => /^application\/json\b/i.test(type)) ??
    entries.find(([type]) => /^application\/[\w.+-]*\+json\b/i.test(type)) ??
    entries.find(([type]) => type === '*/*' || type === 'application/*')
  return found === undefined ? undefined : { type: found[0], media: found[1] }
}

/** The request body of an operation (refs followed), or undefined. */
export function requestBodyOf(operation: DocumentOperation, refs: DocumentRefs): PlainObject | undefined {
  const body = refs.follow(operation.operation.requestBody).node
  return isPlainObject(body) ? body : undefined
}

/** The success responses of an operation in status order (2xx first, then `default`), refs followed. */
export function successResponses(
  operation: DocumentOperation,
  refs: DocumentRefs,
): { status: number; response: PlainObject }[] {
  const responses = isPlainObject(operation.operation.responses) ? operation.operation.responses : {}
  const found: { status: number; response: PlainObject }[] = []
  for (const [code, raw] of Object.entries(responses)) {
    const response = refs.follow(raw).node
    if (!isPlainObject(response)) continue
    if (/^2\d\d$/.test(code)) found.push({ status: Number(code), response })
    else if (/^2XX$/i.test(code)) found.push({ status: 200, response })
  }
  found.sort((a, b) => a.status - b.status)
  if (found.length === 0) {
    const fallback = refs.follow(responses.default).node
    if (isPlainObject(fallback))
      found.push({ status: operation.method === 'POST' ? 201 : 200, response: fallback })
  }
  return found
}

/** The schema of an operation's first JSON success response, with its status. */
export function successSchema(operation: DocumentOperation, refs: DocumentRefs): unknown {
  for (const { response } of successResponses(operation, refs)) {
    const media = jsonMedia(response.content)
    if (media?.media.schema !== undefined) return media.media.schema
  }
  return undefined
}

/** An example of a media object: `example`, else the first `examples` entry's value. */
export function mediaExample(media: PlainObject, refs: DocumentRefs): { value: unknown } | undefined {
  if (media.example !== undefined) return { value: media.example }
  if (isPlainObject(media.examples)) {
    for (const raw of Object.values(media.examples)) {
      const example = refs.follow(raw).node
      if (isPlainObject(example) && example.value !== undefined) return { value: example.value }
    }
  }
  return undefined
}
